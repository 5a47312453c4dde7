/* Service worker of the facilitator console: serves the console's pages and assets from a
   cache when the venue's connection drops. Input itself is queued by console.js. */
"use strict";
var CACHE = "civitas-console-v1";
var SCOPE = "{{ console_url|escapejs }}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var cacheable = url.pathname.indexOf(SCOPE) === 0 || url.pathname.indexOf("/static/") === 0 || url.pathname === "/theme.css";
  if (!cacheable) { return; }
  // Network first, so facilitators see fresh pages; the cache answers when offline.
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: false }).then(function (hit) {
        return hit || caches.match(SCOPE) || Response.error();
      });
    })
  );
});
