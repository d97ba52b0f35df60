// The device's memory: IndexedDB stores for the outbox (what still has to reach the
// server), the sent log, photos (by SHA-256), the last saved answers per checklist and the
// local state of visits. Flushing sends the outbox in order; a saved finding is never lost
// (it stays until the server confirmed it) and never doubled (each save has its own
// client_id, which the server stores once).
(function (root) {
  "use strict";
  const DB_NAME = "integra-field";
  const DB_VERSION = 1;
  const STORES = ["outbox", "sent", "photos", "findings", "visits"];
  let dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: "sha256" });
        if (!db.objectStoreNames.contains("findings")) db.createObjectStore("findings", { keyPath: "key" });
        if (!db.objectStoreNames.contains("visits")) db.createObjectStore("visits", { keyPath: "code" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return dbPromise;
  }

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function tx(store, mode, work) {
    const db = await open();
    const transaction = db.transaction(store, mode);
    const result = await work(transaction.objectStore(store));
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    return result;
  }

  const get = (store, key) => tx(store, "readonly", (s) => done(s.get(key)));
  const all = (store) => tx(store, "readonly", (s) => done(s.getAll()));
  const put = (store, value) => tx(store, "readwrite", (s) => done(s.put(value)));
  const remove = (store, key) => tx(store, "readwrite", (s) => done(s.delete(key)));

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  async function sha256(blob) {
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A photo from the camera, shrunk on the device to a JPEG of at most 1600 px.
  async function compress(file, maxSide = 1600, quality = 0.8) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) bitmap.close();
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("toBlob"))), "image/jpeg", quality));
  }

  async function addPhoto(file) {
    const blob = await compress(file);
    const hash = await sha256(blob);
    await put("photos", { sha256: hash, blob, type: blob.type, size: blob.size, added_at: new Date().toISOString() });
    return hash;
  }

  // Save a checklist: remember the answers locally and queue one submission. A save
  // that merges a colleague's version names that version as its base (``base``) and
  // settles the refused saves it was merged from (``resolves``).
  async function saveFinding({ key, visit, templateVersion, answers, photos, label, url, base, resolves }) {
    const entry = {
      client_id: uuid(),
      kind: "finding",
      key,
      label,
      url,
      status: "pending",
      reason: "",
      created_at: new Date().toISOString(),
      posted: false,
      photos,
      photos_sent: [],
      photos_elsewhere: [],
      payload: { visit, template_version: templateVersion, answers, recorded_at: new Date().toISOString() },
    };
    const local = (await get("findings", key)) || { key, version: null };
    if (base !== undefined) {
      entry.payload.base_version = base;
      local.version = base;
    }
    local.answers = answers;
    local.label = label;
    local.url = url;
    local.changed = null;
    local.templateVersion = templateVersion;
    local.last_client_id = entry.client_id;
    local.saved_at = entry.created_at;
    await put("findings", local);
    await put("outbox", entry);
    for (const clientId of resolves || []) {
      const refused = await get("outbox", clientId);
      if (!refused) continue;
      refused.status = "merged";
      refused.sent_at = entry.created_at;
      await put("sent", refused);
      await remove("outbox", clientId);
    }
    return entry;
  }

  // The saves of one checklist still on this device (not yet accepted by the server).
  async function waiting(key) {
    return (await all("outbox")).filter((entry) => entry.key === key)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  // A colleague's save since this device's last one: the device takes the server's
  // version, so that its next save is based on it, and says so.
  async function adopt(key, server) {
    const local = (await get("findings", key)) || { key, version: null };
    local.version = server.version;
    local.answers = server.answers;
    local.changed = { by: server.by, at: server.at, version: server.version };
    await put("findings", local);
    return local;
  }

  async function saveOutcome({ visit, action, label }) {
    const at = new Date().toISOString();
    const state = (await get("visits", visit)) || { code: visit };
    state.status = action === "start" ? "underway" : action;
    if (action === "start") state.started_at = state.started_at || at;
    else state.finished_at = at;
    await put("visits", state);
    const entry = {
      client_id: uuid(), kind: "outcome", label, status: "pending", reason: "",
      created_at: at, payload: { visit, action, at },
    };
    await put("outbox", entry);
    return entry;
  }

  // The version the server last confirmed for a checklist, so that edits name it.
  async function knowVersion(key, version) {
    const local = (await get("findings", key)) || { key, version: null };
    if (version !== null && version !== undefined && (local.version === null || version > local.version)) {
      local.version = version;
      await put("findings", local);
    }
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const data = document.getElementById("field-data");
    return data ? JSON.parse(data.textContent).csrf || "" : "";
  }

  class Stop extends Error {}

  async function reasonOf(response) {
    try {
      const problem = await response.json();
      const parts = [problem.detail || problem.title || String(response.status)];
      const labels = problem.labels || {};
      for (const [name, messages] of Object.entries(problem.errors || {})) parts.push(`${labels[name] || name}: ${messages.join(" ")}`);
      return parts.join(" · ");
    } catch (error) {
      return `HTTP ${response.status}`;
    }
  }

  async function send(api, method, url, body, contentType) {
    let response;
    try {
      response = await fetch(api + url, {
        method, body, credentials: "same-origin",
        headers: { "Content-Type": contentType, "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
    } catch (error) {
      throw new Stop("network");
    }
    if (response.status === 401) throw new Stop("signin");
    if (response.status >= 500 || response.status === 429) throw new Stop("server");
    return response;
  }

  // A refusal stays in the outbox with the server's reason. 410: the action day takes no
  // more saves (reported, or recorded on another date); trying again cannot help, so the
  // entry is kept as refused for the coordinator to settle, never dropped or counted sent.
  async function fail(entry, response) {
    entry.status = response.status === 410 ? "refused" : "failed";
    entry.reason = await reasonOf(response);
    await put("outbox", entry);
  }

  async function flushFinding(api, entry) {
    if (!entry.posted) {
      if (entry.payload.base_version === undefined) {
        // Named when first sent: the version this device last had confirmed.
        const local = await get("findings", entry.key);
        entry.payload.base_version = local && local.version !== undefined ? local.version : null;
        await put("outbox", entry);
      }
      const body = JSON.stringify({ client_id: entry.client_id, ...entry.payload });
      const response = await send(api, "POST", "findings", body, "application/json");
      if (response.status === 409) return refuseAsStale(entry, response);
      if (response.status === 410) return fail(entry, response);
      if (response.status !== 200 && response.status !== 201) return fail(entry, response);
      const finding = await response.json();
      entry.posted = true;
      entry.version = finding.submission_version;
      entry.missing = finding.missing_photos;
      await put("outbox", entry);
      await knowVersion(entry.key, finding.submission_version);
    }
    entry.photos_elsewhere = entry.photos_elsewhere || [];
    for (const hash of entry.photos || []) {
      if (entry.photos_sent.includes(hash) || entry.photos_elsewhere.includes(hash)) continue;
      // The server has it already: nothing to send.
      if (entry.missing && !entry.missing.includes(hash)) continue;
      const photo = await get("photos", hash);
      if (!photo) {
        // Held by another device, which sends it itself; the others still go.
        entry.photos_elsewhere.push(hash);
        await put("outbox", entry);
        continue;
      }
      const url = `findings/${entry.client_id}/evidence/${hash}`;
      const response = await send(api, "PUT", url, photo.blob, photo.type || "image/jpeg");
      if (response.status !== 200 && response.status !== 201) return fail(entry, response);
      entry.photos_sent.push(hash);
      await put("outbox", entry);
    }
    await finish(entry);
  }

  // Someone saved this finding since the version this save was based on: nothing was
  // written. The save stays on the device, with the current version, until the
  // inspector has chosen between the two; it is never sent again as it is.
  async function refuseAsStale(entry, response) {
    let problem = {};
    try {
      problem = await response.json();
    } catch (error) {
      problem = {};
    }
    entry.status = "conflict";
    entry.reason = "";
    entry.conflict = {
      version: problem.current_version,
      answers: problem.current_answers || {},
      by: problem.current_by || "",
      at: problem.current_at || "",
      photos: problem.current_photos || {},
    };
    await put("outbox", entry);
  }

  async function flushOutcome(api, entry) {
    const { visit, action, at } = entry.payload;
    const body = JSON.stringify({ action, at });
    const response = await send(api, "POST", `visits/${visit}/outcome`, body, "application/json");
    if (response.status !== 200) return fail(entry, response);
    await finish(entry);
  }

  async function finish(entry) {
    entry.status = "sent";
    entry.reason = "";
    entry.sent_at = new Date().toISOString();
    await put("sent", entry);
    await remove("outbox", entry.client_id);
  }

  let flushing = null;

  // Send every pending entry in the order it was saved; stop at the first network
  // failure (the rest waits for the next attempt) and keep refused ones as failed.
  function flush(api) {
    if (flushing) return flushing;
    flushing = (async () => {
      let stopped = "";
      const entries = (await all("outbox")).sort((a, b) => a.created_at.localeCompare(b.created_at));
      for (const entry of entries) {
        if (entry.status === "failed" || entry.status === "conflict" || entry.status === "refused") continue;
        try {
          if (entry.kind === "finding") await flushFinding(api, entry);
          else await flushOutcome(api, entry);
        } catch (error) {
          if (!(error instanceof Stop)) throw error;
          stopped = error.message;
          break;
        }
      }
      return stopped;
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function retry(clientId) {
    const entry = await get("outbox", clientId);
    if (entry && entry.status === "failed") {
      entry.status = "pending";
      entry.reason = "";
      await put("outbox", entry);
    }
  }

  // After sending: ask the server for each checklist this device saved whether a
  // colleague saved it since; the device then holds their version (see adopt).
  async function refresh(api) {
    const pending = new Set((await all("outbox")).map((entry) => entry.key));
    const changed = [];
    for (const local of await all("findings")) {
      if (!local.last_client_id || pending.has(local.key) || local.version === null) continue;
      let response;
      try {
        response = await send(api, "GET", `findings/${local.last_client_id}`, undefined, "application/json");
      } catch (error) {
        if (error instanceof Stop) return changed;
        throw error;
      }
      if (response.status !== 200) continue;
      const finding = await response.json();
      if (finding.version > local.version) {
        changed.push(await adopt(local.key, {
          version: finding.version, answers: finding.answers, by: finding.recorded_by, at: finding.recorded_at,
        }));
      }
    }
    return changed;
  }

  root.IntegraStore = {
    open, get, all, put, remove, addPhoto, saveFinding, saveOutcome, knowVersion, flush, retry, uuid, sha256,
    waiting, adopt, refresh,
  };
})(typeof self !== "undefined" ? self : this);
