/* Staff dashboard: login, the report of the account's scope (drill down to a district or a
   school), bars and a daily line drawn as inline SVG, sortable tables, CSV/XLSX downloads,
   the satisfaction survey. No outside resources; the token lives in sessionStorage only. */
(function () {
  "use strict";

  var T = {
    zh: {
      title: "禁毒知识竞答 · 工作人员报表", language: "语言", logout: "退出", login: "登录",
      username: "用户名", password: "密码", signin: "登录", back: "返回", target: "目标注册率",
      bars: "注册率", daily: "每日注册与答题", belowTarget: "低于目标", atTarget: "达到目标",
      overEnrolled: "超过 100%（请核对在籍人数）", survey: "满意度调查", groupBy: "分组",
      overall: "总体", track: "组别", district: "区", school: "学校", grade: "年级", "class": "班级",
      city: "全市", districts: "各区", schools: "各学校", grades: "各年级", classes: "各班级",
      enrolled: "在籍人数", registered: "注册人数", registration_rate: "注册率", completed: "完成人数",
      completion_rate: "完成率", attempts: "答题次数", average_score: "平均分", pass_rate: "及格率",
      registered_total: "累计注册", surveyNote: "满意率为选择最高两档的回答占比，附 95% Wilson 置信区间；少于 10 份回答的分组不单独显示。",
      question: "题目", n: "回答数", satisfaction: "满意率", ci: "95% 区间", distribution: "分布（1–5）",
      hidden: "另有 {g} 个分组（共 {n} 份回答）因少于 10 份未单独显示。", noData: "暂无数据",
      comments: "意见（仅市级可见）", loginFailed: "用户名或密码错误", expired: "登录已过期，请重新登录",
      forbidden: "无权查看该范围", loading: "正在加载…", error: "加载失败：", adult: "成人", student: "学生",
      gradeN: "{n} 年级", dayRegistered: "当日注册", dayAttempts: "当日完成答题",
      rateLine: "累计注册率", noSurvey: "暂无调查数据"
    },
    en: {
      title: "Anti-drug knowledge challenge · Staff reports", language: "Language", logout: "Log out",
      login: "Log in", username: "Username", password: "Password", signin: "Log in", back: "Back",
      target: "Target registration rate", bars: "Registration rate", daily: "Registrations and attempts per day",
      belowTarget: "Below target", atTarget: "At or above target",
      overEnrolled: "Above 100 % (check the enrolment)", survey: "Satisfaction survey", groupBy: "Group by",
      overall: "Overall", track: "Track", district: "District", school: "School", grade: "Grade", "class": "Class",
      city: "City", districts: "Districts", schools: "Schools", grades: "Grades", classes: "Classes",
      enrolled: "Enrolled", registered: "Registered", registration_rate: "Registration rate",
      completed: "Completed", completion_rate: "Completion rate", attempts: "Attempts",
      average_score: "Average score", pass_rate: "Pass rate", registered_total: "Registered so far",
      surveyNote: "The satisfaction rate is the share of the top two answers, with its 95 % Wilson interval; groups with fewer than 10 answers are not shown on their own.",
      question: "Question", n: "Answers", satisfaction: "Satisfied", ci: "95 % interval",
      distribution: "Distribution (1–5)",
      hidden: "{g} more group(s) ({n} answers) have fewer than 10 answers and are not shown on their own.",
      noData: "No data yet", comments: "Comments (city staff only)", loginFailed: "Wrong username or password",
      expired: "Your session has expired: log in again", forbidden: "Outside your account's scope",
      loading: "Loading…", error: "Could not load: ", adult: "Adults", student: "Students",
      gradeN: "Grade {n}", dayRegistered: "registered that day", dayAttempts: "attempts finished that day",
      rateLine: "Registration rate so far", noSurvey: "No survey data yet"
    },
    ko: {
      title: "마약 예방 지식 퀴즈 · 담당자 보고서", language: "언어", logout: "로그아웃", login: "로그인",
      username: "사용자 이름", password: "비밀번호", signin: "로그인", back: "뒤로", target: "목표 등록률",
      bars: "등록률", daily: "일별 등록 및 응시", belowTarget: "목표 미달", atTarget: "목표 달성",
      overEnrolled: "100 % 초과 (재적 인원을 확인하세요)", survey: "만족도 조사", groupBy: "그룹",
      overall: "전체", track: "부문", district: "구", school: "학교", grade: "학년", "class": "반",
      city: "시 전체", districts: "구별", schools: "학교별", grades: "학년별", classes: "반별",
      enrolled: "재적 인원", registered: "등록 인원", registration_rate: "등록률", completed: "완료 인원",
      completion_rate: "완료율", attempts: "응시 횟수", average_score: "평균 점수", pass_rate: "합격률",
      registered_total: "누적 등록",
      surveyNote: "만족률은 상위 두 단계 응답의 비율이며 95 % Wilson 신뢰구간을 함께 표시합니다. 응답이 10개 미만인 그룹은 따로 표시하지 않습니다.",
      question: "문항", n: "응답 수", satisfaction: "만족률", ci: "95 % 구간", distribution: "분포 (1–5)",
      hidden: "응답이 10개 미만인 그룹 {g}개(응답 {n}개)는 따로 표시하지 않습니다.", noData: "아직 데이터가 없습니다",
      comments: "의견 (시 담당자 전용)", loginFailed: "사용자 이름 또는 비밀번호가 틀렸습니다",
      expired: "로그인이 만료되었습니다. 다시 로그인하세요", forbidden: "볼 수 없는 범위입니다",
      loading: "불러오는 중…", error: "불러오지 못했습니다: ", adult: "성인", student: "학생",
      gradeN: "{n}학년", dayRegistered: "당일 등록", dayAttempts: "당일 완료 응시", rateLine: "누적 등록률",
      noSurvey: "아직 조사 데이터가 없습니다"
    },
    ja: {
      title: "薬物乱用防止知識チャレンジ · 担当者レポート", language: "言語", logout: "ログアウト",
      login: "ログイン", username: "ユーザー名", password: "パスワード", signin: "ログイン", back: "戻る",
      target: "目標登録率", bars: "登録率", daily: "日別の登録と受験", belowTarget: "目標未達",
      atTarget: "目標達成", overEnrolled: "100 %超（在籍者数を確認してください）", survey: "満足度アンケート",
      groupBy: "集計単位", overall: "全体", track: "部門", district: "区", school: "学校", grade: "学年",
      "class": "クラス", city: "市全体", districts: "区別", schools: "学校別", grades: "学年別",
      classes: "クラス別", enrolled: "在籍者数", registered: "登録者数", registration_rate: "登録率",
      completed: "完了者数", completion_rate: "完了率", attempts: "受験回数", average_score: "平均点",
      pass_rate: "合格率", registered_total: "累計登録",
      surveyNote: "満足率は上位2段階の回答の割合で、95 % Wilson 信頼区間を併記します。回答が10件未満のグループは個別に表示しません。",
      question: "設問", n: "回答数", satisfaction: "満足率", ci: "95 %区間", distribution: "分布（1–5）",
      hidden: "回答が10件未満のグループ {g} 件（回答 {n} 件）は個別に表示していません。", noData: "まだデータがありません",
      comments: "意見（市の担当者のみ）", loginFailed: "ユーザー名またはパスワードが違います",
      expired: "ログインの有効期限が切れました。もう一度ログインしてください", forbidden: "閲覧できない範囲です",
      loading: "読み込み中…", error: "読み込めませんでした: ", adult: "一般", student: "学生",
      gradeN: "{n}年生", dayRegistered: "当日の登録", dayAttempts: "当日の完了受験", rateLine: "累計登録率",
      noSurvey: "まだアンケートのデータがありません"
    }
  };
  var LANGS = ["zh", "en", "ko", "ja"];
  var API = "/api/v1";
  var state = {
    lang: pickLang(), token: sessionStorage.getItem("staffToken"), me: null,
    view: null, stack: [], report: null, survey: null, sort: {}
  };

  function pickLang() {
    var saved = localStorage.getItem("staffLang");
    if (LANGS.indexOf(saved) >= 0) return saved;
    var nav = (navigator.language || "zh").slice(0, 2);
    return LANGS.indexOf(nav) >= 0 ? nav : "zh";
  }
  function t(key, vars) {
    var s = (T[state.lang] && T[state.lang][key]) || T.zh[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  function $(id) { return document.getElementById(id); }
  var el = StaffDashboard.el;
  var svg = StaffDashboard.svg;
  function pct(x) {
    if (x === null || x === undefined) return "–";
    return new Intl.NumberFormat(state.lang, { style: "percent", maximumFractionDigits: 1 }).format(x);
  }
  function num(x, digits) {
    if (x === null || x === undefined) return "–";
    return new Intl.NumberFormat(state.lang, { maximumFractionDigits: digits || 0 }).format(x);
  }

  /* ---- API ---- */
  function api(path, params) {
    var url = API + path + (params ? "?" + new URLSearchParams(params).toString() : "");
    return StaffDashboard.authorised(state.token, url).then(function (r) {
      if (r.status === 401) { logout(t("expired")); throw new Error(t("expired")); }
      if (!r.ok) {
        return StaffDashboard.problem(r).catch(function (e) {
          throw r.status === 403 ? new Error(t("forbidden")) : e;
        });
      }
      return r;
    });
  }
  function download(path, params, fallbackName) {
    api(path, params).then(function (r) { return StaffDashboard.save(r, fallbackName); }).catch(showError);
  }

  /* ---- login ---- */
  function login(event) {
    event.preventDefault();
    $("login-error").textContent = "";
    fetch(API + "/staff/token", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("username").value, password: $("password").value })
    }).then(function (r) {
      if (!r.ok) throw new Error(t("loginFailed"));
      return r.json();
    }).then(function (body) {
      state.token = body.access_token;
      sessionStorage.setItem("staffToken", state.token);
      $("password").value = "";
      start();
    }).catch(function (e) { $("login-error").textContent = e.message; });
  }
  function logout(message) {
    state.token = null; state.me = null; state.stack = [];
    sessionStorage.removeItem("staffToken");
    $("report-view").hidden = true; $("login-view").hidden = false; $("logout").hidden = true;
    $("login-error").textContent = message || "";
  }
  function start() {
    api("/staff/me").then(function (r) { return r.json(); }).then(function (me) {
      state.me = me;
      $("login-view").hidden = true; $("report-view").hidden = false; $("logout").hidden = false;
      show({ path: "/reports/me" }, true);
      loadSurvey();
    }).catch(function () {});
  }

  /* ---- the report ---- */
  function targetParam() { return String(Math.min(100, Math.max(1, Number($("target").value) || 90)) / 100); }
  function show(view, reset) {
    if (reset) state.stack = [];
    else if (state.view) state.stack.push(state.view);
    state.view = view;
    load();
  }
  function load() {
    $("status").textContent = t("loading");
    api(state.view.path, { target: targetParam() }).then(function (r) { return r.json(); }).then(function (report) {
      state.report = report;
      $("status").textContent = "";
      renderReport();
    }).catch(showError);
  }
  function showError(e) { $("status").textContent = t("error") + e.message; }

  function scopeTitle(report) {
    if (report.level === "city") return t("city");
    if (report.level === "district") return districtName(report.name);
    return report.name + " (" + report.code + ")";
  }
  var districtNames = {};
  function districtName(zh) {
    var d = districtNames[zh];
    return d ? d[state.lang] || zh : zh || "–";
  }
  function unitName(row) {
    if (row.level === "district") return districtName(row.district);
    if (row.level === "school") return (row.school_name || "") + " (" + row.school_code + ")";
    if (row.level === "grade") return t("gradeN", { n: row.grade });
    var prefix = state.report.level === "district" ? (row.school_name || row.school_code) + " · " : "";
    return prefix + t("gradeN", { n: row.grade }) + " " + row.class_name;
  }

  function renderReport() {
    var report = state.report;
    $("scope-title").textContent = scopeTitle(report);
    $("back").hidden = state.stack.length === 0;
    var cards = $("cards");
    cards.textContent = "";
    var tot = report.totals;
    [["enrolled", num(tot.enrolled)], ["registered", num(tot.registered)],
     ["registration_rate", pct(tot.registration_rate), tot.over_enrolled],
     ["completion_rate", pct(tot.completion_rate)], ["attempts", num(tot.attempts)],
     ["average_score", num(tot.average_score, 1)], ["pass_rate", pct(tot.pass_rate)]
    ].forEach(function (c) {
      cards.appendChild(el("div", { class: "card" }, [
        el("div", { class: "label", text: t(c[0]) }),
        el("div", { class: "value" + (c[2] ? " flag" : ""), text: c[1] + (c[2] ? " ⚠" : "") })
      ]));
    });
    var sections = ["districts", "schools", "grades", "classes"].filter(function (s) { return report[s]; });
    /* Bars per district (city), per school (district), per class (school). */
    var barSection = { city: "districts", district: "schools", school: "classes" }[report.level];
    drawBars(report[barSection] || [], report.target);
    drawLine(report.daily);
    var tables = $("tables");
    tables.textContent = "";
    sections.forEach(function (s) { tables.appendChild(table(s, report[s])); });
    /* Views in their own files (kit.js) draw what they add to this report. */
    document.dispatchEvent(new CustomEvent("staff:report", {
      detail: { report: report, lang: state.lang, token: state.token, role: state.me && state.me.role }
    }));
  }

  /* Drawn at the size of the box, so that text keeps its size on a phone. */
  function chartWidth(box) { return Math.max(300, Math.min(1100, box.clientWidth - 18)); }
  function barColor(row, target) {
    if (row.over_enrolled) return "var(--over)";
    return row.registration_rate !== null && row.registration_rate < target ? "var(--below)" : "var(--ok)";
  }
  function drawBars(rows, target) {
    var box = $("bars");
    box.textContent = "";
    if (!rows.length) { box.appendChild(el("p", { text: t("noData") })); return; }
    var shown = rows.slice(0, 60);  /* below target first: the ones to chase */
    var width = chartWidth(box);
    var rowH = 22, labelW = Math.min(240, Math.round(width * 0.38)), chartW = width - labelW - 70;
    var max = Math.max(1, Math.max.apply(null, shown.map(function (r) { return r.registration_rate || 0; })));
    var height = shown.length * rowH + 30;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": t("bars") });
    shown.forEach(function (row, i) {
      var y = 10 + i * rowH, rate = row.registration_rate || 0;
      var label = svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", "font-size": 12 }, unitName(row));
      var bar = svg("rect", { x: labelW, y: y + 3, height: rowH - 6, width: Math.max(1, chartW * rate / max),
        fill: barColor(row, target), rx: 2 });
      bar.appendChild(svg("title", {}, unitName(row) + ": " + pct(row.registration_rate)));
      var value = svg("text", { x: labelW + chartW * rate / max + 4, y: y + 14, "font-size": 12 },
        pct(row.registration_rate) + (row.over_enrolled ? " ⚠" : ""));
      root.appendChild(label); root.appendChild(bar); root.appendChild(value);
    });
    var tx = labelW + chartW * target / max;
    root.appendChild(svg("line", { x1: tx, x2: tx, y1: 4, y2: height - 16, stroke: "#1b1f24",
      "stroke-dasharray": "4 3" }));
    root.appendChild(svg("text", { x: tx, y: height - 4, "text-anchor": "middle", "font-size": 11 },
      t("target") + " " + pct(target)));
    box.appendChild(root);
  }

  function drawLine(days) {
    var box = $("line");
    box.textContent = "";
    if (!days.length) { box.appendChild(el("p", { text: t("noData") })); return; }
    var width = chartWidth(box), height = 240, left = 50, right = 50, top = 16, bottom = 40;
    var w = width - left - right, h = height - top - bottom;
    var maxRate = Math.max(1, Math.max.apply(null, days.map(function (d) { return d.registration_rate || 0; })));
    var maxAttempts = Math.max(1, Math.max.apply(null, days.map(function (d) { return d.attempts; })));
    var step = days.length > 1 ? w / (days.length - 1) : 0;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": t("daily") });
    root.appendChild(svg("line", { x1: left, x2: left + w, y1: top + h, y2: top + h, stroke: "#8c959f" }));
    var barW = Math.max(2, Math.min(18, w / days.length - 2));
    var points = days.map(function (d, i) {
      var x = left + (days.length > 1 ? i * step : w / 2);
      var bh = h * d.attempts / maxAttempts;
      var bar = svg("rect", { x: x - barW / 2, y: top + h - bh, width: barW, height: bh, fill: "#9ecbff" });
      bar.appendChild(svg("title", {}, d.day + ": " + num(d.attempts) + " " + t("dayAttempts") + ", " +
        num(d.registered) + " " + t("dayRegistered")));
      root.appendChild(bar);
      return [x, top + h - h * (d.registration_rate || 0) / maxRate];
    });
    root.appendChild(svg("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "),
      fill: "none", stroke: "#0b5cad", "stroke-width": 2.5 }));
    points.forEach(function (p, i) {
      var dot = svg("circle", { cx: p[0], cy: p[1], r: 3, fill: "#0b5cad" });
      dot.appendChild(svg("title", {}, days[i].day + ": " + t("rateLine") + " " + pct(days[i].registration_rate)));
      root.appendChild(dot);
    });
    var every = Math.ceil(days.length / 8);
    days.forEach(function (d, i) {
      if (i % every === 0 || i === days.length - 1) {
        root.appendChild(svg("text", { x: points[i][0], y: height - 18, "text-anchor": "middle", "font-size": 11 },
          d.day.slice(5)));
      }
    });
    root.appendChild(svg("text", { x: 4, y: top + 4, "font-size": 11, fill: "#0b5cad" }, pct(maxRate)));
    root.appendChild(svg("text", { x: width - 4, y: top + 4, "font-size": 11, "text-anchor": "end", fill: "#1f6feb" },
      num(maxAttempts)));
    root.appendChild(svg("text", { x: left, y: height - 2, "font-size": 11, fill: "#0b5cad" },
      "— " + t("rateLine") + "   ▮ " + t("attempts")));
    box.appendChild(root);
  }

  var COLUMNS = ["enrolled", "registered", "registration_rate", "completed", "completion_rate",
    "attempts", "average_score", "pass_rate"];
  function table(section, rows) {
    var sort = state.sort[section];
    var sorted = rows.slice();
    if (sort) {
      sorted.sort(function (a, b) {
        var x = sort.key === "name" ? unitName(a) : a[sort.key];
        var y = sort.key === "name" ? unitName(b) : b[sort.key];
        if (x === null) return 1;
        if (y === null) return -1;
        var c = typeof x === "string" ? x.localeCompare(y, state.lang) : x - y;
        return sort.dir === "asc" ? c : -c;
      });
    }
    var head = el("tr", {}, ["name"].concat(COLUMNS).map(function (key) {
      var label = key === "name" ? t(section.replace(/s$/, "").replace(/classe$/, "class")) : t(key);
      var ariaSort = sort && sort.key === key ? (sort.dir === "asc" ? "ascending" : "descending") : "none";
      var button = el("button", { type: "button", text: label + (ariaSort === "none" ? "" : ariaSort === "ascending" ? " ▲" : " ▼") });
      button.addEventListener("click", function () {
        var dir = sort && sort.key === key && sort.dir === "asc" ? "desc" : "asc";
        state.sort[section] = { key: key, dir: dir };
        var old = $("table-" + section);
        old.parentNode.replaceChild(table(section, rows), old);
      });
      return el("th", { scope: "col", "aria-sort": ariaSort }, [button]);
    }));
    var body = el("tbody", {}, sorted.map(function (row) {
      var name = el("td", {});
      var link = drillLink(row);
      if (link) {
        var a = el("a", { href: "#", text: unitName(row) });
        a.addEventListener("click", function (e) { e.preventDefault(); show(link); });
        name.appendChild(a);
      } else {
        name.textContent = unitName(row);
      }
      var below = row.registration_rate !== null && row.registration_rate < state.report.target;
      return el("tr", { class: row.over_enrolled ? "over" : below ? "below" : "" }, [name].concat(COLUMNS.map(function (key) {
        var v = row[key];
        var text = /rate$/.test(key) ? pct(v) : key === "average_score" ? num(v, 1) : num(v);
        if (key === "registration_rate" && row.over_enrolled) text += " ⚠";
        return el("td", { text: text });
      })));
    }));
    return el("div", { class: "table-wrap", id: "table-" + section, tabindex: "0", role: "region", "aria-label": t(section) }, [
      el("table", {}, [el("caption", { text: t(section) }), el("thead", {}, [head]), body])
    ]);
  }
  function drillLink(row) {
    if (row.level === "district" && state.me.role === "city") return { path: "/reports/districts/" + encodeURIComponent(row.district) };
    if (row.level === "school" && state.report.level !== "school") return { path: "/reports/schools/" + encodeURIComponent(row.school_code) };
    return null;
  }

  /* ---- the survey ---- */
  function loadSurvey() {
    var body = $("survey-body");
    api("/reports/survey", { by: $("survey-by").value, lang: state.lang }).then(function (r) { return r.json(); })
      .then(function (report) { state.survey = report; renderSurvey(); })
      .catch(function () { body.textContent = t("noSurvey"); });
    var box = $("comments");
    box.textContent = "";
    if (state.me && state.me.role === "city") {
      api("/reports/survey/comments", { limit: 50 }).then(function (r) { return r.json(); }).then(function (c) {
        box.appendChild(el("h3", { text: t("comments") + " (" + num(c.total) + ")" }));
        box.appendChild(el("ul", { class: "comments" }, c.comments.map(function (item) {
          return el("li", { text: item.day + " · " + t(item.track) + (item.district ? " · " + districtName(item.district) : "") + ": " + item.text });
        })));
      }).catch(function () {});
    }
  }
  function renderSurvey() {
    var body = $("survey-body");
    body.textContent = "";
    var report = state.survey;
    report.questions.forEach(function (q) {
      var rows = q.groups.map(function (g) {
        var key = g.key === null ? t("overall") : report.by === "district" ? districtName(g.key) :
          report.by === "track" ? t(g.key) : g.key;
        return el("tr", {}, [
          el("td", { text: key }), el("td", { text: num(g.n) }), el("td", { text: pct(g.satisfaction_rate) }),
          el("td", { text: pct(g.ci_low) + " – " + pct(g.ci_high) }),
          el("td", {}, [distribution(g.distribution, q.labels)])
        ]);
      });
      var wrap = el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": q.text }, [el("table", {}, [
        el("caption", { text: q.text }),
        el("thead", {}, [el("tr", {}, [t("groupBy"), t("n"), t("satisfaction"), t("ci"), t("distribution")].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]),
        el("tbody", {}, rows.length ? rows : [el("tr", {}, [el("td", { colspan: "5", text: t("noData") })])])
      ])]);
      body.appendChild(wrap);
      if (q.hidden_groups) body.appendChild(el("p", { class: "note", text: t("hidden", { g: q.hidden_groups, n: q.hidden_answers }) }));
    });
  }
  function distribution(counts, labels) {
    var total = counts.reduce(function (a, b) { return a + b; }, 0) || 1;
    var colors = ["#b3541e", "#d9a35b", "#c9ced6", "#7fbf8e", "#1a7f37"];
    var root = svg("svg", { viewBox: "0 0 200 14", width: 200, height: 14, role: "img",
      "aria-label": counts.map(function (c, i) { return labels[i] + " " + c; }).join(", ") });
    var x = 0;
    counts.forEach(function (c, i) {
      var w = 200 * c / total;
      var r = svg("rect", { x: x, y: 0, width: w, height: 14, fill: colors[i] });
      r.appendChild(svg("title", {}, labels[i] + ": " + num(c)));
      root.appendChild(r);
      x += w;
    });
    return root;
  }

  /* ---- language ---- */
  function applyLang() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    $("lang").value = state.lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    if (state.report) renderReport();
    if (state.survey && state.me) loadSurvey();
  }

  document.addEventListener("DOMContentLoaded", function () {
    fetch(API + "/schools/districts").then(function (r) { return r.json(); }).then(function (list) {
      list.forEach(function (d) { districtNames[d.name] = d.names; });
      if (state.report) renderReport();
    }).catch(function () {});
    $("lang").addEventListener("change", function () {
      state.lang = $("lang").value;
      localStorage.setItem("staffLang", state.lang);
      applyLang();
    });
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", function () { logout(); });
    $("back").addEventListener("click", function () {
      state.view = state.stack.pop();
      load();
    });
    $("target").addEventListener("change", load);
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(function () { if (state.report) renderReport(); }, 200);
    });
    $("survey-by").addEventListener("change", loadSurvey);
    ["dl-csv", "dl-xlsx"].forEach(function (id) {
      $(id).addEventListener("click", function (e) {
        e.preventDefault();
        var format = e.currentTarget.getAttribute("data-format");
        download(state.view.path, { target: targetParam(), format: format, lang: state.lang }, "report." + format);
      });
    });
    ["sv-csv", "sv-xlsx"].forEach(function (id) {
      $(id).addEventListener("click", function (e) {
        e.preventDefault();
        var format = e.currentTarget.getAttribute("data-format");
        download("/reports/survey", { by: $("survey-by").value, format: format, lang: state.lang }, "survey." + format);
      });
    });
    applyLang();
    if (state.token) start();
  });
})();
