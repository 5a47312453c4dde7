/* Live board: new input arrives over a websocket; when none can be opened (or it drops), the
   board polls its items instead. Without this script the page refreshes itself (noscript). */
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) { return; }
  var list = board.querySelector("[data-board-items]");
  var status = board.querySelector("[data-board-status]");
  var refresh = parseInt(board.getAttribute("data-refresh"), 10) * 1000 || 20000;
  var pollTimer = null;
  var socket = null;

  function setStatus(text) { status.textContent = text; }

  function dotsText(n) { return n + " ●"; }

  function render(item) {
    var li = list.querySelector("[data-id='" + item.id + "']");
    var isNew = !li;
    if (isNew) {
      li = document.createElement("li");
      li.className = "board-item board-item-new";
      li.setAttribute("data-id", item.id);
    }
    li.textContent = "";
    if (item.title) {
      var title = document.createElement("strong");
      title.className = "board-item-title";
      title.textContent = item.title;
      li.appendChild(title);
    }
    var text = document.createElement("span");
    text.className = "board-item-text";
    text.textContent = item.text;
    li.appendChild(text);
    var meta = document.createElement("span");
    meta.className = "meta board-item-meta";
    meta.textContent = (item.table ? item.table + " · " : "");
    var votes = document.createElement("span");
    votes.setAttribute("data-votes", "");
    votes.textContent = dotsText(item.votes);
    meta.appendChild(votes);
    li.appendChild(meta);
    if (isNew) {
      var empty = list.querySelector("[data-board-empty]");
      if (empty) { empty.remove(); }
      list.insertBefore(li, list.firstChild);
    }
  }

  function poll() {
    fetch(board.getAttribute("data-items-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { data.items.slice().reverse().forEach(render); })
      .catch(function () {});
  }

  function startPolling() {
    setStatus(board.getAttribute("data-msg-paused"));
    if (!pollTimer) { pollTimer = setInterval(poll, refresh); poll(); }
  }

  function connect() {
    if (!window.WebSocket) { startPolling(); return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/events/" + board.getAttribute("data-event") + "/board/");
    socket.onopen = function () {
      setStatus(board.getAttribute("data-msg-live"));
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
      poll(); // catch up on what arrived while disconnected
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "item") {
        render(data.item);
        // A long input arrives cut short: fetch it whole.
        if (data.item.more) { poll(); }
      }
      if (data.type === "votes") {
        var li = list.querySelector("[data-id='" + data.id + "'] [data-votes]");
        if (li) { li.textContent = dotsText(data.votes); }
      }
    };
    socket.onclose = function () {
      startPolling();
      setTimeout(connect, 30000);
    };
  }
  connect();
})();
