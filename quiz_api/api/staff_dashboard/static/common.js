/* Staff dashboard, what every view shares: building elements (HTML and SVG), asking the
   API with the staff token, turning a problem+json answer into an Error, and saving a
   download. Loaded first; app.js and each view (kit.js, daily.js, questions.js,
   contest.js) take these from window.StaffDashboard. */
window.StaffDashboard = (function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* fetch with the staff token; the Response as it comes (the caller reads its status). */
  function authorised(token, url, init) {
    var options = init || {};
    options.headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
    return fetch(url, options);
  }

  /* An Error carrying the status and, when the body is problem+json, its detail or title. */
  function problem(response) {
    var fail = function (message, body) {
      var e = new Error(message);
      e.status = response.status;
      e.problem = body || null;
      throw e;
    };
    return response.json().then(function (p) { fail(p.detail || p.title || String(response.status), p); },
      function () { fail(String(response.status)); });
  }

  /* fetch with the staff token; resolves with the Response when it is 2xx, else rejects
     with problem()'s Error. */
  function request(token, url, init) {
    return authorised(token, url, init).then(function (r) { return r.ok ? r : problem(r); });
  }

  /* Save a download (CSV, XLSX, PNG, PDF) under the server's file name. */
  function save(response, fallbackName) {
    var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return response.blob().then(function (blob) {
      var a = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : fallbackName });
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
  }

  return { el: el, svg: svg, authorised: authorised, problem: problem, request: request, save: save };
})();
