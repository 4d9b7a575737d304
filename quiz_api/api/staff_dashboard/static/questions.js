/* Staff dashboard, the "Questions" view (docs/analytics.md): on each report app.js announces
   (the "staff:report" event), the question analytics of that scope from
   /api/v1/reports/questions, loaded once per scope, attempts and language: a sortable table,
   a facility x discrimination scatter plot whose points select a question, the option shares
   of the selected question as bars, the figures of each paper and what people get wrong.
   City staff see the city or a district, district staff their district; a school account sees
   its school's facility only (the API's rule: from 10 participants up). The API gives
   fractions; this view shows percent. */
(function () {
  "use strict";

  var T = {
    zh: {
      title: "题目分析", adult: "成人", student: "学生", track: "组别", attempts: "统计范围",
      first: "仅首次答题", all: "全部答题", age: "数据更新于 {m} 分钟前（包含 {time} 之前提交的结果）",
      ageNow: "数据刚刚更新（包含 {time} 之前提交的结果）", noData: "暂无答题数据",
      id: "编号", text: "题目", category: "类别", difficulty: "难度", n: "答题次数",
      facility: "正确率", discrimination: "区分度", efficiency: "区分效率", flags: "提示",
      table: "各题统计（点击表头排序）", scatter: "正确率 × 区分度",
      scatterNote: "每个点是一道题；▲ 表示有提示的题目，空心方块表示样本不足、没有区分度。点击或按回车选择题目。",
      noDisc: "无区分度", flagged: "有提示", options: "各选项选择比例", key: "正确答案",
      select: "选择一道题目查看各选项的选择比例。", byLang: "各语言正确率", byDistrict: "各区正确率",
      explanation: "解析", paper: "试卷统计", participants: "参加人数", mean: "平均分", sd: "标准差",
      alpha: "Cronbach α", alphaSe: "测量标准误（分）", wrongNone: "还没有题目达到 20 次答题。", distribution: "得分分布", score: "得分", people: "人数",
      wrong: "最常答错的知识点", wrongNote: "正确率最低的题目（至少 20 次答题），可作为宣传和课堂的重点。",
      schoolNote: "本校数据：只显示正确率，且仅在至少 10 人参加时显示。",
      download: "下载", error: "加载失败：", sortBy: "按{c}排序",
      easy: "容易", medium: "中等", hard: "困难",
      drugs: "毒品知识", law: "法律法规", refusal: "拒毒技巧", help: "求助与戒治", history: "禁毒历史", nps: "新型毒品",
      zh: "中文", en: "英语", ko: "韩语", ja: "日语", none: "无区"
    },
    en: {
      title: "Questions", adult: "Adults", student: "Students", track: "Track", attempts: "Counted",
      first: "First attempts only", all: "All attempts", age: "Figures updated {m} min ago (results submitted before {time})",
      ageNow: "Figures just updated (results submitted before {time})", noData: "No answers yet",
      id: "ID", text: "Question", category: "Category", difficulty: "Difficulty", n: "Attempts",
      facility: "Facility", discrimination: "Discrimination", efficiency: "Efficiency", flags: "Flags",
      table: "Per question (select a header to sort)", scatter: "Facility × discrimination",
      scatterNote: "Each point is a question; ▲ marks a flagged question, a hollow square one without a discrimination figure (too few answers). Click or press Enter to select a question.",
      noDisc: "no discrimination figure", flagged: "flagged", options: "Options chosen", key: "correct answer",
      select: "Select a question to see how often each option was chosen.", byLang: "Facility by language",
      byDistrict: "Facility by district", explanation: "Explanation", paper: "Per paper",
      participants: "Participants", mean: "Mean score", sd: "Standard deviation", alpha: "Cronbach's α", alphaSe: "Standard error of measurement (points)", wrongNone: "No question has 20 attempts yet.",
      distribution: "Score distribution", score: "Score", people: "People",
      wrong: "What people get wrong", wrongNote: "The questions with the lowest facility (from 20 attempts up): topics for the next posts, leaflets and lessons.",
      schoolNote: "Your school: facility only, shown when at least 10 people took part.",
      download: "Download", error: "Could not load: ", sortBy: "Sort by {c}",
      easy: "easy", medium: "medium", hard: "hard",
      drugs: "Drugs and harms", law: "Law", refusal: "Refusal skills", help: "Help and treatment", history: "History", nps: "New psychoactive substances",
      zh: "Chinese", en: "English", ko: "Korean", ja: "Japanese", none: "no district"
    },
    ko: {
      title: "문항 분석", adult: "성인", student: "학생", track: "부문", attempts: "집계 범위",
      first: "첫 응시만", all: "모든 응시", age: "{m}분 전에 갱신된 수치입니다({time} 이전에 제출된 결과)",
      ageNow: "방금 갱신된 수치입니다({time} 이전에 제출된 결과)", noData: "아직 응답이 없습니다",
      id: "번호", text: "문항", category: "분류", difficulty: "난이도", n: "응시 수",
      facility: "정답률", discrimination: "변별도", efficiency: "변별 효율", flags: "알림",
      table: "문항별 통계(머리글을 눌러 정렬)", scatter: "정답률 × 변별도",
      scatterNote: "점 하나가 문항 하나입니다. ▲는 알림이 있는 문항, 속이 빈 사각형은 응답이 적어 변별도가 없는 문항입니다. 클릭하거나 Enter 키를 눌러 문항을 선택하세요.",
      noDisc: "변별도 없음", flagged: "알림 있음", options: "선택지별 선택 비율", key: "정답",
      select: "문항을 선택하면 선택지별 선택 비율이 표시됩니다.", byLang: "언어별 정답률", byDistrict: "구별 정답률",
      explanation: "해설", paper: "시험지 통계", participants: "참가 인원", mean: "평균 점수", sd: "표준편차",
      alpha: "Cronbach α", alphaSe: "측정의 표준오차(점)", wrongNone: "아직 응시 20회에 이른 문항이 없습니다.", distribution: "점수 분포", score: "점수", people: "인원",
      wrong: "많이 틀리는 내용", wrongNote: "정답률이 가장 낮은 문항(응시 20회 이상)으로, 홍보와 수업에서 다룰 주제입니다.",
      schoolNote: "우리 학교 수치: 정답률만, 10명 이상 참가한 경우에만 표시합니다.",
      download: "내려받기", error: "불러오지 못했습니다: ", sortBy: "{c} 기준 정렬",
      easy: "쉬움", medium: "보통", hard: "어려움",
      drugs: "마약 지식", law: "법률", refusal: "거절 기술", help: "도움과 치료", history: "마약 퇴치의 역사", nps: "신종 마약",
      zh: "중국어", en: "영어", ko: "한국어", ja: "일본어", none: "구 없음"
    },
    ja: {
      title: "設問分析", adult: "一般", student: "学生", track: "部門", attempts: "集計範囲",
      first: "初回の受験のみ", all: "すべての受験", age: "{m} 分前に更新した数値です（{time} より前に提出された結果）",
      ageNow: "更新したばかりの数値です（{time} より前に提出された結果）", noData: "まだ回答がありません",
      id: "番号", text: "設問", category: "分類", difficulty: "難易度", n: "受験数",
      facility: "正答率", discrimination: "識別力", efficiency: "識別効率", flags: "注意",
      table: "設問ごとの統計（見出しを押して並べ替え）", scatter: "正答率 × 識別力",
      scatterNote: "点ひとつが設問ひとつです。▲は注意のある設問、白抜きの四角は回答が少なく識別力のない設問です。クリックするか Enter キーで設問を選びます。",
      noDisc: "識別力なし", flagged: "注意あり", options: "選択肢ごとの選択率", key: "正答",
      select: "設問を選ぶと、選択肢ごとの選択率を表示します。", byLang: "言語別の正答率", byDistrict: "区別の正答率",
      explanation: "解説", paper: "試験ごとの統計", participants: "参加者数", mean: "平均点", sd: "標準偏差",
      alpha: "Cronbach α", alphaSe: "測定の標準誤差（点）", wrongNone: "受験が 20 回に達した設問はまだありません。", distribution: "得点分布", score: "得点", people: "人数",
      wrong: "よく間違えられる内容", wrongNote: "正答率の低い設問（受験 20 回以上）です。広報や授業で取り上げる題材になります。",
      schoolNote: "自校の数値：正答率のみ、参加者が 10 人以上のときに表示します。",
      download: "ダウンロード", error: "読み込めませんでした: ", sortBy: "{c}で並べ替え",
      easy: "易しい", medium: "普通", hard: "難しい",
      drugs: "薬物の知識", law: "法律", refusal: "断る力", help: "相談と治療", history: "薬物対策の歴史", nps: "危険ドラッグ",
      zh: "中国語", en: "英語", ko: "韓国語", ja: "日本語", none: "区なし"
    }
  };
  /* The figures right after the question, so that a phone shows them without scrolling. */
  var COLUMNS = [
    { key: "id", num: false }, { key: "text", num: false }, { key: "facility", num: true },
    { key: "discrimination", num: true }, { key: "efficiency", num: true }, { key: "n", num: true },
    { key: "difficulty", num: false }, { key: "category", num: false }, { key: "flags", num: false }
  ];
  var DIFFICULTY = { easy: 0, medium: 1, hard: 2 };
  var box = document.getElementById("questions");
  if (!box) return;
  var cache = {};  // scope|attempts|lang -> { at: when asked, answer: the API's (a promise) }
  var KEEP_MS = 5 * 60 * 1000;  // the API refreshes its sums every 5 minutes while read
  var view = { ticket: 0, data: null, params: null, token: null, lang: "zh", track: null,
               attempts: "first", sort: { key: "facility", dir: 1 }, selected: null };

  function t(key, vars) {
    var s = (T[view.lang] && T[view.lang][key]) || T.zh[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  var el = StaffDashboard.el;
  var svg = StaffDashboard.svg;
  function pct(x) {
    if (x === null || x === undefined) return "–";
    return new Intl.NumberFormat(view.lang, { style: "percent", maximumFractionDigits: 1 }).format(x);
  }
  function num(x, digits) {
    if (x === null || x === undefined) return "–";
    return new Intl.NumberFormat(view.lang, { maximumFractionDigits: digits === undefined ? 0 : digits,
      minimumFractionDigits: digits || 0 }).format(x);
  }
  function qid(q) { return q.question_id + " v" + q.version; }
  /* Charts are drawn at the width they get, so that their text keeps its size on a phone. */
  function chartWidth(most) { return Math.max(300, Math.min(most, box.clientWidth - 20)); }

  /* ---- loading ---- */
  function query(extra) {
    var params = {};
    Object.keys(view.params).forEach(function (k) { params[k] = view.params[k]; });
    params.attempts = view.attempts;
    params.text_lang = view.lang;
    Object.keys(extra || {}).forEach(function (k) { params[k] = extra[k]; });
    return "/api/v1/reports/questions?" + new URLSearchParams(params).toString();
  }
  function get(url) { return StaffDashboard.request(view.token, url); }
  function load() {
    var url = query();
    var ticket = ++view.ticket;  // a later scope wins over a slower earlier answer
    if (!cache[url] || Date.now() - cache[url].at > KEEP_MS) {
      var entry = { at: Date.now(), answer: get(url).then(function (r) { return r.json(); }) };
      entry.answer.catch(function () { if (cache[url] === entry) delete cache[url]; });
      cache[url] = entry;
    }
    box.textContent = "";
    box.appendChild(el("h2", { id: "questions-title", text: t("title") }));
    cache[url].answer.then(function (data) {
      if (ticket !== view.ticket) return;
      view.data = data;
      var tracks = trackList(data);
      if (tracks.indexOf(view.track) < 0) view.track = tracks[0] || null;
      render();
    }).catch(function (e) {
      if (ticket === view.ticket) box.appendChild(el("p", { class: "status", text: t("error") + e.message }));
    });
  }
  function trackList(data) {
    var seen = {};
    data.questions.forEach(function (q) { seen[q.track] = true; });
    data.papers.forEach(function (p) { seen[p.track] = true; });
    return ["adult", "student"].filter(function (k) { return seen[k]; });
  }
  function downloadFile(format) {
    get(query({ format: format })).then(function (r) {
      return StaffDashboard.save(r, "questions." + format);
    }).catch(function (e) { box.querySelector(".q-status").textContent = t("error") + e.message; });
  }

  /* ---- drawing ---- */
  function render() {
    var data = view.data;
    box.textContent = "";
    box.appendChild(el("h2", { id: "questions-title", text: t("title") }));
    box.appendChild(controls(data));
    box.appendChild(el("p", { class: "status q-status", role: "status", text: ageText(data) }));
    if (data.school) box.appendChild(el("p", { class: "note", text: t("schoolNote") }));
    var rows = data.questions.filter(function (q) { return q.track === view.track; });
    if (!rows.length) { box.appendChild(el("p", { text: t("noData") })); return; }
    if (!rows.some(function (q) { return q.version_id === view.selected; })) view.selected = null;
    var paper = data.papers.filter(function (p) { return p.track === view.track; })[0];
    if (paper) box.appendChild(paperFigures(paper));
    if (!data.school) {
      box.appendChild(el("h3", { text: t("scatter") }));
      box.appendChild(el("p", { class: "note", text: t("scatterNote") }));
      box.appendChild(el("div", { class: "chart q-scatter" }, [scatter(rows)]));
      box.appendChild(el("div", { class: "q-detail", id: "q-detail" }, [detail(rows)]));
    }
    box.appendChild(table(rows, !!data.school));
    if (!data.school) box.appendChild(leastKnown(rows, data.least_known[view.track] || []));
  }

  function ageText(data) {
    if (data.age_seconds === null || data.age_seconds === undefined) return "";
    var time = data.data_until ? new Date(data.data_until).toLocaleString(view.lang) : "–";
    var minutes = Math.floor(data.age_seconds / 60);
    return minutes < 1 ? t("ageNow", { time: time }) : t("age", { m: minutes, time: time });
  }

  function controls(data) {
    var bar = el("div", { class: "scope-bar q-controls" });
    var group = el("div", { class: "q-tracks", role: "group", "aria-label": t("track") });
    trackList(data).forEach(function (track) {
      var b = el("button", { type: "button", class: "q-track", "aria-pressed": String(track === view.track), text: t(track) });
      b.addEventListener("click", function () { view.track = track; view.selected = null; render(); focusLater(".q-track[aria-pressed=true]"); });
      group.appendChild(b);
    });
    bar.appendChild(group);
    var label = el("label", { for: "q-attempts", text: t("attempts") + " " });
    var select = el("select", { id: "q-attempts" });
    ["first", "all"].forEach(function (k) {
      var o = el("option", { value: k, text: t(k) });
      if (k === view.attempts) o.selected = true;
      select.appendChild(o);
    });
    select.addEventListener("change", function () { view.attempts = select.value; load(); });
    bar.appendChild(el("span", { class: "q-attempts" }, [label, select]));
    var links = el("span", { class: "downloads" });
    ["csv", "xlsx"].forEach(function (f) {
      var a = el("a", { href: "#", id: "q-" + f, text: f.toUpperCase(), "aria-label": t("download") + " " + t("title") + " " + f.toUpperCase() });
      a.addEventListener("click", function (e) { e.preventDefault(); downloadFile(f); });
      links.appendChild(a);
    });
    bar.appendChild(links);
    return bar;
  }
  function focusLater(selector) {
    var node = box.querySelector(selector);
    if (node) node.focus();
  }

  function paperFigures(p) {
    var wrap = el("div", { class: "q-paper" });
    wrap.appendChild(el("h3", { text: t("paper") }));
    var cards = el("div", { class: "cards" });
    [["participants", num(p.participants)], ["mean", num(p.mean, 1)], ["sd", num(p.sd, 1)],
     ["alpha", num(p.alpha, 2)], ["alphaSe", num(p.alpha_se, 1)]]
      .forEach(function (c) {
        cards.appendChild(el("div", { class: "card" }, [
          el("div", { class: "label", text: t(c[0]) }), el("div", { class: "value", text: c[1] })
        ]));
      });
    wrap.appendChild(cards);
    var seen = Object.keys(p.distribution).map(Number).sort(function (a, b) { return a - b; });
    /* Every score from the lowest to the highest, in steps of the points' common divisor:
       a score nobody got is an empty place, not a missing one. */
    var step = seen.reduce(function (g, s) { while (s) { var r = g % s; g = s; s = r; } return g; }, 0) || 1;
    var scores = [];
    for (var s = seen[0]; seen.length && s <= seen[seen.length - 1] && scores.length < 400; s += step) scores.push(s);
    if (scores.length) {
      wrap.appendChild(el("h4", { text: t("distribution") }));
      wrap.appendChild(el("div", { class: "chart" }, [distribution(scores, p.distribution)]));
    }
    return wrap;
  }
  function distribution(scores, counts) {
    var width = chartWidth(900), height = 180, left = 36, bottom = 34, top = 16;
    var max = Math.max.apply(null, scores.map(function (s) { return counts[s] || 0; }));
    var step = (width - left - 8) / scores.length, h = height - top - bottom;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": t("distribution") + ": " + scores.filter(function (s) { return counts[s]; })
        .map(function (s) { return s + " → " + counts[s]; }).join(", ") });
    root.appendChild(svg("line", { x1: left, x2: width - 8, y1: top + h, y2: top + h, stroke: "#8c959f" }));
    var every = Math.ceil(scores.length / 12);
    scores.forEach(function (s, i) {
      var n = counts[s] || 0, bh = h * n / max, x = left + i * step;
      var bar = svg("rect", { x: x + 1, y: top + h - bh, width: Math.max(1, step - 2), height: bh, fill: "#0b5cad" });
      bar.appendChild(svg("title", {}, t("score") + " " + s + ": " + n + " " + t("people")));
      root.appendChild(bar);
      if (i % every === 0) root.appendChild(svg("text", { x: x + step / 2, y: top + h + 14, "text-anchor": "middle", "font-size": 11 }, String(s)));
    });
    root.appendChild(svg("text", { x: width / 2, y: height - 4, "text-anchor": "middle", "font-size": 11 }, t("score")));
    root.appendChild(svg("text", { x: 4, y: top + 4, "font-size": 11 }, String(max)));
    return root;
  }

  function scatter(rows) {
    var width = chartWidth(620), height = Math.round(width * 0.62) + 40;
    var left = 52, right = 36, top = 14, bottom = 44;
    var w = width - left - right, h = height - top - bottom;
    var X = function (f) { return left + w * (f || 0); };
    var Y = function (d) { return top + h * (1 - (d + 1) / 2); };  // -1 .. 1
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "q-plot",
      "aria-labelledby": "q-scatter-title" });
    root.appendChild(svg("title", { id: "q-scatter-title" }, t("scatter")));
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      root.appendChild(svg("line", { x1: X(f), x2: X(f), y1: top, y2: top + h, stroke: "#d0d7de" }));
      root.appendChild(svg("text", { x: X(f), y: top + h + 16, "text-anchor": "middle", "font-size": 11 }, pct(f)));
    });
    [-1, -0.5, 0, 0.5, 1].forEach(function (d) {
      root.appendChild(svg("line", { x1: left, x2: left + w, y1: Y(d), y2: Y(d), stroke: d === 0 ? "#57606a" : "#d0d7de" }));
      root.appendChild(svg("text", { x: left - 6, y: Y(d) + 4, "text-anchor": "end", "font-size": 11 }, num(d, 1)));
    });
    root.appendChild(svg("text", { x: left + w / 2, y: height - 6, "text-anchor": "middle", "font-size": 12, "font-weight": 700 }, t("facility")));
    root.appendChild(svg("text", { x: 12, y: top + h / 2, "text-anchor": "middle", "font-size": 12, "font-weight": 700,
      transform: "rotate(-90 12 " + (top + h / 2) + ")" }, t("discrimination")));
    var taken = {};  // questions with the same figures sit side by side, 7 px apart
    rows.forEach(function (q) {
      var flagged = q.flags.length > 0, none = q.discrimination === null;
      var x = X(q.facility), y = Y(none ? 0 : q.discrimination);
      var spot = Math.round(x) + "," + Math.round(y), k = taken[spot] || 0;
      taken[spot] = k + 1;
      x += (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 7;
      var label = qid(q) + ": " + t("facility") + " " + pct(q.facility) + ", " + t("discrimination") + " " +
        (none ? t("noDisc") : num(q.discrimination, 2)) + (flagged ? ", " + t("flagged") : "");
      var g = svg("g", { class: "q-point" + (q.version_id === view.selected ? " selected" : ""), tabindex: 0,
        role: "button", "aria-label": label, "aria-pressed": String(q.version_id === view.selected),
        "data-version": q.version_id });
      var shape;
      if (flagged) shape = svg("path", { d: "M" + x + " " + (y - 7) + " L" + (x + 7) + " " + (y + 5) + " L" + (x - 7) + " " + (y + 5) + " Z", fill: "#b3541e", stroke: "#1b1f24" });
      else if (none) shape = svg("rect", { x: x - 5, y: y - 5, width: 10, height: 10, fill: "#fff", stroke: "#0b5cad", "stroke-width": 2 });
      else shape = svg("circle", { cx: x, cy: y, r: 6, fill: "#0b5cad", "fill-opacity": 0.8, stroke: "#fff" });
      g.appendChild(shape);
      g.appendChild(svg("title", {}, label));
      g.addEventListener("click", function () { choose(q.version_id, true); });
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(q.version_id, true); }
      });
      root.appendChild(g);
    });
    return root;
  }

  function choose(versionId, fromPlot) {
    view.selected = versionId;
    var rows = view.data.questions.filter(function (q) { return q.track === view.track; });
    var holder = document.getElementById("q-detail");
    holder.textContent = "";
    holder.appendChild(detail(rows));
    Array.prototype.forEach.call(box.querySelectorAll(".q-point"), function (g) {
      var on = Number(g.getAttribute("data-version")) === versionId;
      g.setAttribute("aria-pressed", String(on));
      g.setAttribute("class", "q-point" + (on ? " selected" : ""));
    });
    Array.prototype.forEach.call(box.querySelectorAll("#q-table tbody tr"), function (tr) {
      var on = Number(tr.getAttribute("data-version")) === versionId;
      tr.className = on ? "selected" : "";
      var b = tr.querySelector("button");
      if (b) b.setAttribute("aria-pressed", String(on));
    });
    if (!fromPlot) holder.scrollIntoView({ block: "nearest" });
  }

  function detail(rows) {
    var q = rows.filter(function (r) { return r.version_id === view.selected; })[0];
    if (!q) return el("p", { class: "note", text: t("select") });
    var wrap = el("div", { class: "card" });
    wrap.appendChild(el("h3", { id: "q-detail-title", text: qid(q) + " · " + q.text }));
    var facts = t("category") + ": " + t(q.category) + " · " + t("difficulty") + ": " + t(q.difficulty) + " · " +
      t("n") + ": " + num(q.attempts) + " · " + t("facility") + ": " + pct(q.facility) + " · " +
      t("discrimination") + ": " + num(q.discrimination, 2) + " · " + t("efficiency") + ": " + pct(q.efficiency);
    wrap.appendChild(el("p", { class: "note", text: facts }));
    q.flags.forEach(function (f) { wrap.appendChild(el("p", { class: "flag", text: "▲ " + f.reason + " (" + f.figures + ")" })); });
    wrap.appendChild(el("h4", { text: t("options") }));
    wrap.appendChild(el("div", { class: "chart" }, [optionBars(q)]));
    var groups = el("div", { class: "q-groups" });
    [["byLang", q.by_lang, function (k) { return t(k); }], ["byDistrict", q.by_district, function (k) { return k || t("none"); }]]
      .forEach(function (g) {
        var keys = Object.keys(g[1]);
        if (!keys.length) return;
        groups.appendChild(el("p", { class: "note", text: t(g[0]) + ": " + keys.map(function (k) {
          return g[2](k) + " " + pct(g[1][k].facility) + " (" + num(g[1][k].attempts) + ")";
        }).join(" · ") }));
      });
    wrap.appendChild(groups);
    if (q.explanation) wrap.appendChild(el("p", {}, [el("strong", { text: t("explanation") + ": " }), document.createTextNode(q.explanation)]));
    return wrap;
  }

  function optionBars(q) {
    var width = chartWidth(700), rowH = 30, labelW = Math.round(width * 0.42), chartW = width - labelW - 110;
    var room = Math.floor(labelW / 12);  // characters that fit (CJK are 12 px wide)
    var height = q.options.length * rowH + 8;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", class: "q-options",
      "aria-label": t("options") + ": " + q.options.map(function (o) {
        return (o.index + 1) + ". " + o.text + " " + pct(o.share) + (o.key ? " (" + t("key") + ")" : "");
      }).join("; ") });
    q.options.forEach(function (o, i) {
      var y = 4 + i * rowH, share = o.share || 0;
      var text = (o.index + 1) + ". " + o.text;
      if (text.length > room) text = text.slice(0, room - 1) + "…";
      var label = svg("text", { x: labelW - 6, y: y + 18, "text-anchor": "end", "font-size": 12 }, text);
      label.appendChild(svg("title", {}, o.text));
      root.appendChild(label);
      root.appendChild(svg("rect", { x: labelW, y: y + 5, height: rowH - 10, width: Math.max(1, chartW * share),
        fill: o.key ? "#1a7f37" : "#8c959f", class: "q-bar" + (o.key ? " key" : "") }));
      root.appendChild(svg("text", { x: labelW + chartW * share + 6, y: y + 18, "font-size": 12,
        "font-weight": o.key ? 700 : 400 }, pct(o.share) + (o.key ? " ✓ " + t("key") : "")));
    });
    return root;
  }

  function cell(q, key) {
    switch (key) {
      case "id": return qid(q);
      case "text": return q.text;
      case "category": return t(q.category);
      case "difficulty": return t(q.difficulty);
      case "n": return num(q.attempts);
      case "facility": return pct(q.facility);
      case "discrimination": return num(q.discrimination, 2);
      case "efficiency": return pct(q.efficiency);
      default: return q.flags.map(function (f) { return f.reason; }).join("; ");
    }
  }
  function sortValue(q, key) {
    switch (key) {
      case "id": return qid(q);
      case "text": return q.text;
      case "category": return t(q.category);
      case "difficulty": return DIFFICULTY[q.difficulty];
      case "n": return q.attempts;
      case "flags": return q.flags.length;
      default: return q[key];
    }
  }
  function sorted(rows) {
    var key = view.sort.key, dir = view.sort.dir;
    return rows.slice().sort(function (a, b) {
      var x = sortValue(a, key), y = sortValue(b, key);
      if (x === null || x === undefined) return 1;  // no figure: last either way
      if (y === null || y === undefined) return -1;
      var c = typeof x === "string" ? x.localeCompare(y, view.lang) : x - y;
      return c * dir || qid(a).localeCompare(qid(b));
    });
  }
  function table(rows, school) {
    var columns = COLUMNS.filter(function (c) {
      return !school || ["discrimination", "efficiency", "flags"].indexOf(c.key) < 0;
    });
    var tbl = el("table", { id: "q-table" });
    tbl.appendChild(el("caption", { text: t("table") }));
    var head = el("tr");
    columns.forEach(function (c) {
      var active = view.sort.key === c.key;
      var th = el("th", { scope: "col", "aria-sort": active ? (view.sort.dir > 0 ? "ascending" : "descending") : "none",
        "data-key": c.key });
      var b = el("button", { type: "button", text: t(c.key) + (active ? (view.sort.dir > 0 ? " ▲" : " ▼") : ""),
        "aria-label": t("sortBy", { c: t(c.key) }) });
      b.addEventListener("click", function () {
        view.sort = { key: c.key, dir: active ? -view.sort.dir : 1 };
        var old = document.getElementById("q-table-wrap");
        var fresh = table(rows, school);
        old.parentNode.replaceChild(fresh, old);
        var again = fresh.querySelector("th[data-key='" + c.key + "'] button");
        if (again) again.focus();
      });
      th.appendChild(b);
      head.appendChild(th);
    });
    tbl.appendChild(el("thead", {}, [head]));
    var body = el("tbody");
    sorted(rows).forEach(function (q) {
      var tr = el("tr", { "data-version": q.version_id, class: q.version_id === view.selected ? "selected" : "" });
      columns.forEach(function (c, i) {
        var td = el("td", { class: "q-" + c.key + (c.num ? "" : " words") });
        if (i === 0 && !school) {
          var b = el("button", { type: "button", class: "q-pick", text: cell(q, c.key),
            "aria-pressed": String(q.version_id === view.selected) });
          b.addEventListener("click", function () { choose(q.version_id, false); });
          td.appendChild(b);
        } else {
          td.textContent = cell(q, c.key);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    tbl.appendChild(body);
    return el("div", { class: "table-wrap", id: "q-table-wrap", tabindex: "0", role: "region", "aria-label": t("table") }, [tbl]);
  }

  function leastKnown(rows, ids) {
    var wrap = el("section", { class: "q-wrong", "aria-labelledby": "q-wrong-title" });
    wrap.appendChild(el("h3", { id: "q-wrong-title", text: t("wrong") }));
    wrap.appendChild(el("p", { class: "note", text: t("wrongNote") }));
    var byId = {};
    rows.forEach(function (q) { byId[q.version_id] = q; });
    var list = el("ol");
    ids.forEach(function (id) {
      var q = byId[id];
      if (!q) return;
      list.appendChild(el("li", {}, [
        el("strong", { text: q.text + " — " + t("facility") + " " + pct(q.facility) }),
        q.explanation ? el("p", { text: t("explanation") + ": " + q.explanation }) : null
      ]));
    });
    if (!list.childNodes.length) list = el("p", { text: t("wrongNone") });
    wrap.appendChild(list);
    return wrap;
  }

  document.addEventListener("staff:report", function (event) {
    var d = event.detail || {};
    var report = d.report;
    var params = null;
    if (report && report.level === "city") params = {};
    else if (report && report.level === "district") params = { district: report.name };
    else if (report && report.level === "school" && d.role === "school") params = {};
    box.hidden = params === null;
    if (box.hidden) { view.ticket++; box.textContent = ""; return; }
    view.params = params; view.token = d.token; view.lang = d.lang || "zh";
    load();
  });
})();
