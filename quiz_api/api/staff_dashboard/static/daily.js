/* Staff dashboard, the daily question: on each report (app.js announces it with a
   "staff:report" event), the same unit's daily-question figures of the last 30 days from
   GET /api/v1/reports/daily — a bar per day (answers), a table per day (answers, correct
   share, adults, primary, secondary), the city's districts, CSV/XLSX downloads. Fetched once
   per unit; a new language or size only draws it again. Kept apart from app.js. */
(function () {
  "use strict";

  var T = {
    zh: { title: "每日一问：每天的作答情况", date: "日期", answers: "作答人数", share: "正确率",
          adult: "成人", primary: "小学生", secondary: "中学生", total: "合计", district: "区",
          fewer: "少于{n}人", max: "最高", byDay: "按日", period: "{from} 至 {to}（{tz}）", chart: "每日作答人数",
          districts: "各区（期间合计）", loading: "正在加载…", error: "加载失败：",
          note: "每位参与者每天只能作答一次，作答人数即人数。全市以下的单位，少于 {n} 人的数字不显示，只标“少于{n}人”。成人不属于任何学校，计入全市；填写了所在区的，也计入该区。" },
    en: { title: "Question of the day: answers per day", date: "Date", answers: "Answers",
          share: "Correct", adult: "Adults", primary: "Primary pupils", secondary: "Secondary students",
          total: "Total", district: "District", fewer: "fewer than {n}", max: "peak", byDay: "By day", period: "{from} to {to} ({tz})",
          chart: "Answers per day", districts: "Districts (whole period)", loading: "Loading…",
          error: "Could not load: ",
          note: "Each participant answers once a day, so answers are people. Below the city, a figure about fewer than {n} people is not shown. Adults belong to no school: they count in the city, and in their district if they gave one." },
    ko: { title: "오늘의 문제: 날짜별 응답 현황", date: "날짜", answers: "응답 수", share: "정답 비율",
          adult: "성인", primary: "초등학생", secondary: "중고등학생", total: "합계", district: "구",
          fewer: "{n}명 미만", max: "최대", byDay: "날짜별", period: "{from} ~ {to} ({tz})", chart: "날짜별 응답 수",
          districts: "구별 (기간 합계)", loading: "불러오는 중…", error: "불러오지 못했습니다: ",
          note: "참가자는 하루에 한 번만 답할 수 있으므로 응답 수가 곧 인원입니다. 시 전체보다 작은 단위에서는 {n}명 미만인 수치를 표시하지 않습니다. 성인은 학교에 속하지 않아 시 전체에 포함되며, 구를 입력한 경우 그 구에도 포함됩니다." },
    ja: { title: "今日の一問：日別の回答状況", date: "日付", answers: "回答数", share: "正答率",
          adult: "成人", primary: "小学生", secondary: "中高生", total: "合計", district: "区",
          fewer: "{n}人未満", max: "最大", byDay: "日別", period: "{from}～{to}（{tz}）", chart: "日別の回答数",
          districts: "区別（期間合計）", loading: "読み込み中…", error: "読み込めませんでした：",
          note: "回答は1人1日1回までのため、回答数は人数です。市全体より小さい単位では、{n}人未満の数値は表示しません。成人は学校に属さないため市全体に数え、区を入力した人はその区にも数えます。" }
  };
  var GROUPS = ["adult", "primary", "secondary"];
  var API = "/api/v1";
  var box = document.getElementById("daily-report");
  if (!box) return;
  var current = { key: null, data: null, drawn: null, lang: "zh" };
  var districtNames = {};  // code -> names in the four languages

  var el = StaffDashboard.el;
  var svg = StaffDashboard.svg;
  function fill(s, vars) {
    Object.keys(vars).forEach(function (k) { s = s.split("{" + k + "}").join(vars[k]); });
    return s;
  }

  function get(token, params) {
    return StaffDashboard.request(token, API + "/reports/daily?" + new URLSearchParams(params).toString());
  }

  function scopeParams(report) {
    if (report.level === "district") return { district: report.code };
    if (report.level === "school") return { school: report.code };
    return {};
  }

  /* A figure: the count, or "fewer than 10" when the group is too small to be shown. */
  function count(f, t, lang) {
    if (f.fewer_than !== null && f.fewer_than !== undefined) return fill(t.fewer, { n: f.fewer_than });
    return new Intl.NumberFormat(lang).format(f.answers);
  }
  function share(f, lang) {
    if (f.correct_share === null || f.correct_share === undefined) return "–";
    return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(f.correct_share);
  }
  function withShare(f, t, lang) {
    if (f.fewer_than !== null && f.fewer_than !== undefined) return count(f, t, lang);
    return f.answers ? count(f, t, lang) + " (" + share(f, lang) + ")" : "0";
  }

  function chart(days, t, lang) {
    var wrap = el("div", { class: "chart" });
    box.appendChild(wrap);
    var width = Math.max(300, Math.min(1100, wrap.clientWidth - 18)), height = 170;
    var left = 8, right = 8, top = 18, bottom = 26, w = width - left - right, h = height - top - bottom;
    var max = Math.max(1, Math.max.apply(null, days.map(function (d) { return d.answers || 0; })));
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": t.chart });
    root.appendChild(svg("line", { x1: left, x2: left + w, y1: top + h, y2: top + h, stroke: "#8c959f" }));
    var step = w / days.length, barW = Math.max(2, Math.min(24, step - 2));
    days.forEach(function (d, i) {
      var x = left + i * step + (step - barW) / 2, bh = h * (d.answers || 0) / max;
      var bar = svg("rect", { x: x, y: top + h - bh, width: barW, height: Math.max(bh, 0), fill: "#0b5cad",
        "class": "daily-bar" });
      bar.appendChild(svg("title", {}, d.date + ": " + count(d, t, lang) + " " + t.answers +
        (d.correct_share !== null ? ", " + t.share + " " + share(d, lang) : "")));
      root.appendChild(bar);
    });
    var every = Math.ceil(days.length / 8);  // counted back from the last day, always shown
    days.forEach(function (d, i) {
      if ((days.length - 1 - i) % every === 0) {
        var last = i === days.length - 1;  // kept inside the box
        root.appendChild(svg("text", { x: last ? left + w : left + i * step + step / 2, y: height - 8,
          "text-anchor": last ? "end" : "middle", "font-size": 11 }, d.date.slice(5)));
      }
    });
    root.appendChild(svg("text", { x: left, y: 12, "font-size": 11, fill: "#0b5cad" },
      t.chart + " · " + t.max + " " + new Intl.NumberFormat(lang).format(max)));
    wrap.appendChild(root);
  }

  function dayTable(report, t, lang) {
    var columns = [t.date, t.answers, t.share, t.adult, t.primary, t.secondary];
    var head = el("thead", {}, [el("tr", {}, columns.map(function (c) { return el("th", { scope: "col", text: c }); }))]);
    function row(label, line, header) {
      var first = el(header ? "th" : "td", header ? { scope: "row", text: label } : { text: label });
      return el("tr", {}, [first, el("td", { text: count(line, t, lang) }), el("td", { text: share(line, lang) })]
        .concat(GROUPS.map(function (g) { return el("td", { text: withShare(line.by_audience[g], t, lang) }); })));
    }
    var days = report.days.slice().reverse();  // the newest day first
    var body = el("tbody", {}, days.map(function (d) { return row(d.date, d, false); }));
    var foot = el("tfoot", {}, [row(t.total, report.totals, true)]);
    return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t.byDay }, [
      el("table", { id: "daily-days" }, [el("caption", { text: t.byDay }), head, body, foot])
    ]);
  }

  function districtTable(report, t, lang) {
    var columns = [t.district, t.answers, t.share, t.adult, t.primary, t.secondary];
    var head = el("thead", {}, [el("tr", {}, columns.map(function (c) { return el("th", { scope: "col", text: c }); }))]);
    var body = el("tbody", {}, report.districts.map(function (u) {
      var names = districtNames[u.district_code];
      var f = u.totals;
      return el("tr", {}, [el("td", { text: names ? names[lang] || u.district : u.district }),
        el("td", { text: count(f, t, lang) }), el("td", { text: share(f, lang) })]
        .concat(GROUPS.map(function (g) { return el("td", { text: withShare(f.by_audience[g], t, lang) }); })));
    }));
    return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t.districts }, [
      el("table", { id: "daily-districts" }, [el("caption", { text: t.districts }), head, body])
    ]);
  }

  function downloadLink(format, token, params, lang, status, t) {
    var a = el("a", { href: "#", "data-format": format, id: "daily-dl-" + format, text: format.toUpperCase() });
    a.addEventListener("click", function (e) {
      e.preventDefault();
      var query = {};
      Object.keys(params).forEach(function (k) { query[k] = params[k]; });
      query.format = format; query.lang = lang;
      get(token, query).then(function (r) {
        return StaffDashboard.save(r, "daily." + format);
      }).catch(function (err) { status.textContent = t.error + err.message; });
    });
    return a;
  }

  function render(data, token, params, lang) {
    var t = T[lang] || T.zh;
    box.textContent = "";
    box.appendChild(el("h2", { id: "daily-report-title", text: t.title }));
    var status = el("p", { class: "status", role: "status" });
    box.appendChild(el("div", { class: "scope-bar" }, [
      el("span", { class: "daily-period", text: fill(t.period, { from: data.from, to: data.to, tz: data.timezone }) }),
      el("span", { class: "downloads" }, [
        downloadLink("csv", token, params, lang, status, t), downloadLink("xlsx", token, params, lang, status, t)
      ])
    ]));
    box.appendChild(status);
    box.appendChild(el("p", { class: "note", text: fill(t.note, { n: data.min_group }) }));
    chart(data.days, t, lang);
    box.appendChild(dayTable(data, t, lang));
    if (data.districts) box.appendChild(districtTable(data, t, lang));
  }

  fetch(API + "/schools/districts").then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (d) { districtNames[d.code] = d.names; });
  }).catch(function () {});

  document.addEventListener("staff:report", function (event) {
    var d = event.detail || {};
    var report = d.report;
    current.lang = d.lang || "zh";
    if (!report) { box.hidden = true; return; }
    var params = scopeParams(report);
    // Another sign-in (another token) asks again, even for the same unit.
    var key = d.token + "|" + report.level + ":" + (report.code || "");
    if (key === current.key) {
      // The same unit: drawn again only in another language (the figures are kept).
      if (current.data && current.drawn !== current.lang) draw(d.token, params);
      return;
    }
    current = { key: key, data: null, drawn: null, lang: current.lang };
    var t = T[current.lang] || T.zh;
    box.hidden = false;
    box.textContent = "";
    box.appendChild(el("p", { class: "status", role: "status", text: t.loading }));
    get(d.token, params).then(function (r) { return r.json(); }).then(function (data) {
      if (current.key !== key) return;  // a later report won over this slower answer
      current.data = data;
      draw(d.token, params);
    }).catch(function (e) {
      if (current.key !== key) return;
      current.key = null;  // asked again with the next report
      box.textContent = "";
      if (e.status === 404) { box.hidden = true; return; }  // a site without a daily question
      box.appendChild(el("p", { class: "status", text: (T[current.lang] || T.zh).error + e.message }));
    });
  });

  function draw(token, params) {
    current.drawn = current.lang;
    render(current.data, token, params, current.lang);
  }
})();
