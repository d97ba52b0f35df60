// The field app's service worker, served from /field/sw.js with its configuration
// (self.INTEGRA_FIELD: release, asset URLs, scope) prepended by the server.
//
// - Field pages: network first, the cached copy when offline (the day page caches every
//   visit page of the day and each checklist version's page once when opened online).
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

// A checklist's page is one per version (``checklists/<version>/?visit=…``), cached
// under its address without the query: every visit opens the same copy. The address a
// checklist had per visit (``visits/<visit>/checklists/<version>/``), still named by
// saves made before, opens that shared copy offline; the page reads the visit from it.
const PER_VISIT = /\/visits\/[0-9a-f-]{36}\/checklists\/([0-9a-f-]{36})\/$/;

async function page(request) {
  const cache = await caches.open(PAGES);
  const url = new URL(request.url);
  const key = url.origin + url.pathname;
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    // A login redirect or an error page must not replace the day's cached copy.
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    if (response.ok || !(await cache.match(key, { ignoreVary: true }))) return response;
  } catch (error) {
    // Offline or too slow: fall through to the cached copy.
  }
  const cached = await cache.match(key, { ignoreVary: true });
  if (cached) return cached;
  const older = url.pathname.match(PER_VISIT);
  const shared = older && (await cache.match(`${CONFIG.scope}checklists/${older[1]}/`, { ignoreVary: true }));
  if (shared) return shared;
  const day = request.mode === "navigate" && (await cache.match(CONFIG.scope, { ignoreVary: true }));
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
