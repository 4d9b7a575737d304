/* The VR exhibition hall: one Pannellum viewer for all rooms (tour mode), hotspots that open a
 * board in a dialog, arrows and buttons to walk between rooms, anonymous visit counts.
 * The page's text version (plain HTML) is the baseline; everything here is an enhancement.
 * Nothing of the viewer loads with the page: a tap on "Enter the VR hall" (or on a room's
 * "Show this room" button) builds the hall's controls at once, in the place the preview held,
 * then fetches Pannellum's stylesheet and script and starts the one viewer. */
(function () {
  "use strict";
  var dataEl = document.getElementById("sbx-data");
  var hall = document.getElementById("sbx-hall");
  if (!dataEl || !hall) return;
  var data = JSON.parse(dataEl.textContent);
  var L = data.labels;
  var rooms = data.rooms;
  var byId = {};
  rooms.forEach(function (room, i) { byId[room.id] = i; });
  var current = -1;
  var viewer = null;
  var counted = {};

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (_m, key) { return values[key]; });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------------ visits
  function count(roomId) {
    // One anonymous count per room shown (no cookie, no identifier); failures are ignored.
    var page = "exhibition/" + data.lang + "/" + roomId;
    if (counted[page] || !window.fetch) return;
    counted[page] = true;
    try {
      window.fetch(data.api + "/visits", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ page: page }),
        credentials: "omit",
        keepalive: true
      }).catch(function () {});
    } catch (e) { /* ignored */ }
  }

  // ------------------------------------------------------------------ dialog
  var dialog = el("dialog", { "class": "sbx-dialog", "aria-labelledby": "sbx-dialog-title" });
  var dialogTitle = el("h2", { id: "sbx-dialog-title" });
  var dialogBody = el("div", { "class": "sbx-dialog__body" });
  var closeButton = el("button", { type: "button", "class": "sbx-btn sbx-close" }, L.js_close);
  dialog.appendChild(dialogTitle);
  dialog.appendChild(dialogBody);
  dialog.appendChild(closeButton);
  document.body.appendChild(dialog);
  var opener = null;

  function closeBoard() {
    if (dialog.close) dialog.close(); else { dialog.removeAttribute("open"); afterClose(); }
  }
  function afterClose() {
    if (opener && opener.focus) opener.focus();
    opener = null;
  }
  closeButton.addEventListener("click", closeBoard);
  dialog.addEventListener("close", afterClose);
  dialog.addEventListener("click", function (e) { if (e.target === dialog) closeBoard(); });
  dialog.addEventListener("keydown", function (e) { if (e.key === "Escape" && !dialog.showModal) closeBoard(); });

  function openBoard(boardId, from) {
    var source = document.getElementById(boardId);
    if (!source) return;
    dialogTitle.textContent = source.querySelector("h4").textContent;
    dialogBody.innerHTML = "";
    Array.prototype.forEach.call(source.children, function (child) {
      if (child.tagName !== "H4") dialogBody.appendChild(child.cloneNode(true));
    });
    dialog.setAttribute("data-board", boardId);
    opener = from || document.activeElement;
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    closeButton.focus();
  }

  // ------------------------------------------------------------------ hall UI
  // Built on the tap, in the place the preview kept at the viewer's size: nothing moves.
  var stage = hall.querySelector(".sbx-stage");
  var preview = hall.querySelector(".sbx-preview");
  var pano, where, prev, next, boardsBox;

  function buildHall() {
    pano = el("div", { id: "sbx-pano", "class": "sbx-pano", role: "region" });
    if (preview) pano.style.backgroundImage = "url(" + (preview.currentSrc || preview.src) + ")";
    var nav = el("div", { "class": "sbx-nav" });
    prev = el("button", { type: "button", "class": "sbx-btn sbx-prev" }, "← " + L.js_prev);
    where = el("p", { "class": "sbx-where", "aria-live": "polite" });
    next = el("button", { type: "button", "class": "sbx-btn sbx-next" }, L.js_next + " →");
    nav.appendChild(prev);
    nav.appendChild(next);
    boardsBox = el("div", { "class": "sbx-boards", role: "group", "aria-label": L.js_boards });
    var rest = [where, nav, boardsBox, el("p", { "class": "sbx-hint" }, L.js_hint)];
    if (stage) hall.replaceChild(pano, stage); else hall.appendChild(pano);
    rest.forEach(function (node) { hall.appendChild(node); });
    prev.addEventListener("click", function () { go(current - 1); });
    next.addEventListener("click", function () { go(current + 1); });
  }

  function showRoom(i) {
    // Update everything outside the canvas for room i.
    current = i;
    var room = rooms[i];
    where.textContent = fmt(L.js_where, { n: room.n, total: rooms.length, title: room.title });
    pano.setAttribute("aria-label", fmt(L.js_view, { title: room.title }));
    prev.disabled = i === 0;
    next.disabled = i === rooms.length - 1;
    boardsBox.innerHTML = "";
    room.boards.forEach(function (board) {
      var b = el("button", { type: "button", "class": "sbx-btn sbx-board-btn", "data-board": board.id },
        fmt(L.js_read, { title: board.title }));
      b.addEventListener("click", function () { openBoard(board.id, b); });
      boardsBox.appendChild(b);
    });
    hall.setAttribute("data-room", room.id);
  }

  function go(i) {
    if (!pano) { start(i); return; }
    if (i < 0 || i >= rooms.length || i === current) return;
    if (viewer) viewer.loadScene(rooms[i].id, 0, 0, "same");
    else showRoom(i);
  }

  function fail() {
    if (viewer) { try { viewer.destroy(); } catch (e) { /* ignored */ } viewer = null; }
    failed = true;
    while (hall.children.length > 1) hall.removeChild(hall.lastChild);  // keeps the heading
    hall.appendChild(el("p", { "class": "sbx-note sbx-failed", role: "status" }, L.js_failed));
    count("text");
  }

  // "Enter the VR hall", and "Show this room in the 360° hall" in each section of the text
  // version: the first tap starts the hall (at that room), later ones walk to the room.
  var failed = false;
  var startButton = hall.querySelector(".sbx-start");
  if (startButton) {
    startButton.addEventListener("click", function () {
      var match = /^#room-([a-z0-9-]+)$/.exec(window.location.hash);
      start(match && byId[match[1]] !== undefined ? byId[match[1]] : 0);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".sbx-enter[data-room]"), function (b) {
    b.addEventListener("click", function () {
      if (failed) return;
      go(byId[b.getAttribute("data-room")]);
      hall.scrollIntoView({ behavior: "smooth", block: "start" });
      if (pano) pano.focus();
    });
  });

  // ------------------------------------------------------------------ viewer
  function tooltip(div, args) {
    if (args.board) div.setAttribute("data-board", args.board);
    div.appendChild(el("span", { "class": "sbx-hs__label" }, args.text));
  }

  function hotSpots(i) {
    var room = rooms[i];
    var spots = room.boards.map(function (board) {
      return {
        pitch: board.pitch, yaw: board.yaw, cssClass: "sbx-hs sbx-hs--board",
        createTooltipFunc: tooltip, createTooltipArgs: { text: board.title, board: board.id },
        clickHandlerFunc: function () { openBoard(board.id, pano); }
      };
    });
    if (i + 1 < rooms.length) {
      spots.push({
        pitch: -36, yaw: 30, cssClass: "sbx-hs sbx-hs--next",
        createTooltipFunc: tooltip, createTooltipArgs: { text: L.js_next + ": " + rooms[i + 1].title },
        clickHandlerFunc: function () { go(i + 1); }
      });
    }
    if (i > 0) {
      spots.push({
        pitch: -36, yaw: -30, cssClass: "sbx-hs sbx-hs--prev",
        createTooltipFunc: tooltip, createTooltipArgs: { text: L.js_prev + ": " + rooms[i - 1].title },
        clickHandlerFunc: function () { go(i - 1); }
      });
    }
    return spots;
  }

  function load(tag, attrs, done) {
    var node = el(tag, attrs);
    node.addEventListener("load", function () { done(true); });
    node.addEventListener("error", function () { done(false); });
    document.head.appendChild(node);
  }

  function start(i) {
    // One hall, one viewer: a second tap while it loads does nothing more.
    if (pano || failed || i === undefined) return;
    buildHall();
    showRoom(i);
    pano.setAttribute("tabindex", "-1");
    pano.focus();
    var waiting = 2, scriptLoaded = false;
    function ready(ok) {
      waiting -= 1;
      if (waiting > 0) return;
      if (scriptLoaded) startViewer(); else fail();
    }
    load("link", { rel: "stylesheet", href: data.viewer.css }, function () { ready(true); });
    load("script", { src: data.viewer.js }, function (ok) { scriptLoaded = ok; ready(ok); });
  }

  function startViewer() {
    // At the room shown now: a room's button may have been tapped while the script loaded.
    if (!window.pannellum) { fail(); return; }
    // Portrait phones: a narrower horizontal field of view keeps the walls readable.
    var hfov = pano.clientWidth < pano.clientHeight ? 95 : 100;
    var scenes = {};
    rooms.forEach(function (room, i) {
      var scene = { hotSpots: hotSpots(i), yaw: 0, pitch: 0, hfov: hfov };
      if (room.faces) { scene.type = "cubemap"; scene.cubeMap = room.faces; }
      else { scene.type = "equirectangular"; scene.panorama = room.panorama; }
      scenes[room.id] = scene;
    });
    try {
      viewer = window.pannellum.viewer(pano, {
        "default": {
          firstScene: rooms[current].id,
          autoLoad: true,
          sceneFadeDuration: 300,
          showFullscreenCtrl: false,
          compass: false,
          mouseZoom: "fullscreenonly",
          minHfov: 60,
          maxHfov: 120,
          strings: { loadingLabel: L.js_loading }
        },
        scenes: scenes
      });
    } catch (e) { fail(); return; }
    pano.setAttribute("role", "region");
    viewer.on("scenechange", function (id) { showRoom(byId[id]); });
    viewer.on("load", function () { count(viewer.getScene()); hall.setAttribute("data-loaded", viewer.getScene()); });
    viewer.on("error", fail);
    window.sbExhibition = { viewer: viewer, go: go, rooms: rooms };
  }
})();
