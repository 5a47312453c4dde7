/* Live inbox counters: progressive enhancement. The page is complete without it; when cases
   change, the counters are refreshed and a notice offers to reload the list. */
(function () {
  "use strict";
  var box = document.querySelector("[data-inbox-live]");
  if (!box || !("WebSocket" in window) || !window.JSON) {
    return;
  }
  var status = box.querySelector("[data-live-status]");
  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + "/ws/feedback/inbox/";
  if (box.dataset.department) {
    url += "?department=" + encodeURIComponent(box.dataset.department);
  }
  var retries = 0;

  function show(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { retries = 0; show(""); };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type !== "counts") { return; }
      Object.keys(data.counts).forEach(function (key) {
        var el = box.querySelector('[data-counter="' + key + '"]');
        if (el && el.textContent !== String(data.counts[key])) {
          el.textContent = String(data.counts[key]);
        }
      });
      if (data.changed) {
        show(t("Cases changed. Reload the page to see the list."));
      }
    };
    socket.onclose = function () {
      show(t("Live updates paused."));
      retries += 1;
      if (retries < 6) { window.setTimeout(connect, 2000 * retries); }
    };
  }
  connect();
}());
