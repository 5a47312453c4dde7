/* Live inbox: progressive enhancement. The page is complete without it. When cases change,
   the counters are refreshed; a case that arrives in this list is fetched as a row rendered
   by the server (which checks again that the person may see it) and put at the top of the
   table, and a polite live region says so. Anything else offers to reload the list. */
(function () {
  "use strict";
  var box = document.querySelector("[data-inbox-live]");
  if (!box || !("WebSocket" in window) || !window.JSON) {
    return;
  }
  var status = box.querySelector("[data-live-status]");
  var announcer = document.querySelector("[data-live-announce]");
  var gettext = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var interpolate = typeof window.interpolate === "function" ? window.interpolate : function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (match) { return String(obj[match.slice(2, -2)]); });
  };
  var rowUrl = box.dataset.rowUrl;
  var table = document.querySelector("#bulk-form .case-table");
  var body = table ? table.tBodies[0] : null;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + "/ws/feedback/inbox/";
  if (box.dataset.department) {
    url += "?department=" + encodeURIComponent(box.dataset.department);
  }
  // More arrivals at once than this are not fetched one by one: the page offers a reload.
  var MAX_ROWS = 10;
  var pending = {};
  var retries = 0;

  function show(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }

  function offerReload() {
    show(gettext("Cases changed. Reload the page to see the list."));
  }

  function announce(text) {
    if (!announcer) { return; }
    // Emptied first, so that the same words said twice are announced twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 100);
  }

  function firstPage() {
    var page = new URLSearchParams(window.location.search).get("page");
    return !page || page === "1";
  }

  function hasRow(id) {
    return !!(body && body.querySelector('tr[data-case-id="' + id + '"]'));
  }

  function insertRow(html) {
    var holder = document.createElement("tbody");
    holder.innerHTML = html;
    var row = holder.querySelector("tr[data-case-id]");
    if (!row || hasRow(row.dataset.caseId)) { return; }
    body.insertBefore(row, body.firstChild);
    var form = document.querySelector("#bulk-form[data-live-hidden]");
    if (form) { form.hidden = false; }
    var empty = document.querySelector("[data-live-empty]");
    if (empty) { empty.hidden = true; }
    var link = row.querySelector("a");
    announce(interpolate(
      gettext("New case in this list: %(title)s"),
      {title: link ? link.textContent : "#" + row.dataset.caseId},
      true
    ));
  }

  function fetchRow(id) {
    pending[id] = true;
    var address = rowUrl.replace(/0\/$/, encodeURIComponent(id) + "/") + window.location.search;
    window.fetch(address, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (response.status === 204) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) { if (html) { insertRow(html); } })
      .catch(offerReload)
      .then(function () { delete pending[id]; });
  }

  function arrived(ids) {
    var fresh = ids.filter(function (id) { return !hasRow(id) && !pending[id]; });
    if (!fresh.length) { return true; }
    if (!rowUrl || !body || !window.fetch || !firstPage() || fresh.length > MAX_ROWS) {
      return false;
    }
    fresh.forEach(fetchRow);
    return true;
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
      if (!data.changed) { return; }
      var added = Array.isArray(data.added) ? data.added : [];
      if (!added.length || !arrived(added)) {
        offerReload();
      }
    };
    socket.onclose = function () {
      show(gettext("Live updates paused."));
      retries += 1;
      if (retries < 6) { window.setTimeout(connect, 2000 * retries); }
    };
  }
  connect();
}());
