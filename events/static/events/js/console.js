/* Facilitator console: keeps accepting input when the venue's connection drops.

   Every item is queued on this device first, with a key made here, then sent to the console's
   sync address; the server stores each key once, so an item sent twice (a reply lost on the way
   back, two tabs sending) is still logged once. The queue lives in IndexedDB, photos as blobs;
   only a browser without IndexedDB keeps it in localStorage (photos as text, about 5 MB in
   all). An item leaves the queue only when the server has answered for it. Without this script
   the form posts normally. */
(function () {
  "use strict";
  var form = document.querySelector("[data-console-form]");
  if (!form || !window.fetch || !window.FormData || !window.Promise) {
    return;
  }
  var syncUrl = form.getAttribute("data-sync-url");
  var box = document.querySelector("[data-console-queue-box]");
  var status = document.querySelector("[data-console-status]");
  var list = document.querySelector("[data-console-queue]");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  // What stays filled in from one item to the next: where it came from and its context.
  var KEEP = ["source_detail", "language", "challenge", "question", "round"];
  var sending = false;
  var sent = [];
  var rejected = [];

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.getAttribute("data-worker-url"), {
      scope: form.getAttribute("data-scope")
    }).catch(function () { /* pages still work online */ });
  }

  /* --- the queue: IndexedDB, or localStorage where IndexedDB is missing ------------------- */

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function indexedStore() {
    var opened = null;
    function db() {
      if (!opened) {
        var req = indexedDB.open("civitas-console", 1);
        req.onupgradeneeded = function () {
          var store = req.result.createObjectStore("queue", { keyPath: "key" });
          store.createIndex("url", "url");
        };
        opened = request(req);
      }
      return opened;
    }
    function store(mode) {
      return db().then(function (d) { return d.transaction("queue", mode).objectStore("queue"); });
    }
    return {
      all: function () {
        return store("readonly").then(function (s) {
          return request(s.index("url").getAll(syncUrl));
        }).then(function (items) {
          return items.sort(function (a, b) { return a.added - b.added; });
        });
      },
      add: function (entry) {
        return store("readwrite").then(function (s) { return request(s.put(entry)); });
      },
      remove: function (key) {
        return store("readwrite").then(function (s) { return request(s["delete"](key)); });
      }
    };
  }

  function localStore() {
    var storageKey = "civitas-console-queue:" + syncUrl;
    function load() {
      try { return JSON.parse(localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
    }
    function save(queue) { localStorage.setItem(storageKey, JSON.stringify(queue)); }
    function dataUrl(file) {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () { resolve(reader.result); };
        reader.onerror = reject;
        reader.readAsDataURL(file);
      });
    }
    function toBlob(url) {
      var parts = url.split(",");
      var mime = parts[0].replace(/^data:/, "").replace(/;base64$/, "");
      var bytes = atob(parts[1]);
      var array = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
      return new Blob([array], { type: mime });
    }
    return {
      all: function () {
        return Promise.resolve(load().map(function (entry) {
          return Object.assign({}, entry, {
            files: entry.files.map(function (f) { return [f[0], f[1], toBlob(f[2])]; })
          });
        }));
      },
      add: function (entry) {
        return Promise.all(entry.files.map(function (f) { return dataUrl(f[2]); })).then(function (urls) {
          var queue = load().filter(function (e) { return e.key !== entry.key; });
          queue.push(Object.assign({}, entry, {
            files: entry.files.map(function (f, i) { return [f[0], f[1], urls[i]]; })
          }));
          save(queue);
        });
      },
      remove: function (key) {
        save(load().filter(function (e) { return e.key !== key; }));
        return Promise.resolve();
      }
    };
  }

  var queue = window.indexedDB ? indexedStore() : (window.localStorage ? localStore() : null);
  if (!queue) { return; }

  /* --- showing what is waiting -------------------------------------------------------------- */

  function line(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) { li.className = className; }
    return li;
  }

  function render(message) {
    return queue.all().then(function (waiting) {
      list.textContent = "";
      waiting.forEach(function (entry) {
        var photos = entry.files.length ? " (" + msg("photos") + " " + entry.files.length + ")" : "";
        list.appendChild(line(msg("waiting") + " " + entry.label + photos, "queued"));
      });
      rejected.forEach(function (text) { list.appendChild(line(text, "rejected")); });
      sent.forEach(function (text) { list.appendChild(line(text, "sent")); });
      box.hidden = !(waiting.length || sent.length || rejected.length || message);
      if (message !== undefined) {
        status.textContent = message;
      } else if (!waiting.length && sent.length) {
        status.textContent = msg("all-sent");
      }
      return waiting;
    });
  }

  function errorsText(errors) {
    var out = [];
    Object.keys(errors || {}).forEach(function (field) {
      (errors[field] || []).forEach(function (error) { out.push(error.message || error); });
    });
    return out.join(" ");
  }

  /* --- sending, one item at a time, oldest first ------------------------------------------- */

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    entry.files.forEach(function (file) { body.append(file[0], file[2], file[1]); });
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    return fetch(syncUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          return queue.remove(entry.key).then(function () {
            sent.unshift(msg("sent") + " " + entry.label);
          });
        }
        if ([400, 403, 404, 409].indexOf(response.status) >= 0) {
          // The server will never accept it as it is: show it, so nothing typed is lost.
          return queue.remove(entry.key).then(function () {
            rejected.unshift(msg("rejected") + " " + entry.label + " — " +
              (errorsText(data.errors) || data.error || response.status));
          });
        }
        throw new Error("retry later");
      });
    });
  }

  function flush() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return queue.all().then(function (waiting) {
      if (!waiting.length) { sending = false; return render(); }
      return send(waiting[0]).then(function () {
        sending = false;
        return flush();
      });
    }).catch(function () {
      sending = false;
      return render(msg("offline"));
    });
  }

  /* --- logging an item ---------------------------------------------------------------------- */

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

  function label(data) {
    var text = (data.get("title") || data.get("text") || "").toString();
    if (!text) {
      var sheet = (data.get("sheet") || "").toString();
      text = form.getAttribute("data-kind-label") + (sheet ? " " + sheet : "");
    }
    return text.slice(0, 80);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var keyField = form.querySelector("[name=submission_key]");
    if (!keyField.value) { keyField.value = newKey(); }
    var data = new FormData(form);
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (value instanceof File) {
        // A Blob copy: the picked file may be gone when the connection returns.
        if (value.size) { files.push([name, value.name, value.slice(0, value.size, value.type)]); }
        return;
      }
      fields.push([name, value]);
    });
    var entry = { key: keyField.value, url: syncUrl, added: Date.now(), label: label(data), fields: fields, files: files };
    queue.add(entry).then(function () {
      // Ready for the next item: the form as it came, a new key, the context kept.
      var kept = KEEP.map(function (name) {
        var field = form.elements.namedItem(name);
        return field && field.value !== undefined ? [field, field.value] : null;
      });
      form.reset();
      kept.forEach(function (pair) { if (pair) { pair[0].value = pair[1]; } });
      keyField.value = newKey();
      return render(navigator.onLine ? undefined : msg("offline"));
    }).then(function () {
      var first = form.querySelector("[name=title]") || form.querySelector("[name=text]") ||
        form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      return flush();
    }).catch(function () {
      // Not even this device could keep it: let the form post it the ordinary way.
      form.submit();
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { render(msg("offline")); });
  setInterval(function () { flush(); }, 15000);
  render().then(flush);
})();
