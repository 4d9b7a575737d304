/* What the H5 apps (quiz.js, daily.js) share: the build puts it in front of each app in one
   script (generators/assets.py). ES5, no build step; each function takes what it needs. */
(function () {
  "use strict";

  // t(key, {name: value}): the text in lang (else English), {name} replaced.
  function translator(strings, lang) {
    var table = strings[lang] || strings.en;
    return function t(key, values) {
      var text = table[key] || strings.en[key] || key;
      return text.replace(/\{(\w+)\}/g, function (_, name) {
        return values && name in values ? String(values[name]) : "";
      });
    };
  }

  // The app's element with its data-api and data-lang; null if absent or mounted already.
  function mount(id, strings) {
    var root = document.getElementById(id);
    if (!root || root.dataset.mounted) return null;
    root.dataset.mounted = "1";
    return {
      root: root,
      api: (root.dataset.api || "/api/v1").replace(/\/$/, ""),
      lang: strings[root.dataset.lang] ? root.dataset.lang : "zh",
    };
  }

  // ------------------------------------------------------------------ DOM
  // h("p", { class: "x", text: "…", onclick: fn }, child, [children], "text")
  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === undefined || value === null || value === false) return;
        if (name === "text") node.textContent = value;
        else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
        else if (name === "class") node.className = value;
        else node.setAttribute(name, value === true ? "" : value);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { if (c) node.appendChild(c); });
      else node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // ------------------------------------------------------------------ API
  // Resolves {ok, status, data (JSON or problem+json body, or null), retryAfter (s, or 0)};
  // rejects {network: true} without an answer. opts: token, timeout (ms), cache.
  function api(base, method, path, body, opts) {
    opts = opts || {};
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.token) headers.Authorization = "Bearer " + opts.token;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, opts.timeout || 15000) : 0;
    var init = {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl ? ctrl.signal : undefined,
      credentials: "same-origin",
    };
    if (opts.cache) init.cache = opts.cache;
    return fetch(base + path, init).then(
      function (response) {
        clearTimeout(timer);
        var type = response.headers.get("content-type") || "";
        var parse = /json/.test(type) ? response.json() : Promise.resolve(null);
        return parse.then(null, function () { return null; }).then(function (data) {
          var after = parseInt(response.headers.get("retry-after") || "", 10);
          return { ok: response.ok, status: response.status, data: data, retryAfter: after > 0 ? after : 0 };
        });
      },
      function () {
        clearTimeout(timer);
        throw { network: true };
      }
    );
  }

  // "server-busy" for .../problems/server-busy; "" without a type.
  function problemType(res) {
    var type = res && res.data && res.data.type;
    return typeof type === "string" ? type.replace(/^.*\/problems\//, "") : "";
  }

  // ------------------------------------------------------------------ storage
  // The quiz's state on the phone (its token; the daily page shares it), a key a campaign.
  function quizKey(campaign) {
    return "quiz:v1:" + (campaign || "-");
  }

  // A JSON object in localStorage: {} when unreadable; a full or private storage is let pass.
  function storage(key) {
    return {
      read: function () {
        try {
          return JSON.parse(localStorage.getItem(key) || "{}") || {};
        } catch (e) {
          return {};
        }
      },
      write: function (value) {
        try {
          localStorage.setItem(key, JSON.stringify(value));
        } catch (e) {
          /* private mode or full */
        }
      },
    };
  }

  // ------------------------------------------------------------------ WeChat
  var inWechat = /MicroMessenger/i.test(navigator.userAgent);

  // In WeChat: sign the page (query: "&lang=zh"…), load jweixin, share card(cfg).
  function wechatShare(base, query, card) {
    if (!inWechat) return;
    var url = location.href.split("#")[0];
    api(base, "GET", "/wechat/jssdk-config?url=" + encodeURIComponent(url) + query).then(function (res) {
      if (!res.ok || !res.data) return;
      var cfg = res.data;
      var script = document.createElement("script");
      script.src = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";
      script.onload = function () {
        var wx = window.wx;
        if (!wx) return;
        wx.config({ debug: false, appId: cfg.app_id, timestamp: cfg.timestamp, nonceStr: cfg.nonce_str,
          signature: cfg.signature, jsApiList: cfg.js_api_list });
        wx.ready(function () {
          var share = card(cfg);
          if (wx.updateAppMessageShareData) wx.updateAppMessageShareData(share);
          if (wx.updateTimelineShareData) wx.updateTimelineShareData(share);
        });
      };
      document.head.appendChild(script);
    }, function () {});
  }

  window.SbApp = {
    mount: mount,
    translator: translator,
    h: h,
    api: api,
    problemType: problemType,
    quizKey: quizKey,
    storage: storage,
    inWechat: inWechat,
    wechatShare: wechatShare,
  };
})();
