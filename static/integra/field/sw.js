// The field app's service worker, served from /field/sw.js with its configuration
// (self.INTEGRA_FIELD: release, asset URLs, scope) prepended by the server.
//
// - Field pages: network first, the cached copy when offline (the day page caches every
//   visit and checklist page of the day when opened online).
// - Static assets: this release's cache first, then any older release's, then network.
// - The API is never cached: the outbox in IndexedDB is the only way writes travel.
// - A new release caches its own assets; older releases' caches are removed only once
//   the outbox is empty, so pages cached before the release keep working until synced.
/* global INTEGRA_FIELD */
"use strict";
const CONFIG = self.INTEGRA_FIELD || { release: "dev", assets: [], scope: "/field/" };
const ASSETS = `integra-field-assets-${CONFIG.release}`;
const PAGES = "integra-field-pages";
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS)
      .then((cache) => Promise.all(CONFIG.assets.map((url) =>
        cache.add(new Request(url, { credentials: "same-origin" })).catch(() => null))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim().then(cleanUp));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "synced") event.waitUntil(cleanUp());
});

function outboxSize() {
  return new Promise((resolve) => {
    const request = indexedDB.open("integra-field");
    request.onerror = () => resolve(1);
    request.onupgradeneeded = () => {
      request.transaction.abort();
      resolve(0);
    };
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("outbox")) {
        db.close();
        resolve(0);
        return;
      }
      const count = db.transaction("outbox").objectStore("outbox").count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
      count.onerror = () => { db.close(); resolve(1); };
    };
  });
}

async function cleanUp() {
  if ((await outboxSize()) > 0) return;
  const names = await caches.keys();
  await Promise.all(names
    .filter((name) => name.startsWith("integra-field-assets-") && name !== ASSETS)
    .map((name) => caches.delete(name)));
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    // A login redirect or an error page must not replace the day's cached copy.
    if (response.ok && !response.redirected) await cache.put(request.url.split("#")[0], response.clone());
    if (response.ok || !(await cache.match(request, { ignoreVary: true }))) return response;
  } catch (error) {
    // Offline or too slow: fall through to the cached copy.
  }
  const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  const day = await cache.match(CONFIG.scope, { ignoreVary: true });
  return day || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function asset(request) {
  const current = await caches.open(ASSETS);
  const hit = (await current.match(request, { ignoreVary: true })) || (await caches.match(request, { ignoreVary: true }));
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await current.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (url.pathname.startsWith(CONFIG.scope) && !url.pathname.endsWith("/sw.js")) {
    event.respondWith(page(request));
  }
});
