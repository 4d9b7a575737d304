/* Staff dashboard, the contest: the results held for review (with why, in plain words), a
   decision form per result for city and district staff (school staff see their list, not the
   buttons), the decided list (the audit trail) and the round's qualifiers, each with its CSV
   and XLSX download. Listens to app.js's "staff:report" event like kit.js; the lists are the
   account's, so they are drawn again only when the account or the language changes. */
(function () {
  "use strict";

  var T = {
    zh: {
      title: "比赛审核与晋级名单", pending: "待审核的成绩", none: "目前没有待审核的成绩。",
      decided: "已作出的决定", noneDecided: "还没有作出任何决定。", qualifiers: "晋级名单",
      attempt: "答题编号", school: "学校", grade: "年级", klass: "班级", nickname: "昵称",
      score: "得分", duration: "用时", submitted: "提交时间", reached: "取得成绩的时间", rank: "名次",
      decision: "决定", reason: "理由", decidedBy: "决定人", decidedAt: "决定时间",
      gradeN: "{n} 年级", seconds: "{s} 秒", why: "暂缓的原因", decide: "作出决定",
      clear: "认可成绩（回到排行榜）", disqualify: "取消资格",
      reasonLabel: "理由（必填，会写入审核记录）", submit: "提交决定", reasonNeeded: "请填写理由。",
      saved: "决定已记录。", already: "这条成绩已经由其他工作人员作出决定，列表已经刷新。",
      schoolNote: "学校账号可以查看本校的名单；审核决定由区或市的工作人员作出。",
      provisional: "暂定名单", final: "最终名单",
      provisionalNote: "本轮于 {closes} 截止；截止并审核完毕后，名单才会确定。",
      finalNote: "名单已于 {frozen} 冻结，之后的答题不会再改变它。",
      pendingNote: "本轮还有 {n} 条成绩待审核，审核完毕前名单不会冻结。",
      noRound: "本活动没有设置比赛轮次。", noQualifiers: "暂时没有符合条件的参与者。",
      rule: "晋级规则：", perDistrict: "每个区前 {n} 名", perSchool: "每所学校前 {n} 名",
      minScore: "得分不低于 {n} 分", ties: "同分时用时短者在前，再相同则先取得者在前",
      sep: "；",
      csv: "下载 CSV", xlsx: "下载 XLSX", error: "出错了：", cleared: "认可", disqualified: "取消资格",
      students: "学生", adults: "成人",
      "too-fast": "拿到试卷 {seconds} 秒后就提交了；{questions} 道题仅阅读就至少需要 {minimum} 秒（每题 {per_question} 秒）。",
      "same-answers": "{minutes} 分钟内共有 {participants} 名参与者（含此人）对同样的题目给出了完全相同的答案。",
      "class-over-enrolment": "学校 {school_code} {grade} 年级 {class_name} 在籍 {enrolled} 人，却有 {registered} 人注册；此人是第 {place} 个注册的（先注册的 {enrolled} 人仍在排行榜上）。全班按注册顺序：{classmates}",
      "many-joins": "此人注册前后 {minutes} 分钟内，同一网络地址注册了 {participants} 名{track}；本活动的上限是 {limit} 名。",
      "rule-changed": "暂缓时依据的规则现在已不再适用（活动文件已修改）。"
    },
    en: {
      title: "Contest review and qualifiers", pending: "Results held for review",
      none: "No result is waiting for a review.", decided: "Decisions made",
      noneDecided: "No decision has been made yet.", qualifiers: "Qualifiers",
      attempt: "Attempt", school: "School", grade: "Grade", klass: "Class", nickname: "Nickname",
      score: "Score", duration: "Time", submitted: "Submitted", reached: "Reached at", rank: "Rank",
      decision: "Decision", reason: "Reason", decidedBy: "Decided by", decidedAt: "Decided at",
      gradeN: "grade {n}", seconds: "{s} s", why: "Why it was held", decide: "Decide",
      clear: "Clear (back on the boards)", disqualify: "Disqualify",
      reasonLabel: "Reason (required; it goes into the audit trail)", submit: "Record the decision",
      reasonNeeded: "Please give a reason.", saved: "The decision is recorded.",
      already: "Another staff member has already decided about this result; the list is up to date again.",
      schoolNote: "School accounts see their school's list; district or city staff make the decisions.",
      provisional: "Provisional list", final: "Final list",
      provisionalNote: "The round closes on {closes}; the list is settled after the close, once every held result is decided.",
      finalNote: "The list was frozen on {frozen}; later attempts do not change it.",
      pendingNote: "{n} held result(s) of the round still await a decision; the list cannot be frozen before.",
      noRound: "This campaign has no contest round.", noQualifiers: "Nobody qualifies yet.",
      rule: "Rule: ", perDistrict: "top {n} of each district", perSchool: "top {n} of each school",
      minScore: "a score of at least {n}", ties: "ties go to the shorter time, then to whoever got there first",
      sep: "; ",
      csv: "Download CSV", xlsx: "Download XLSX", error: "Error: ", cleared: "cleared",
      disqualified: "disqualified", students: "students", adults: "adults",
      "too-fast": "Submitted {seconds} s after the paper was handed out; reading {questions} questions takes at least {minimum} s ({per_question} s a question).",
      "same-answers": "{participants} participants (this one included) gave exactly the same answers to the same questions within {minutes} minutes.",
      "class-over-enrolment": "Class {grade}/{class_name} of school {school_code} has {registered} registrations for {enrolled} enrolled students; this participant was number {place} to join (the first {enrolled} stay on the boards). The class in the order of joining: {classmates}",
      "many-joins": "{participants} {track} joined from the same network address within {minutes} minutes of this participant; the campaign's limit is {limit}.",
      "rule-changed": "Held by a rule that no longer applies (the campaign file has changed since)."
    },
    ko: {
      title: "대회 심사와 진출자 명단", pending: "심사를 기다리는 결과", none: "심사를 기다리는 결과가 없습니다.",
      decided: "내려진 결정", noneDecided: "아직 내려진 결정이 없습니다.", qualifiers: "진출자 명단",
      attempt: "응시 번호", school: "학교", grade: "학년", klass: "반", nickname: "닉네임",
      score: "점수", duration: "소요 시간", submitted: "제출 시각", reached: "기록 시각", rank: "순위",
      decision: "결정", reason: "사유", decidedBy: "결정한 사람", decidedAt: "결정 시각",
      gradeN: "{n}학년", seconds: "{s}초", why: "보류된 이유", decide: "결정하기",
      clear: "인정(순위표에 다시 표시)", disqualify: "실격",
      reasonLabel: "사유(필수, 심사 기록에 남습니다)", submit: "결정 기록하기",
      reasonNeeded: "사유를 적어 주세요.", saved: "결정이 기록되었습니다.",
      already: "다른 담당자가 이미 이 결과를 결정했습니다. 목록을 새로 고쳤습니다.",
      schoolNote: "학교 계정은 자기 학교의 목록을 볼 수 있으며, 결정은 구 또는 시 담당자가 내립니다.",
      provisional: "잠정 명단", final: "최종 명단",
      provisionalNote: "이번 라운드는 {closes}에 마감합니다. 마감 후 보류된 결과의 심사가 모두 끝나야 명단이 확정됩니다.",
      finalNote: "명단은 {frozen}에 확정되었으며, 이후의 응시로는 바뀌지 않습니다.",
      pendingNote: "이번 라운드에 아직 결정을 기다리는 보류 결과가 {n}건 있습니다. 그 전에는 명단을 확정할 수 없습니다.",
      noRound: "이 대회에는 라운드가 없습니다.", noQualifiers: "아직 진출 조건을 채운 참가자가 없습니다.",
      rule: "진출 규칙: ", perDistrict: "구별 상위 {n}명", perSchool: "학교별 상위 {n}명",
      minScore: "{n}점 이상", ties: "동점이면 소요 시간이 짧은 쪽, 그것도 같으면 먼저 기록한 쪽이 앞섭니다",
      sep: ", ",
      csv: "CSV 내려받기", xlsx: "XLSX 내려받기", error: "오류: ", cleared: "인정", disqualified: "실격",
      students: "학생", adults: "성인",
      "too-fast": "시험지를 받은 지 {seconds}초 만에 제출했습니다. {questions}문항은 읽는 데만 최소 {minimum}초가 걸립니다(문항당 {per_question}초).",
      "same-answers": "{minutes}분 안에 참가자 {participants}명(이 참가자 포함)이 같은 문항에 완전히 같은 답을 냈습니다.",
      "class-over-enrolment": "{school_code} 학교 {grade}학년 {class_name}은 재적 인원이 {enrolled}명인데 {registered}명이 등록했습니다. 이 참가자는 {place}번째로 등록했습니다(먼저 등록한 {enrolled}명은 순위표에 남습니다). 등록 순서대로 본 반 전체: {classmates}",
      "many-joins": "이 참가자 전후 {minutes}분 안에 같은 네트워크 주소에서 {track} {participants}명이 등록했습니다. 이 대회의 기준은 {limit}명입니다.",
      "rule-changed": "보류할 때 적용한 규칙이 지금은 적용되지 않습니다(대회 파일이 바뀌었습니다)."
    },
    ja: {
      title: "大会の審査と予選通過者", pending: "審査待ちの結果", none: "審査待ちの結果はありません。",
      decided: "決定済み", noneDecided: "まだ決定はありません。", qualifiers: "予選通過者",
      attempt: "受験番号", school: "学校", grade: "学年", klass: "クラス", nickname: "ニックネーム",
      score: "得点", duration: "所要時間", submitted: "提出日時", reached: "記録日時", rank: "順位",
      decision: "決定", reason: "理由", decidedBy: "決定者", decidedAt: "決定日時",
      gradeN: "{n}年", seconds: "{s}秒", why: "保留の理由", decide: "決定する",
      clear: "認める（ランキングに戻す）", disqualify: "失格にする",
      reasonLabel: "理由（必須。審査記録に残ります）", submit: "決定を記録する",
      reasonNeeded: "理由を入力してください。", saved: "決定を記録しました。",
      already: "この結果はほかの担当者がすでに決定しました。一覧を更新しました。",
      schoolNote: "学校のアカウントは自校の一覧を見られます。決定は区または市の担当者が行います。",
      provisional: "暫定リスト", final: "確定リスト",
      provisionalNote: "このラウンドは{closes}に締め切られます。締め切り後、保留中の結果の審査がすべて終わるとリストが確定します。",
      finalNote: "リストは{frozen}に確定しました。その後の受験で変わることはありません。",
      pendingNote: "このラウンドには決定待ちの保留結果がまだ{n}件あります。それまでリストは確定できません。",
      noRound: "この大会にはラウンドが設定されていません。", noQualifiers: "条件を満たす参加者はまだいません。",
      rule: "通過の条件：", perDistrict: "各区の上位{n}人", perSchool: "各校の上位{n}人",
      minScore: "{n}点以上", ties: "同点なら所要時間の短い方、それも同じなら先に記録した方が上位",
      sep: "、",
      csv: "CSVをダウンロード", xlsx: "XLSXをダウンロード", error: "エラー：", cleared: "認定",
      disqualified: "失格", students: "生徒", adults: "大人",
      "too-fast": "問題を受け取ってから{seconds}秒で提出されました。{questions}問を読むだけでも少なくとも{minimum}秒かかります（1問{per_question}秒）。",
      "same-answers": "{minutes}分以内に{participants}人（この参加者を含む）が同じ問題にまったく同じ答えを出しました。",
      "class-over-enrolment": "{school_code}校{grade}年{class_name}は在籍{enrolled}人に対して登録が{registered}件あります。この参加者は{place}番目の登録です（先に登録した{enrolled}人はランキングに残ります）。登録順のクラス全員：{classmates}",
      "many-joins": "この参加者の前後{minutes}分以内に、同じネットワークアドレスから{track}{participants}人が登録しました。この大会の上限は{limit}人です。",
      "rule-changed": "保留したときの規則は現在は適用されていません（大会ファイルが変更されました）。"
    }
  };
  var LOCALES = { zh: "zh-CN", en: "en-GB", ko: "ko-KR", ja: "ja-JP" };
  var box = document.getElementById("contest");
  if (!box) return;
  var shown = null;  // the token and language the lists were drawn for
  var ticket = 0;

  var el = StaffDashboard.el;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) {
      return values[k] === undefined || values[k] === null ? "" : String(values[k]);
    });
  }

  function call(token, path, options) {
    return StaffDashboard.authorised(token, "/api/v1" + path, options);
  }

  function json(token, path) {
    return call(token, path).then(function (r) { return r.ok ? r.json() : StaffDashboard.problem(r); });
  }

  function when(iso, lang) {
    return iso ? new Date(iso).toLocaleString(LOCALES[lang] || "zh-CN") : "";
  }

  function seconds(ms, t) { return fill(t.seconds, { s: (ms / 1000).toFixed(1) }); }

  function grade(n, t) { return n === null || n === undefined ? "" : fill(t.gradeN, { n: n }); }

  function signal(check, t) {
    var values = Object.assign({}, check.values);
    if (values.track) values.track = values.track === "student" ? t.students : t.adults;
    return t[check.code] ? fill(t[check.code], values) : check.text;
  }

  function downloads(token, path, name, lang, t, status) {
    return el("span", { class: "downloads" }, ["csv", "xlsx"].map(function (format) {
      var button = el("button", { type: "button", class: "contest-download", text: t[format] });
      button.addEventListener("click", function () {
        button.disabled = true;
        var sep = path.indexOf("?") < 0 ? "?" : "&";
        call(token, path + sep + "format=" + format + "&lang=" + lang).then(function (r) {
          if (!r.ok) return StaffDashboard.problem(r);
          return StaffDashboard.save(r, name + "." + format);
        }).catch(function (e) { status.textContent = t.error + e.message; })
          .then(function () { button.disabled = false; });
      });
      return button;
    }));
  }

  function who(r, t) {
    return [r.school_code, grade(r.grade, t), r.class_name, r.nickname].filter(function (x) { return x; }).join(" · ");
  }

  function decideForm(review, ctx) {
    var t = ctx.t, id = "decide-" + review.attempt_id;
    var note = el("p", { class: "status", role: "status" });
    var reason = el("textarea", { id: id + "-reason", name: "reason", rows: "2", maxlength: "2000", required: "" });
    var choices = ["clear", "disqualify"].map(function (value, n) {
      var input = el("input", { type: "radio", name: id + "-decision", id: id + "-" + value, value: value });
      if (n === 0) input.checked = true;
      return el("label", { for: id + "-" + value, class: "contest-choice" }, [input, document.createTextNode(" " + t[value])]);
    });
    var form = el("form", { class: "contest-decide", "aria-label": t.decide + " " + review.attempt_id }, [
      el("fieldset", {}, [el("legend", { text: t.decide })].concat(choices)),
      el("label", { for: id + "-reason", text: t.reasonLabel }), reason,
      el("button", { type: "submit", text: t.submit }), note
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = reason.value.trim();
      if (!text) { note.textContent = t.reasonNeeded; reason.focus(); return; }
      var decision = form.querySelector("input[type=radio]:checked").value;
      form.querySelector("button[type=submit]").disabled = true;
      call(ctx.token, "/reports/reviews/" + review.attempt_id, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ decision: decision, reason: text })
      }).then(function (r) {
        if (r.ok) { ctx.status.textContent = t.saved; return draw(ctx); }
        if (r.status === 409) { ctx.status.textContent = t.already; return draw(ctx); }
        if (r.status === 422) { note.textContent = t.reasonNeeded; return; }
        throw new Error(String(r.status));
      }).catch(function (e) { note.textContent = t.error + e.message; })
        .then(function () { var b = form.querySelector("button[type=submit]"); if (b) b.disabled = false; });
    });
    return form;
  }

  function pendingPart(reviews, ctx) {
    var t = ctx.t;
    var part = el("div", { class: "contest-pending" }, [el("h3", { text: t.pending + " (" + reviews.length + ")" })]);
    if (ctx.role === "school") part.appendChild(el("p", { class: "note", text: t.schoolNote }));
    if (!reviews.length) { part.appendChild(el("p", { class: "note", text: t.none })); return part; }
    reviews.forEach(function (r) {
      part.appendChild(el("article", { class: "card review", "data-attempt": String(r.attempt_id) }, [
        el("h4", { text: t.attempt + " " + r.attempt_id + " · " + who(r, t) }),
        el("p", { text: [t.score + " " + r.score + "/" + r.max_score, t.duration + " " + seconds(r.duration_ms, t),
          t.submitted + " " + when(r.submitted_at, ctx.lang)].join(" · ") }),
        el("p", { class: "contest-why", text: t.why }),
        el("ul", { class: "signals" }, r.checks.map(function (c) { return el("li", { text: signal(c, t) }); })),
        ctx.role === "school" ? null : decideForm(r, ctx)
      ]));
    });
    return part;
  }

  function table(caption, headers, rows, id) {
    var head = el("tr", {}, headers.map(function (h) { return el("th", { scope: "col", text: h }); }));
    var body = rows.map(function (row) { return el("tr", {}, row.map(function (v) { return el("td", { text: v === null || v === undefined ? "" : String(v) }); })); });
    /* Scrolls sideways on a phone: reachable by keyboard, and named. */
    return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption }, [el("table", { id: id }, [el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)])]);
  }

  function decidedPart(reviews, ctx) {
    var t = ctx.t;
    var part = el("div", { class: "contest-decided" }, [
      el("h3", { text: t.decided + " (" + reviews.length + ")" }),
      downloads(ctx.token, "/reports/reviews?status=decided", "reviews-decided", ctx.lang, t, ctx.status)
    ]);
    if (!reviews.length) { part.appendChild(el("p", { class: "note", text: t.noneDecided })); return part; }
    part.appendChild(table(t.decided, [t.attempt, t.school, t.grade, t.klass, t.nickname, t.score, t.decision, t.reason, t.decidedBy, t.decidedAt],
      reviews.map(function (r) {
        var d = r.decision;
        return [r.attempt_id, r.school_code, grade(r.grade, t), r.class_name, r.nickname, r.score,
          d.decision === "clear" ? t.cleared : t.disqualified, d.reason, d.decided_by, when(d.decided_at, ctx.lang)];
      }), "contest-decided-table"));
    return part;
  }

  function ruleText(q, t) {
    var parts = [];
    if (q.top_per_district) parts.push(fill(t.perDistrict, { n: q.top_per_district }));
    if (q.top_per_school) parts.push(fill(t.perSchool, { n: q.top_per_school }));
    if (q.min_score !== null && q.min_score !== undefined) parts.push(fill(t.minScore, { n: q.min_score }));
    return t.rule + parts.concat([t.ties]).join(t.sep);
  }

  function qualifiersPart(found, ctx) {
    var t = ctx.t;
    var part = el("div", { class: "contest-qualifiers" }, [el("h3", { text: t.qualifiers })]);
    if (!found) { part.appendChild(el("p", { class: "note", text: t.noRound })); return part; }
    var final = found.state === "final";
    part.appendChild(el("p", { class: "contest-state " + found.state, id: "contest-state" }, [
      el("strong", { text: final ? t.final : t.provisional }),
      document.createTextNode(" " + (final ? fill(t.finalNote, { frozen: when(found.frozen_at, ctx.lang) })
        : fill(t.provisionalNote, { closes: when(found.closes_at, ctx.lang) })))
    ]));
    if (!final && found.pending_reviews) part.appendChild(el("p", { class: "note", text: fill(t.pendingNote, { n: found.pending_reviews }) }));
    part.appendChild(el("p", { class: "note", text: ruleText(found.qualify, t) }));
    part.appendChild(downloads(ctx.token, "/reports/qualifiers", "qualifiers", ctx.lang, t, ctx.status));
    if (!found.qualifiers.length) { part.appendChild(el("p", { class: "note", text: t.noQualifiers })); return part; }
    part.appendChild(table((final ? t.final : t.provisional) + " · " + found.round, [t.rank, t.school, t.grade, t.klass, t.nickname, t.score, t.duration, t.reached],
      found.qualifiers.map(function (q) {
        var school = q.school_name ? q.school_name + " (" + q.school_code + ")" : q.school_code;
        return [q.rank, school, grade(q.grade, t), q.class_name, q.nickname, q.score, seconds(q.duration_ms, t), when(q.achieved_at, ctx.lang)];
      }), "contest-qualifiers-table"));
    return part;
  }

  function draw(ctx) {
    var mine = ++ticket;  // a later drawing wins over a slower earlier answer
    /* No round in the campaign (404), or no campaign open to default to (409). */
    var noRound = function (e) { if (e.status === 404 || e.status === 409) return null; throw e; };
    return Promise.all([
      json(ctx.token, "/reports/reviews?status=pending"),
      json(ctx.token, "/reports/reviews?status=decided"),
      json(ctx.token, "/reports/qualifiers").catch(noRound)
    ]).then(function (all) {
      if (mine !== ticket) return;
      ctx.body.textContent = "";
      ctx.body.appendChild(pendingPart(all[0].reviews, ctx));
      ctx.body.appendChild(decidedPart(all[1].reviews, ctx));
      ctx.body.appendChild(qualifiersPart(all[2], ctx));
    }).catch(function (e) {
      if (mine === ticket) ctx.status.textContent = ctx.t.error + e.message;
    });
  }

  document.addEventListener("staff:report", function (event) {
    var d = event.detail || {};
    if (!d.token) { box.hidden = true; shown = null; return; }
    var key = d.token + "|" + d.lang;
    if (key === shown) return;
    shown = key;
    var t = T[d.lang] || T.zh;
    box.textContent = "";
    box.hidden = false;
    var status = el("p", { class: "status", role: "status", id: "contest-status" });
    var body = el("div", { class: "contest-body" });
    box.appendChild(el("h2", { id: "contest-title", text: t.title }));
    box.appendChild(status);
    box.appendChild(body);
    json(d.token, "/staff/me").then(function (me) {
      return draw({ token: d.token, lang: d.lang || "zh", t: t, role: me.role, status: status, body: body });
    }).catch(function (e) { status.textContent = t.error + e.message; });
  });
})();
