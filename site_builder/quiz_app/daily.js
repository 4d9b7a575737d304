/* The daily question (每日一问) page (docs/site.md): today's question of a group (adults,
   primary, secondary), the answer with its explanation, source, the day's share of right
   answers and the streak, and the past questions. Plain JS, no framework, no build step.
   It answers with the participant's token that the quiz app keeps on the phone
   (localStorage "quiz:v1:-", quiz.js); a visitor without one gets it from the first answer
   and it is stored there, so the quiz app finds it too. */
(function () {
  "use strict";

  var STRINGS = {
    zh: {
      loading: "正在加载今天的题目…",
      today: "今天的题目",
      group: "题目对象",
      adult: "成人",
      primary: "小学生",
      secondary: "中学生",
      single: "单选题：选择一个答案",
      multiple: "多选题：选择所有正确答案",
      true_false: "判断题：判断对错",
      submit: "提交答案",
      chooseFirst: "请先选择一个答案。",
      sending: "正在提交…",
      right: "答对了！",
      wrong: "答错了",
      yourAnswer: "你的答案",
      correctAnswer: "正确答案",
      explanation: "解析",
      source: "依据",
      first: "你是今天第一个答题的人。",
      share: "今天已有{n}人作答，{pct}%答对。",
      streak: "连续答题：{n}天（最长{best}天）",
      forgiven: "每周漏答一天不会中断连续记录。",
      tomorrow: "明天零点（北京时间）换新题，记得再来。",
      shareTitle: "分享今天的题目",
      shareWechat: "点右上角“···”，可以发送给朋友或分享到朋友圈。",
      shareButton: "分享",
      copyButton: "复制链接",
      copied: "链接已复制。",
      copyHint: "请长按复制这个链接：",
      card: "分享卡片（图片）",
      cardTitle: "每日一问 · {date}",
      past: "往期题目",
      quiz: "参加禁毒知识挑战赛",
      more: "加载更多",
      archiveEmpty: "还没有往期题目。",
      archiveFailed: "往期题目暂时无法加载。",
      showAnswer: "答案与解析",
      answers: "{n}人作答，{pct}%答对",
      noAnswers: "这一天没有人作答。",
      failed: "今天的题目暂时无法加载。请检查网络后重试，也可以先看看往期题目。",
      retry: "重试",
      notToday: "已经到了新的一天，这是今天的新题。",
      student: "学生需要先用学校信息参加学生赛道，才能作答（题目可以先看）。",
      studentLink: "去参加学生赛道",
      expired: "登录已失效，请重新作答。",
      e_generic: "出了点问题，请稍后重试。",
      "e_rate-limited": "请求太频繁，请稍后再试。",
      "e_server-busy": "参加的人很多，请稍后再试。",
    },
    en: {
      loading: "Loading today's question…",
      today: "Today's question",
      group: "Question for",
      adult: "Adults",
      primary: "Primary pupils",
      secondary: "Secondary students",
      single: "Choose one answer",
      multiple: "Choose all the correct answers",
      true_false: "True or false?",
      submit: "Submit my answer",
      chooseFirst: "Please choose an answer first.",
      sending: "Sending…",
      right: "Right!",
      wrong: "Not right this time",
      yourAnswer: "Your answer",
      correctAnswer: "Correct answer",
      explanation: "Explanation",
      source: "Source",
      first: "You are the first to answer today's question.",
      share: "{pct}% of the {n} people who answered today got it right.",
      streak: "Days in a row: {n} (best: {best})",
      forgiven: "Missing one day a week does not break your streak.",
      tomorrow: "A new question arrives at midnight, Beijing time. See you tomorrow!",
      shareTitle: "Share today's question",
      shareWechat: "Tap ··· at the top right to send it to a friend or share it to Moments.",
      shareButton: "Share",
      copyButton: "Copy link",
      copied: "Link copied.",
      copyHint: "Press and hold to copy this link:",
      card: "Share card (image)",
      cardTitle: "Daily question · {date}",
      past: "Past questions",
      quiz: "Take the knowledge challenge",
      more: "Load more",
      archiveEmpty: "There are no past questions yet.",
      archiveFailed: "Past questions cannot be loaded right now.",
      showAnswer: "Answer and explanation",
      answers: "{n} answers, {pct}% right",
      noAnswers: "Nobody answered on this day.",
      failed: "Today's question cannot be loaded right now. Check your connection and try again, or read the past questions.",
      retry: "Try again",
      notToday: "A new day has begun: here is today's question.",
      student: "Students answer after joining the student track with their school (you can read the question already).",
      studentLink: "Join the student track",
      expired: "Your sign-in has expired. Please answer again.",
      e_generic: "Something went wrong. Please try again later.",
      "e_rate-limited": "Too many requests. Please try again in a moment.",
      "e_server-busy": "Many people are answering right now. Please try again in a moment.",
    },
    ko: {
      loading: "오늘의 문제를 불러오는 중…",
      today: "오늘의 문제",
      group: "대상",
      adult: "성인",
      primary: "초등학생",
      secondary: "중·고등학생",
      single: "정답을 하나 고르세요",
      multiple: "정답을 모두 고르세요",
      true_false: "O X 문제입니다",
      submit: "답 제출하기",
      chooseFirst: "먼저 답을 고르세요.",
      sending: "제출하는 중…",
      right: "정답입니다!",
      wrong: "아쉽게도 틀렸습니다",
      yourAnswer: "내 답",
      correctAnswer: "정답",
      explanation: "해설",
      source: "근거",
      first: "오늘 이 문제에 처음으로 답하셨습니다.",
      share: "오늘 답한 {n}명 중 {pct}%가 맞혔습니다.",
      streak: "연속 참여: {n}일 (최장 {best}일)",
      forgiven: "일주일에 하루는 빠져도 연속 기록이 끊기지 않습니다.",
      tomorrow: "새 문제는 베이징 시간 자정에 나옵니다. 내일 또 만나요!",
      shareTitle: "오늘의 문제 공유하기",
      shareWechat: "오른쪽 위의 ··· 를 눌러 친구에게 보내거나 모멘트에 공유하세요.",
      shareButton: "공유하기",
      copyButton: "링크 복사",
      copied: "링크를 복사했습니다.",
      copyHint: "이 링크를 길게 눌러 복사하세요:",
      card: "공유 카드(이미지)",
      cardTitle: "하루 한 문제 · {date}",
      past: "지난 문제",
      quiz: "마약 퇴치 지식 챌린지 참여하기",
      more: "더 보기",
      archiveEmpty: "아직 지난 문제가 없습니다.",
      archiveFailed: "지금은 지난 문제를 불러올 수 없습니다.",
      showAnswer: "정답과 해설",
      answers: "{n}명 참여, {pct}% 정답",
      noAnswers: "이날은 답한 사람이 없습니다.",
      failed: "지금은 오늘의 문제를 불러올 수 없습니다. 연결을 확인하고 다시 시도하거나 지난 문제를 먼저 보세요.",
      retry: "다시 시도",
      notToday: "날짜가 바뀌었습니다. 오늘의 새 문제입니다.",
      student: "학생은 학교 정보로 학생 부문에 먼저 참가한 뒤 답할 수 있습니다(문제는 지금 볼 수 있습니다).",
      studentLink: "학생 부문 참가하기",
      expired: "로그인이 만료되었습니다. 다시 답해 주세요.",
      e_generic: "문제가 발생했습니다. 잠시 후 다시 시도해 주세요.",
      "e_rate-limited": "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
      "e_server-busy": "지금 참여하는 사람이 많습니다. 잠시 후 다시 시도해 주세요.",
    },
    ja: {
      loading: "今日の問題を読み込んでいます…",
      today: "今日の問題",
      group: "対象",
      adult: "一般",
      primary: "小学生",
      secondary: "中高生",
      single: "答えを一つ選んでください",
      multiple: "正しい答えをすべて選んでください",
      true_false: "〇か×かを選んでください",
      submit: "答えを送る",
      chooseFirst: "先に答えを選んでください。",
      sending: "送信しています…",
      right: "正解です！",
      wrong: "残念、不正解です",
      yourAnswer: "あなたの答え",
      correctAnswer: "正解",
      explanation: "解説",
      source: "出典",
      first: "今日この問題に答えたのは、あなたが最初です。",
      share: "今日答えた{n}人のうち{pct}%が正解しました。",
      streak: "連続回答：{n}日（最長{best}日）",
      forgiven: "週に一日までなら、休んでも連続記録は途切れません。",
      tomorrow: "新しい問題は北京時間の午前0時に出ます。また明日どうぞ。",
      shareTitle: "今日の問題をシェアする",
      shareWechat: "右上の「···」から友だちに送ったり、モーメンツでシェアしたりできます。",
      shareButton: "シェア",
      copyButton: "リンクをコピー",
      copied: "リンクをコピーしました。",
      copyHint: "このリンクを長押ししてコピーしてください：",
      card: "シェア用カード（画像）",
      cardTitle: "今日の一問 · {date}",
      past: "過去の問題",
      quiz: "禁毒知識チャレンジに参加する",
      more: "もっと見る",
      archiveEmpty: "過去の問題はまだありません。",
      archiveFailed: "過去の問題を今は読み込めません。",
      showAnswer: "答えと解説",
      answers: "{n}人が回答、正解率{pct}%",
      noAnswers: "この日は誰も答えていません。",
      failed: "今日の問題を今は読み込めません。接続を確かめてもう一度お試しいただくか、先に過去の問題をご覧ください。",
      retry: "もう一度試す",
      notToday: "日付が変わりました。今日の新しい問題です。",
      student: "児童・生徒は、学校の情報で学生部門に参加してから答えられます（問題は今すぐ読めます）。",
      studentLink: "学生部門に参加する",
      expired: "ログインの有効期限が切れました。もう一度答えてください。",
      e_generic: "問題が発生しました。しばらくしてからもう一度お試しください。",
      "e_rate-limited": "アクセスが多すぎます。少し待ってからお試しください。",
      "e_server-busy": "ただいま多くの方が回答中です。少し待ってからお試しください。",
    },
  };
  var LOCALES = { zh: "zh-CN", en: "en-GB", ko: "ko-KR", ja: "ja-JP" };
  var GROUPS = [
    { id: "adult", track: "adult", level: null },
    { id: "primary", track: "student", level: "primary" },
    { id: "secondary", track: "student", level: "secondary" },
  ];
  var GROUP_KEY = "daily:v1:group";
  var ARCHIVE_PAGE = 7;

  var app = SbApp.mount("daily-app", STRINGS);
  if (!app) return;
  var root = app.root;
  var API = app.api;
  var LANG = app.lang;
  var T = STRINGS[LANG];
  var QUIZ = root.dataset.quiz || "../quiz/";
  var COLON = LANG === "en" || LANG === "ko" ? ": " : "：";
  var IN_WECHAT = SbApp.inWechat;
  var box = root.querySelector(".dq-today");
  var archiveBox = root.querySelector(".dq-archive");
  var group = GROUPS[0];
  var shared = false;

  var t = SbApp.translator(STRINGS, LANG);
  var h = SbApp.h;
  var problemType = SbApp.problemType;

  // ------------------------------------------------------------------ storage
  // The quiz app's storage when no campaign is named: its token.
  var quizState = SbApp.storage(SbApp.quizKey());

  function keepToken(token) {
    var state = quizState.read();
    state.token = token;
    delete state.participant; // the quiz app reads it again from /participants/me
    quizState.write(state);
  }
  function dropToken() {
    var state = quizState.read();
    delete state.token;
    delete state.participant;
    quizState.write(state);
  }
  function chosenGroup() {
    var id = null;
    try { id = localStorage.getItem(GROUP_KEY); } catch (e) { /* none */ }
    var state = quizState.read();
    if (!id && state.participant && state.participant.track === "student") id = "secondary";
    return GROUPS.filter(function (g) { return g.id === id; })[0] || GROUPS[0];
  }

  // ------------------------------------------------------------------ DOM
  function show(state, children) {
    box.textContent = "";
    box.setAttribute("data-state", state);
    box.setAttribute("aria-busy", state === "loading" ? "true" : "false");
    children.forEach(function (c) { if (c) box.appendChild(c); });
  }

  function day(iso) {
    var p = String(iso).split("-");
    try {
      return new Date(+p[0], +p[1] - 1, +p[2]).toLocaleDateString(LOCALES[LANG], {
        year: "numeric", month: "long", day: "numeric", weekday: "short",
      });
    } catch (e) {
      return iso;
    }
  }

  function percent(share) {
    return Math.round(share * 100);
  }

  // ------------------------------------------------------------------ API
  // No answer (offline, timeout) reads as {ok: false, status: 0}: the page says it failed.
  function api(method, path, body, token) {
    return SbApp.api(API, method, path, body, { token: token }).then(null, function () {
      return { ok: false, status: 0, data: null };
    });
  }

  function query(extra) {
    return "?lang=" + LANG + (group.level ? "&level=" + group.level : "") + (extra || "");
  }

  // ------------------------------------------------------------------ today
  function groupSwitch() {
    return h("fieldset", { class: "dq-groups" },
      h("legend", { text: t("group") }),
      GROUPS.map(function (g) {
        return h("label", { class: "dq-group" },
          h("input", { type: "radio", name: "dq-group", value: g.id, checked: g === group, onchange: function () {
            group = g;
            try { localStorage.setItem(GROUP_KEY, g.id); } catch (e) { /* this visit only */ }
            load();
            loadArchive(true);
          } }),
          h("span", { text: t(g.id) }));
      }));
  }

  function load(notice) {
    show("loading", [groupSwitch(), h("p", { class: "dq-loading", text: t("loading") })]);
    var token = quizState.read().token;
    return api("GET", "/daily/" + group.track + query(), undefined, token).then(function (res) {
      if (!res.ok && token && (res.status === 401)) {
        dropToken(); // a token this server does not know: read as a visitor
        return load(notice);
      }
      if (!res.ok || !res.data || !res.data.question) return failed(res);
      var data = res.data;
      if (data.level && data.level !== group.level) {
        // A student's level comes from their token (school and grade).
        group = GROUPS.filter(function (g) { return g.id === data.level; })[0] || group;
        loadArchive(true);
      }
      if (data.answered && data.result) resultView(data, data.result, notice);
      else questionView(data, notice);
      wechatShare(data);
    });
  }

  function failed(res) {
    var type = problemType(res);
    show("failed", [
      groupSwitch(),
      h("p", { class: "dq-error", role: "alert", text: T["e_" + type] || t("failed") }),
      h("div", { class: "dq-row" },
        h("button", { class: "dq-btn dq-btn--primary", type: "button", onclick: function () { load(); }, text: t("retry") }),
        h("a", { class: "dq-btn", href: "#archive", text: t("past") })),
    ]);
  }

  function heading(data) {
    return h("h2", { class: "dq-title", tabindex: "-1" }, t("today"), h("span", { class: "dq-date", text: " · " + day(data.date) }));
  }

  function questionView(data, notice) {
    var q = data.question;
    var multiple = q.type === "multiple";
    var error = h("p", { class: "dq-error", role: "alert" });
    var button = h("button", { class: "dq-btn dq-btn--primary", type: "submit", text: t("submit") });
    var form = h("form", { class: "dq-form", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var choices = Array.prototype.map.call(form.querySelectorAll("input[name=dq-choice]:checked"), function (i) { return i.value; });
      if (!choices.length) {
        error.textContent = t("chooseFirst");
        return;
      }
      error.textContent = "";
      button.disabled = true;
      button.textContent = t("sending");
      send(data, choices, error, button);
    } },
      h("fieldset", { class: "dq-fieldset" },
        h("legend", { class: "dq-stem", text: q.stem }),
        h("p", { class: "dq-type", text: t(q.type) }),
        q.options.map(function (o) {
          return h("label", { class: "dq-choice" },
            h("input", { type: multiple ? "checkbox" : "radio", name: "dq-choice", value: o.id }),
            h("span", { class: "dq-letter", "aria-hidden": "true", text: o.id }),
            h("span", { text: o.text }));
        })),
      error,
      button);
    show("question", [
      groupSwitch(),
      notice ? h("p", { class: "dq-notice", role: "status", text: notice }) : null,
      heading(data),
      form,
      data.streak && data.streak.best ? h("p", { class: "dq-small", text: t("streak", { n: data.streak.current, best: data.streak.best }) }) : null,
    ]);
  }

  function send(data, choices, error, button) {
    var token = quizState.read().token;
    var path = "/daily/" + group.track + "/" + data.date + "/answer";
    api("POST", path, { choices: choices, lang: LANG }, token).then(function (res) {
      if (res.ok && res.data) {
        if (res.data.token) keepToken(res.data.token);
        resultView(data, res.data);
        box.querySelector(".dq-title").focus({ preventScroll: true });
        box.scrollIntoView({ block: "start" });
        return;
      }
      var type = problemType(res);
      if (type === "daily-not-today") return load(t("notToday"));
      if (res.status === 401 && token) {
        dropToken();
        if (group.track === "adult") return send(data, choices, error, button);
      }
      button.disabled = false;
      button.textContent = t("submit");
      if (res.status === 401 && group.track === "student") {
        error.textContent = "";
        error.appendChild(document.createTextNode(t("student") + " "));
        error.appendChild(h("a", { href: QUIZ, text: t("studentLink") }));
        return;
      }
      error.textContent = T["e_" + type] || t("e_generic");
    });
  }

  function optionText(q, id) {
    var o = q.options.filter(function (x) { return x.id === id; })[0];
    return o ? id + ". " + o.text : id;
  }

  function resultView(data, r, notice) {
    var q = data.question;
    var mine = r.choices || [];
    var key = r.correct_choices || [];
    var verdict = h("div", { class: "dq-verdict " + (r.correct ? "is-right" : "is-wrong"), role: "status" },
      h("span", { class: "dq-icon", "aria-hidden": "true", text: r.correct ? "✓" : "✗" }),
      h("strong", { text: r.correct ? t("right") : t("wrong") }));
    var options = h("ul", { class: "dq-options" }, q.options.map(function (o) {
      var right = key.indexOf(o.id) >= 0;
      var chosen = mine.indexOf(o.id) >= 0;
      return h("li", { class: "dq-option" + (right ? " is-key" : "") + (chosen ? " is-chosen" : "") },
        h("span", { class: "dq-letter" + (right || chosen ? "" : " is-blank"), "aria-hidden": "true", text: right ? "✓" : chosen ? "✗" : "" }),
        h("span", { text: optionText(q, o.id) }),
        right ? h("span", { class: "dq-tag", text: t("correctAnswer") }) : null,
        chosen ? h("span", { class: "dq-tag", text: t("yourAnswer") }) : null);
    }));
    // The day's answers include this one: one answer is the caller's own.
    var figures = r.correct_share === null || r.correct_share === undefined || !(r.answers > 1)
      ? t("first")
      : t("share", { n: r.answers, pct: percent(r.correct_share) });
    show("result", [
      groupSwitch(),
      notice ? h("p", { class: "dq-notice", role: "status", text: notice }) : null,
      heading(data),
      h("p", { class: "dq-stem", text: q.stem }),
      verdict,
      options,
      h("p", {}, h("strong", { text: t("explanation") + COLON }), r.explanation),
      r.source ? h("p", { class: "dq-small" }, t("source") + COLON + r.source) : null,
      h("ul", { class: "dq-facts" },
        h("li", { class: "dq-streak", text: t("streak", { n: r.streak.current, best: r.streak.best }) }),
        h("li", { text: figures }),
        h("li", { class: "dq-small", text: t("forgiven") }),
        h("li", { class: "dq-small", text: t("tomorrow") })),
      shareBlock(data),
      h("div", { class: "dq-row" },
        h("a", { class: "dq-btn", href: "#archive", text: t("past") }),
        h("a", { class: "dq-btn", href: QUIZ, text: t("quiz") })),
    ]);
  }

  // ------------------------------------------------------------------ share
  function pageUrl() {
    return location.origin + location.pathname;
  }
  function cardUrl(data) {
    return API + "/daily/" + group.track + "/" + data.date + "/card.png" + query();
  }

  function shareBlock(data) {
    var status = h("p", { class: "dq-small", role: "status" });
    var actions;
    if (IN_WECHAT) {
      actions = h("p", { text: t("shareWechat") });
    } else {
      var label = navigator.share ? t("shareButton") : t("copyButton");
      actions = h("button", { class: "dq-btn", type: "button", "data-action": "share", text: label, onclick: function () {
        var url = pageUrl();
        if (navigator.share) {
          navigator.share({ title: t("cardTitle", { date: day(data.date) }), text: data.question.stem, url: url }).then(null, function () {});
          return;
        }
        var copied = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject();
        copied.then(function () { status.textContent = t("copied"); }, function () {
          status.textContent = t("copyHint") + " ";
          status.appendChild(h("a", { href: url, text: url }));
        });
      } });
    }
    return h("section", { class: "dq-share", "aria-labelledby": "dq-share-title" },
      h("h3", { id: "dq-share-title", text: t("shareTitle") }),
      actions,
      status,
      h("p", {}, h("a", { href: cardUrl(data), target: "_blank", rel: "noopener", text: t("card") })));
  }

  // Inside WeChat: the JS-SDK signature the platform gives the quiz app, with the day's card.
  function wechatShare(data) {
    if (!IN_WECHAT || shared) return;
    shared = true;
    SbApp.wechatShare(API, "&lang=" + LANG, function () {
      return {
        title: t("cardTitle", { date: day(data.date) }),
        desc: data.question.stem.slice(0, 100),
        link: pageUrl(),
        imgUrl: location.origin + cardUrl(data),
      };
    });
  }

  // ------------------------------------------------------------------ archive
  var list = h("ol", { class: "dq-days" });
  var status = h("p", { class: "dq-small", role: "status" });
  var more = h("button", { class: "dq-btn", type: "button", "data-action": "more", hidden: true, text: t("more"), onclick: function () { loadArchive(false); } });
  var last = null;
  var asked = 0;
  archiveBox.appendChild(list);
  archiveBox.appendChild(status);
  archiveBox.appendChild(more);

  function loadArchive(reset) {
    var ask = ++asked;
    if (reset) {
      list.textContent = "";
      last = null;
    }
    more.hidden = true;
    status.textContent = t("loading");
    var before = last ? "&before=" + last : "";
    api("GET", "/daily/" + group.track + "/archive" + query("&limit=" + ARCHIVE_PAGE + before)).then(function (res) {
      if (ask !== asked) return; // the group changed meanwhile
      if (!res.ok || !res.data) {
        status.textContent = t("archiveFailed");
        more.hidden = false;
        more.textContent = t("retry");
        return;
      }
      var days = res.data.days || [];
      days.forEach(function (d) { list.appendChild(pastDay(d)); });
      if (days.length) last = days[days.length - 1].date;
      status.textContent = !list.children.length ? t("archiveEmpty") : "";
      more.textContent = t("more");
      more.hidden = days.length < ARCHIVE_PAGE;
    });
  }

  function pastDay(d) {
    var q = d.question;
    var key = (d.correct_choices || []).map(function (id) { return optionText(q, id); }).join("; ");
    return h("li", { class: "dq-day" },
      h("h3", { text: day(d.date) }),
      h("p", { class: "dq-stem", text: q.stem }),
      h("ul", { class: "dq-plain" }, q.options.map(function (o) { return h("li", { text: optionText(q, o.id) }); })),
      h("details", { class: "dq-answer" },
        h("summary", { text: t("showAnswer") }),
        h("p", {}, h("strong", { text: t("correctAnswer") + COLON }), key),
        h("p", { text: d.explanation }),
        d.source ? h("p", { class: "dq-small", text: t("source") + COLON + d.source }) : null),
      h("p", { class: "dq-small", text: d.answers ? t("answers", { n: d.answers, pct: percent(d.correct_share || 0) }) : t("noAnswers") }));
  }

  group = chosenGroup();
  load();
  loadArchive(true);
})();
