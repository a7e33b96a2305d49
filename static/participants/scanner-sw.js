// The door app's service worker: it keeps the app's own page and static files so that the app
// opens without a network. It never caches the API: the snapshot is kept by the page,
// encrypted, and scans are queued there.
"use strict";
var CACHE = "plenary-scanner-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var urls = event.data && event.data.precache;
  if (!Array.isArray(urls)) { return; }
  var own = urls.filter(function (url) { return new URL(url, self.location.href).origin === self.location.origin; });
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(own); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") >= 0) {
    return;
  }
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname.indexOf(scope) !== 0 && url.pathname.indexOf("/static/") !== 0) { return; }
  // Network first, so a new release is used at once; the cache when the network is gone.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || (request.mode === "navigate" ? caches.match(scope) : Response.error());
    });
  }));
});
