/* Facilitator console: keeps accepting input when the venue's connection drops.

   Every item is queued on this device first (localStorage) with a key made here, then sent to
   the console's sync address; the server stores each key once, so an item sent twice (a reply
   lost on the way back) is still logged once. Without this script the form posts normally. */
(function () {
  "use strict";
  var form = document.querySelector("[data-console-form]");
  if (!form || !window.fetch || !window.localStorage || !window.FormData) {
    return;
  }
  var syncUrl = form.getAttribute("data-sync-url");
  var storageKey = "civitas-console-queue:" + syncUrl;
  var box = document.querySelector("[data-console-queue-box]");
  var status = document.querySelector("[data-console-status]");
  var list = document.querySelector("[data-console-queue]");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var sending = false;
  var sent = [];
  var rejected = [];

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.getAttribute("data-worker-url"), {
      scope: form.getAttribute("data-scope")
    }).catch(function () { /* pages still work online */ });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID && window.isSecureContext) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(storageKey, JSON.stringify(queue)); }

  function item(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) { li.className = className; }
    return li;
  }

  function render(message) {
    var queue = load();
    list.textContent = "";
    queue.forEach(function (entry) { list.appendChild(item(msg("waiting") + " " + entry.label, "queued")); });
    rejected.forEach(function (text) { list.appendChild(item(text, "rejected")); });
    sent.forEach(function (text) { list.appendChild(item(text, "sent")); });
    box.hidden = !(queue.length || sent.length || rejected.length || message);
    if (message !== undefined) {
      status.textContent = message;
    } else if (!queue.length && sent.length) {
      status.textContent = msg("all-sent");
    }
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve([file.name, reader.result]); };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var mime = parts[0].replace(/^data:/, "").replace(/;base64$/, "");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: mime });
  }

  function errorsText(errors) {
    var out = [];
    Object.keys(errors || {}).forEach(function (field) {
      (errors[field] || []).forEach(function (error) { out.push(error.message || error); });
    });
    return out.join(" ");
  }

  function flush() {
    var queue = load();
    if (sending || !queue.length) { render(); return; }
    sending = true;
    var entry = queue[0];
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    entry.files.forEach(function (file) { body.append(file[0], toBlob(file[2]), file[1]); });
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(syncUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        var rest = load().filter(function (e) { return e.key !== entry.key; });
        if (response.ok) {
          save(rest);
          sent.unshift(msg("sent") + " " + entry.label);
        } else if (response.status === 400 || response.status === 403 || response.status === 404 || response.status === 409) {
          // The server will never accept it as it is: show it so nothing typed is lost.
          save(rest);
          rejected.unshift(msg("rejected") + " " + entry.label + " — " + (errorsText(data.errors) || data.error || response.status));
        } else {
          throw new Error("retry later");
        }
        sending = false;
        render();
        flush();
      });
    }).catch(function () {
      sending = false;
      render(msg("offline"));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var keyField = form.querySelector("[name=submission_key]");
    if (!keyField.value) { keyField.value = newKey(); data.set("submission_key", keyField.value); }
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (value instanceof File) { if (value.size) { files.push(value); } return; }
      fields.push([name, value]);
    });
    var text = (data.get("title") || data.get("text") || "").toString();
    Promise.all(files.map(readFile)).then(function (read) {
      var queue = load();
      queue.push({
        key: keyField.value,
        label: text.slice(0, 80),
        fields: fields,
        files: read.map(function (pair) { return ["photos", pair[0], pair[1]]; })
      });
      save(queue);
      // Ready for the next item: a new key, the text fields cleared, table and language kept.
      keyField.value = newKey();
      ["title", "text", "receipt_code", "photos"].forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        if (field) { field.value = ""; }
      });
      render(navigator.onLine ? undefined : msg("offline"));
      flush();
      var first = form.querySelector("[name=title]") || form.querySelector("[name=text]");
      if (first) { first.focus(); }
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { render(msg("offline")); });
  setInterval(function () { if (load().length) { flush(); } }, 15000);
  render();
  flush();
})();
