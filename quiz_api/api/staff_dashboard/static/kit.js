/* Staff dashboard, a school's kit: on a school's report (app.js announces each report with
   a "staff:report" event), the links to copy (the school's and each class's), the poster,
   the letter to parents and the class QR sheet to download, and the registrations by the
   link they came through. Kept apart from app.js: other views add their own files. */
(function () {
  "use strict";

  var T = {
    zh: { title: "宣传包：链接、海报和家长信", sources: "按来源统计的注册：", school_link: "学校链接",
          class_link: "班级链接", search: "搜索学校", schoolLink: "全校链接", copy: "复制",
          copied: "已复制", poster: "下载海报（PNG）", letter: "下载家长信（PDF）",
          sheet: "下载各班二维码（PDF）", classes: "各班链接", error: "出错了：" },
    en: { title: "Kit: links, poster and letter to parents", sources: "Registrations by source: ",
          school_link: "school link", class_link: "class link", search: "school search",
          schoolLink: "The school's link", copy: "Copy", copied: "Copied",
          poster: "Download the poster (PNG)", letter: "Download the letter to parents (PDF)",
          sheet: "Download the class QR codes (PDF)", classes: "Class links", error: "Error: " },
    ko: { title: "홍보 키트: 링크, 포스터, 학부모 안내문", sources: "경로별 등록: ", school_link: "학교 링크",
          class_link: "반 링크", search: "학교 검색", schoolLink: "학교 링크", copy: "복사",
          copied: "복사됨", poster: "포스터 내려받기(PNG)", letter: "학부모 안내문 내려받기(PDF)",
          sheet: "반별 QR 코드 내려받기(PDF)", classes: "반별 링크", error: "오류: " },
    ja: { title: "キット：リンク、ポスター、保護者向けの手紙", sources: "経路別の登録：", school_link: "学校のリンク",
          class_link: "クラスのリンク", search: "学校の検索", schoolLink: "学校のリンク", copy: "コピー",
          copied: "コピーしました", poster: "ポスターをダウンロード（PNG）",
          letter: "保護者向けの手紙をダウンロード（PDF）", sheet: "クラス別QRコードをダウンロード（PDF）",
          classes: "クラス別のリンク", error: "エラー：" }
  };
  var box = document.getElementById("kit");
  if (!box) return;
  var current = 0;

  var el = StaffDashboard.el;

  function copyButton(input, t) {
    var button = el("button", { type: "button", class: "kit-copy", text: t.copy });
    button.addEventListener("click", function () {
      var done = function () { button.textContent = t.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
      } else {
        input.select();  // the browser's own copy (long press on a phone) takes it from here
        if (document.execCommand && document.execCommand("copy")) done();
      }
    });
    return button;
  }

  function linkRow(label, link, t) {
    var input = el("input", { type: "text", readonly: "", value: link, "aria-label": label, class: "kit-link" });
    return el("div", { class: "kit-row" }, [el("span", { class: "kit-label", text: label }), input, copyButton(input, t)]);
  }

  function downloadButton(token, path, label, status, t) {
    var button = el("button", { type: "button", class: "kit-download", text: label });
    button.addEventListener("click", function () {
      button.disabled = true;
      StaffDashboard.request(token, path).then(function (r) {
        return StaffDashboard.save(r, "kit");
      }).catch(function (e) { status.textContent = t.error + e.message; })
        .then(function () { button.disabled = false; });
    });
    return button;
  }

  function render(kit, report, token, t) {
    var status = el("p", { class: "status", role: "status" });
    var sources = report.sources || {};
    box.appendChild(el("h2", { id: "kit-title", text: t.title }));
    box.appendChild(el("p", { class: "kit-sources", text: t.sources + ["school_link", "class_link", "search"].map(function (k) {
      return t[k] + " " + (sources[k] || 0);
    }).join(" · ") }));
    box.appendChild(linkRow(t.schoolLink, kit.link, t));
    box.appendChild(el("div", { class: "kit-downloads" }, [
      downloadButton(token, kit.poster, t.poster, status, t),
      downloadButton(token, kit.letter, t.letter, status, t),
      downloadButton(token, kit.class_sheet, t.sheet, status, t)
    ]));
    box.appendChild(status);
    var list = el("details", { class: "kit-classes" }, [el("summary", { text: t.classes + " (" + kit.classes.length + ")" })]);
    kit.classes.forEach(function (c) { list.appendChild(linkRow(c.grade + " · " + c.class_name, c.link, t)); });
    box.appendChild(list);
  }

  document.addEventListener("staff:report", function (event) {
    var d = event.detail || {};
    var report = d.report;
    var ticket = ++current;  // a later report wins over a slower earlier answer
    box.textContent = "";
    box.hidden = !report || report.level !== "school";
    if (box.hidden) return;
    var t = T[d.lang] || T.zh;
    var path = "/api/v1/reports/schools/" + encodeURIComponent(report.code) + "/kit?lang=" + encodeURIComponent(d.lang || "zh");
    StaffDashboard.request(d.token, path).then(function (r) { return r.json(); }).then(function (kit) {
      if (ticket === current) render(kit, report, d.token, t);
    }).catch(function (e) {
      if (ticket === current) box.appendChild(el("p", { class: "status", text: t.error + e.message }));
    });
  });
})();
