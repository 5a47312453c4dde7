/* Live notification count: progressive enhancement over the server-rendered header badge.
   Without websockets (or with the channel layer down) the page keeps the count it was served. */
(function () {
  "use strict";

  var badge = document.querySelector("[data-unread-count]");
  if (!badge || !("WebSocket" in window) || !window.JSON) {
    return;
  }
  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var interpolate = typeof window.interpolate === "function"
    ? window.interpolate
    : function (fmt, obj) { return fmt.replace(/%\(\w+\)s/g, function (m) { return obj[m.slice(2, -2)]; }); };

  var region = document.createElement("div");
  region.className = "visually-hidden";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  document.body.appendChild(region);

  var unreadLabel = badge.querySelector(".visually-hidden");
  var labelText = unreadLabel ? unreadLabel.textContent : t("unread:");

  function setCount(count) {
    var n = parseInt(count, 10);
    if (isNaN(n) || n < 0) {
      return;
    }
    while (badge.firstChild) {
      badge.removeChild(badge.firstChild);
    }
    if (n === 0) {
      badge.hidden = true;
      return;
    }
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = labelText;
    badge.appendChild(document.createTextNode(" "));
    badge.appendChild(hidden);
    badge.appendChild(document.createTextNode(String(n)));
    badge.hidden = false;
  }

  function announce(title) {
    // Clear first so the same text twice is still announced.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = interpolate(t("New notification: %(title)s"), { title: title }, true);
    }, 50);
  }

  var attempts = 0;
  var maxAttempts = 8;

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    } catch (e) {
      return;
    }
    socket.onopen = function () {
      attempts = 0;
      badge.removeAttribute("data-live-paused");
    };
    socket.onmessage = function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!data || typeof data !== "object") {
        return;
      }
      if (typeof data.unread !== "undefined") {
        setCount(data.unread);
      }
      if (data.type === "notification" && typeof data.title === "string") {
        announce(data.title);
      }
    };
    socket.onclose = function () {
      badge.setAttribute("data-live-paused", "");
      attempts += 1;
      if (attempts > maxAttempts) {
        return;
      }
      // Back off so a restarting server is not flooded: 2s, 4s, 8s ... up to 5 minutes.
      var delay = Math.min(300000, 1000 * Math.pow(2, attempts));
      window.setTimeout(connect, delay);
    };
  }

  connect();
}());
