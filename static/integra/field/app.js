// The field pages' behaviour: service worker and offline preparation, the outbox panel,
// visit outcomes, the route map and the checklist form. The page's data comes from the
// JSON island #field-data; every text shown comes translated from there.
(function () {
  "use strict";
  const island = document.getElementById("field-data");
  if (!island) return;
  const data = JSON.parse(island.textContent);
  const t = data.strings;
  const Store = window.IntegraStore;
  const Conditions = window.IntegraConditions;
  const PAGES_CACHE = "integra-field-pages";

  function text(id, value) {
    const element = document.getElementById(id);
    if (element) element.textContent = value;
    return element;
  }

  // Connection and storage --------------------------------------------------------
  function showConnection() {
    const banner = document.getElementById("field-connection");
    if (!banner) return;
    banner.hidden = navigator.onLine;
    banner.textContent = navigator.onLine ? t.online : t.offline;
    document.body.classList.toggle("is-offline", !navigator.onLine);
  }

  async function checkStorage() {
    const warning = document.getElementById("field-storage");
    if (!navigator.storage || !warning) return;
    let persisted = false;
    try {
      persisted = navigator.storage.persist ? await navigator.storage.persist() : false;
    } catch (error) {
      persisted = false;
    }
    const messages = [];
    if (navigator.storage.estimate) {
      const { usage = 0, quota = 0 } = await navigator.storage.estimate();
      if (quota && (quota - usage < 50 * 1024 * 1024 || usage / quota > 0.8)) messages.push(t.storageShort);
    }
    if (!persisted && data.page === "day") document.body.dataset.storagePersisted = "no";
    warning.hidden = messages.length === 0;
    warning.textContent = messages.join(" ");
  }

  // Service worker and the day's pages ----------------------------------------------
  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return null;
    try {
      await navigator.serviceWorker.register(data.sw, { scope: data.scope });
      return await navigator.serviceWorker.ready;
    } catch (error) {
      return null;
    }
  }

  async function prepareDay() {
    const status = document.getElementById("field-ready");
    const registration = await registerWorker();
    if (!navigator.onLine || !window.caches) {
      if (status) status.dataset.state = "offline";
      return;
    }
    try {
      const cache = await caches.open(PAGES_CACHE);
      let bytes = 0;
      for (const url of data.precache) {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || response.redirected) throw new Error(url);
        bytes += (await response.clone().arrayBuffer()).byteLength;
        await cache.put(url, response);
      }
      // Each checklist once per version now: the per-visit copies of an earlier release
      // go (the worker opens the shared copy for their addresses).
      for (const request of await cache.keys()) {
        if (/\/visits\/[0-9a-f-]{36}\/checklists\/[0-9a-f-]{36}\/$/.test(new URL(request.url).pathname)) {
          await cache.delete(request);
        }
      }
      if (status) {
        status.dataset.state = registration ? "ready" : "pages-only";
        status.dataset.bytes = String(bytes);
        status.textContent = t.ready;
      }
    } catch (error) {
      if (status) {
        status.dataset.state = "failed";
        status.textContent = t.notReady;
      }
    }
  }

  // Outbox panel ---------------------------------------------------------------------
  function entryItem(entry, withRetry) {
    const item = document.createElement("li");
    item.className = `field-entry field-entry-${entry.status}`;
    item.dataset.clientId = entry.client_id;
    item.dataset.status = entry.status;
    const label = document.createElement("span");
    label.className = "field-entry-label";
    label.textContent = entry.label || entry.kind;
    const state = document.createElement("span");
    state.className = "badge";
    state.textContent = (entry.status === "conflict" ? t.conflictState : t[entry.status]) || entry.status;
    item.append(label, " ", state);
    const elsewhere = (entry.photos_elsewhere || []).length;
    const waiting = (entry.photos || []).length - (entry.photos_sent || []).length - elsewhere;
    if (entry.status !== "sent" && entry.status !== "merged" && waiting > 0) {
      item.append(` · ${waiting} ${t.photosPending}`);
    }
    if (elsewhere > 0) {
      const note = document.createElement("span");
      note.className = "field-entry-elsewhere";
      note.textContent = ` · ${elsewhere} ${t.photosElsewhere}`;
      item.append(note);
    }
    if (entry.reason) {
      const reason = document.createElement("p");
      reason.className = "field-entry-reason";
      reason.textContent = entry.reason;
      item.append(reason);
    }
    if (withRetry && entry.status === "conflict") {
      const reason = document.createElement("p");
      reason.className = "field-entry-reason";
      reason.textContent = `${t.savedBy} ${entry.conflict.by}`;
      const link = document.createElement("a");
      link.className = "field-button field-compare";
      link.href = entry.url || data.scope;
      link.textContent = t.compare;
      item.append(reason, link);
    }
    if (withRetry && entry.status === "failed") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "field-button";
      button.textContent = t.retry;
      button.addEventListener("click", async () => {
        await Store.retry(entry.client_id);
        sync();
      });
      item.append(button);
    }
    return item;
  }

  // Checklists a colleague saved since this device's last save, until opened here.
  async function renderChanged() {
    const list = document.getElementById("field-changed-list");
    if (!list) return;
    const changed = (await Store.all("findings")).filter((local) => local.changed);
    list.replaceChildren(...changed.map((local) => {
      const item = document.createElement("li");
      item.className = "field-entry field-entry-changed";
      item.dataset.key = local.key;
      const link = document.createElement("a");
      link.href = local.url || data.scope;
      link.textContent = local.label || local.key;
      item.append(link, ` · ${t.changedBy} ${local.changed.by} · v${local.changed.version}`);
      return item;
    }));
    list.hidden = changed.length === 0;
  }

  async function renderOutbox() {
    const entries = (await Store.all("outbox")).sort((a, b) => a.created_at.localeCompare(b.created_at));
    const list = document.getElementById("field-outbox-list");
    if (!list) return;
    list.replaceChildren(...entries.map((entry) => entryItem(entry, true)));
    text("field-outbox-count", String(entries.length));
    document.getElementById("field-outbox-empty").hidden = entries.length > 0;
    document.getElementById("field-outbox").dataset.pending = String(entries.filter((e) => e.status === "pending").length);
    const sent = (await Store.all("sent")).sort((a, b) => b.sent_at.localeCompare(a.sent_at)).slice(0, 30);
    document.getElementById("field-sent-list").replaceChildren(...sent.map((entry) => entryItem(entry, false)));
    await renderChanged();
    await markLocalStates();
  }

  // A save made while a sync runs must not wait for the next round: the running sync
  // goes round once more instead of a second one flushing the same outbox beside it.
  let syncing = false;
  let again = false;
  async function sync() {
    if (syncing) {
      again = true;
      return;
    }
    syncing = true;
    try {
      let stopped;
      do {
        again = false;
        stopped = await Store.flush(data.api);
        // A save made while the colleagues' versions are asked for goes round again too.
        if (!stopped && !again) await Store.refresh(data.api);
      } while (again && !stopped);
      if (stopped === "signin") text("field-connection", t.signIn).hidden = false;
    } finally {
      syncing = false;
      await renderOutbox();
    }
    const left = await Store.all("outbox");
    if (left.length === 0 && navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "synced" });
    }
  }

  // Visit page -----------------------------------------------------------------------
  // What a checklist's saves on this device have become: "pending" while one waits in
  // the outbox, "sent" once the server confirmed every one, or why not.
  async function checklistState(key) {
    const local = await Store.get("findings", key);
    if (!local || !local.saved_at) return null;
    const waiting = await Store.waiting(key);
    for (const status of ["conflict", "refused", "failed"]) {
      if (waiting.some((e) => e.status === status)) return status;
    }
    if (waiting.length) return "pending";
    return local.changed ? "changed" : "sent";
  }

  async function markLocalStates() {
    for (const badge of document.querySelectorAll(".field-local-state[data-key]")) {
      const local = await Store.get("findings", badge.dataset.key);
      const state = await checklistState(badge.dataset.key);
      if (!state) continue;
      const version = local.version ? " · v" + local.version : "";
      badge.textContent = {
        conflict: t.conflictState, refused: t.refused, failed: t.failed, pending: t.localDraft,
        changed: `${t.changedBy} ${local.changed && local.changed.by}${version}`, sent: `${t.sent}${version}`,
      }[state];
      badge.dataset.local = state;
      const link = badge.closest(".field-checklist-link");
      if (link) link.dataset.filled = link.dataset.filled || "device";
    }
    if (data.page === "visit") await markVisit();
    if (data.page === "checklist" && data.key) await markChecklist();
  }

  // The visit's own state: the outcome this device recorded (sent or not), and the main
  // button that follows it (the same rule as visit_phase on the server).
  async function markVisit() {
    const state = await Store.get("visits", data.visit);
    const status = (state && state.status) || data.status;
    const badge = document.getElementById("visit-status");
    if (state && badge) {
      badge.dataset.status = state.status;
      badge.textContent = t[state.status === "underway" ? "started" : state.status] || state.status;
    }
    const outcomes = (await Store.all("outbox")).filter((e) => e.kind === "outcome" && e.payload.visit === data.visit);
    const sync = document.getElementById("visit-sync");
    if (sync) {
      const refused = outcomes.find((e) => e.status === "refused" || e.status === "failed");
      sync.hidden = outcomes.length === 0 && !state;
      sync.dataset.local = refused ? refused.status : outcomes.length ? "pending" : "sent";
      sync.textContent = refused ? t[refused.status] : outcomes.length ? t.localDraft : t.sent;
    }
    showPhase(status);
  }

  function showPhase(status) {
    const form = document.getElementById("visit-outcomes");
    if (!form) return;
    const open = Array.from(document.querySelectorAll(".field-checklist-link")).filter((link) => !link.dataset.filled);
    let phase = "continue";
    if (["done", "no_access", "closed"].includes(status)) phase = "ended";
    else if (status === "planned") phase = "start";
    else if (!open.length) phase = "finish";
    form.dataset.phase = phase;
    for (const element of form.querySelectorAll("[data-phases]")) {
      element.hidden = !element.dataset.phases.split(" ").includes(phase);
    }
    document.getElementById("visit-finish")?.classList.toggle("primary", phase === "finish");
    const next = document.getElementById("visit-continue");
    if (next && open.length) {
      next.href = open[0].getAttribute("href");
      text("visit-continue-title", open[0].dataset.title);
    }
    const ended = document.getElementById("visit-ended");
    if (ended && phase === "ended") ended.textContent = status === "done" ? t.visitDone : t[status] || status;
  }

  // The checklist page says whether its last save is still on this device or was sent
  // (data-state stays "saved": the answers were valid and kept; data-sync follows them).
  async function markChecklist() {
    const status = document.getElementById("form-status");
    if (!status || status.dataset.state !== "saved") return;
    const state = await checklistState(data.key);
    if (!state || state === "changed" || state === "conflict") return;
    status.dataset.sync = state;
    status.textContent = {
      pending: navigator.onLine ? t.saved : t.savedWaiting,
      sent: t.sentToServer, failed: t.failed, refused: t.refused,
    }[state];
  }

  function setUpOutcomes() {
    const form = document.getElementById("visit-outcomes");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const action = event.submitter ? event.submitter.value : "start";
      const title = document.querySelector("h1").textContent.trim();
      await Store.saveOutcome({ visit: data.visit, action, label: `${title} · ${t[action === "start" ? "started" : action]}` });
      await renderOutbox();
      sync();
    });
  }

  // Map --------------------------------------------------------------------------------
  function drawMaps() {
    if (!window.L) return;
    for (const element of document.querySelectorAll(".field-map[data-day]")) {
      const markers = data.markers.filter((m) => m.day === element.dataset.day);
      if (!markers.length) continue;
      const background = data.background || {};
      // Tiles carry their attribution; the city's own layers need none.
      const map = L.map(element, { zoomControl: true, attributionControl: Boolean(background.tiles) });
      // Tiles (online) and the city's reference layers around the stops (inline, offline too).
      if (window.IntegraBackground) IntegraBackground.attach(map, background);
      const points = markers.map((m) => [m.lat, m.lon]);
      L.polyline(points, { color: "#0b5cad", weight: 3, opacity: 0.7 }).addTo(map);
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 17 });
      for (const marker of markers) {
        // The route number only: a number cannot carry markup into the icon.
        const label = Number.isInteger(marker.order) ? String(marker.order) : "•";
        const icon = L.divIcon({ className: "field-map-stop", html: label, iconSize: [30, 30] });
        const placed = L.marker([marker.lat, marker.lon], { icon, title: marker.name, keyboard: false }).addTo(map);
        placed.on("click", () => { window.location.href = marker.url; });
      }
    }
  }

  // Checklist form ---------------------------------------------------------------------
  const photoState = {};

  function readAnswer(question, form) {
    const inputs = form.querySelectorAll(`[name="${CSS.escape(question.name)}"]`);
    switch (question.type) {
      case "note":
        return { value: "" };
      case "yes_no":
      case "select_one": {
        const checked = Array.from(inputs).find((input) => input.checked);
        return { value: checked ? checked.value : "" };
      }
      case "select_multiple":
        return { value: Array.from(inputs).filter((input) => input.checked).map((input) => input.value) };
      case "photo":
        return { value: photoState[question.name] || [] };
      case "integer":
      case "count": {
        const raw = inputs[0].value.trim();
        if (raw === "") return { value: inputs[0].validity.badInput ? null : "", error: inputs[0].validity.badInput ? t.wholeNumber : "" };
        if (!/^-?\d+$/.test(raw)) return { value: null, error: t.wholeNumber };
        const number = parseInt(raw, 10);
        if (question.type === "count" && number < 0) return { value: null, error: t.notNegative };
        return { value: number };
      }
      case "decimal": {
        const raw = inputs[0].value.trim();
        if (raw === "") return { value: "", error: inputs[0].validity.badInput ? t.number : "" };
        const number = Number(raw);
        return Number.isFinite(number) ? { value: number } : { value: null, error: t.number };
      }
      default:
        return { value: inputs[0] ? inputs[0].value : "" };
    }
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  }

  // The same walk as clean_answers on the server: hidden questions are skipped and
  // count as unanswered for the conditions after them.
  function collect(form, showErrors) {
    const definition = data.definition;
    const groups = Object.fromEntries((definition.groups || []).map((g) => [g.name, g]));
    const seen = {};
    const errors = {};
    for (const question of definition.questions) {
      const wrap = document.getElementById(`wrap-${question.name}`);
      const shown = Conditions.isShown(question, groups, seen);
      if (wrap) wrap.hidden = !shown;
      if (!shown || question.type === "note") continue;
      const { value, error } = readAnswer(question, form);
      if (error) errors[question.name] = error;
      else if (isEmpty(value)) {
        if (question.required) errors[question.name] = t.required;
      } else seen[question.name] = value;
    }
    for (const question of definition.questions) {
      const slot = document.getElementById(`error-${question.name}`);
      if (!slot) continue;
      const message = showErrors ? errors[question.name] || "" : "";
      slot.textContent = message;
      slot.hidden = !message;
    }
    return { answers: seen, errors };
  }

  function fill(form, answers) {
    for (const question of data.definition.questions) {
      const value = answers[question.name];
      if (value === undefined) continue;
      const inputs = form.querySelectorAll(`[name="${CSS.escape(question.name)}"]`);
      if (question.type === "photo") {
        photoState[question.name] = Array.isArray(value) ? value.slice() : [];
        renderPhotos(question.name);
      } else if (["yes_no", "select_one", "select_multiple"].includes(question.type)) {
        const chosen = Array.isArray(value) ? value : [value];
        inputs.forEach((input) => { input.checked = chosen.includes(input.value); });
      } else if (inputs[0]) {
        inputs[0].value = value;
      }
    }
  }

  // Where each photo the answers name is, as the server last said (stored there, or
  // held by which inspector's device); filled once the checklist's visit is known.
  const photoPlaces = {};

  async function renderPhotos(name) {
    const list = document.querySelector(`[data-photos="${CSS.escape(name)}"]`);
    if (!list) return;
    const items = [];
    for (const hash of photoState[name] || []) {
      const item = document.createElement("li");
      item.dataset.sha256 = hash;
      const photo = await Store.get("photos", hash);
      const place = photoPlaces[hash] || {};
      if (photo) {
        item.dataset.place = "here";
        const image = document.createElement("img");
        image.src = URL.createObjectURL(photo.blob);
        image.alt = t.photo;
        item.append(image);
      } else {
        item.dataset.place = place.stored ? "server" : "elsewhere";
        const note = document.createElement("span");
        note.className = "field-photo-elsewhere";
        note.textContent = place.stored ? t.photoOnServer
          : place.held_by ? `${t.photoHeldBy} ${place.held_by}` : t.photoElsewhere;
        item.append(note);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "field-button";
      remove.textContent = t.removePhoto;
      remove.addEventListener("click", () => {
        photoState[name] = photoState[name].filter((h) => h !== hash);
        renderPhotos(name);
      });
      item.append(remove);
      items.push(item);
    }
    list.replaceChildren(...items);
  }

  function labelOf(label) {
    if (!label) return "";
    if (typeof label === "string") return label;
    return label[data.language] || label.nl || Object.values(label)[0] || "";
  }

  function shown(question, value) {
    if (isEmpty(value)) return "—";
    if (question.type === "photo") return `${value.length} ${t.photos}`;
    const choices = question.type === "yes_no"
      ? [{ name: "yes", label: t.yes }, { name: "no", label: t.no }] : question.choices || [];
    const name = (choice) => {
      const found = choices.find((c) => c.name === choice);
      return found ? labelOf(found.label) : String(choice);
    };
    return Array.isArray(value) ? value.map(name).join(", ") : name(value);
  }

  // What the form is based on: the server version its answers came from, and the
  // refused saves a merge settles.
  const basis = { version: undefined, resolves: [] };

  // Both versions side by side, question by question: the inspector takes one answer
  // of each question that differs (photos of both are kept), and the result is saved
  // on top of the colleague's version.
  function showMerge(form, refused) {
    const latest = refused[refused.length - 1];
    const mine = latest.payload.answers;
    const theirs = latest.conflict.answers;
    Object.assign(photoPlaces, latest.conflict.photos || {});
    const panel = document.getElementById("field-merge");
    text("field-merge-by", `${t.savedBy} ${latest.conflict.by} · ${new Date(latest.conflict.at).toLocaleString()}`);
    const rows = [];
    for (const question of data.definition.questions) {
      const name = question.name;
      if (question.type === "note" || (mine[name] === undefined && theirs[name] === undefined)) continue;
      const same = JSON.stringify(mine[name]) === JSON.stringify(theirs[name]);
      const row = document.createElement("tr");
      row.dataset.name = name;
      row.dataset.same = String(same);
      const cells = [labelOf(question.label), shown(question, mine[name]), shown(question, theirs[name])]
        .map((value, index) => {
          const cell = document.createElement(index === 0 ? "th" : "td");
          cell.textContent = value;
          return cell;
        });
      const choice = document.createElement("td");
      if (same) choice.textContent = t.same;
      else if (question.type === "photo") choice.textContent = t.bothKept;
      else {
        for (const side of ["mine", "theirs"]) {
          const label = document.createElement("label");
          label.className = "field-choice";
          const input = document.createElement("input");
          input.type = "radio";
          input.name = `merge-${name}`;
          input.value = side;
          input.checked = side === "theirs";
          label.append(input, " ", side === "mine" ? t.useMine : t.useTheirs);
          choice.append(label);
        }
      }
      row.append(...cells, choice);
      rows.push(row);
    }
    document.getElementById("field-merge-rows").replaceChildren(...rows);
    panel.hidden = false;
    document.getElementById("field-merge-save").onclick = () => {
      const merged = {};
      for (const question of data.definition.questions) {
        const name = question.name;
        let value = theirs[name];
        if (question.type === "photo") {
          value = Array.from(new Set([...(theirs[name] || []), ...(mine[name] || [])]));
        } else {
          const picked = panel.querySelector(`input[name="merge-${CSS.escape(name)}"]:checked`);
          if (picked && picked.value === "mine") value = mine[name];
        }
        if (!isEmpty(value)) merged[name] = value;
      }
      clearForm(form);
      fill(form, merged);
      basis.version = latest.conflict.version;
      basis.resolves = refused.map((entry) => entry.client_id);
      panel.hidden = true;
      form.requestSubmit();
    };
  }

  function clearForm(form) {
    for (const input of form.querySelectorAll("input, textarea")) {
      if (input.type === "radio" || input.type === "checkbox") input.checked = false;
      else if (input.type !== "file") input.value = "";
    }
    for (const question of data.definition.questions) {
      if (question.type === "photo") {
        photoState[question.name] = [];
        renderPhotos(question.name);
      }
    }
  }

  // What the form opens with. The device's own unsent saves come first; without them,
  // a version a colleague saved since this device's last save replaces the device's
  // copy (the device's save is part of the server's history), so that the next save
  // is based on it and never silently replaces it.
  async function openingAnswers() {
    const waiting = await Store.waiting(data.key);
    let local = await Store.get("findings", data.key);
    const known = data.known;
    if (waiting.length) return { answers: local && local.answers, waiting };
    if (known && (!local || !local.saved_at)) {
      await Store.knowVersion(data.key, known.version);
      return { answers: known.answers, waiting };
    }
    if (known && local && (local.version === null || known.version > local.version)) {
      local = await Store.adopt(data.key, {
        version: known.version, answers: known.answers, by: known.recorded_by, at: "",
      });
    }
    if (local && local.changed) {
      text("field-changed", `${t.changedBy} ${local.changed.by} · v${local.changed.version}`).hidden = false;
      local.changed = null;
      await Store.put("findings", local);
    }
    return { answers: local && local.saved_at ? local.answers : known && known.answers, waiting };
  }

  async function setUpChecklist() {
    const form = document.getElementById("checklist-form");
    if (!form) return;
    Object.assign(photoPlaces, data.known && data.known.photos);
    const { answers: newest, waiting } = await openingAnswers();
    if (newest) fill(form, newest);
    collect(form, false);
    const refused = waiting.filter((entry) => entry.status === "conflict");
    if (refused.length) showMerge(form, refused);
    form.addEventListener("input", () => collect(form, false));
    form.addEventListener("change", async (event) => {
      const input = event.target;
      if (input.type === "file" && input.files.length) {
        const name = input.name;
        const status = document.getElementById("form-status");
        for (const file of Array.from(input.files)) {
          const hash = await Store.addPhoto(file);
          photoState[name] = photoState[name] || [];
          if (!photoState[name].includes(hash)) photoState[name].push(hash);
        }
        input.value = "";
        await renderPhotos(name);
        status.dataset.photos = String(photoState[name].length);
      }
      collect(form, false);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = document.getElementById("form-status");
      const { answers, errors } = collect(form, true);
      if (Object.keys(errors).length) {
        status.textContent = t.fixErrors;
        status.dataset.state = "invalid";
        return;
      }
      const photos = data.definition.questions
        .filter((q) => q.type === "photo" && Array.isArray(answers[q.name]))
        .flatMap((q) => answers[q.name]);
      await Store.saveFinding({
        key: data.key, visit: data.visit, templateVersion: data.templateVersion,
        answers, photos, label: data.title, url: window.location.pathname + window.location.search,
        base: basis.version, resolves: basis.resolves,
      });
      basis.version = undefined;
      basis.resolves = [];
      document.getElementById("field-merge").hidden = true;
      status.textContent = t.saved;
      status.dataset.state = "saved";
      await renderOutbox();
      sync();
    });
  }

  // The checklist's visit ---------------------------------------------------------------
  // A checklist's page is one per version, shared by the day's visits and cached once;
  // the visit comes from ?visit= (or the older per-visit address). What belongs to that
  // visit (premises, the answers already on the server, the key the device stores the
  // answers under) is asked from the server when online, else read from the day page
  // this device cached.
  function visitCode() {
    const asked = new URLSearchParams(window.location.search).get("visit");
    if (asked) return asked;
    const path = window.location.pathname.match(/\/visits\/([0-9a-f-]{36})\/checklists\//);
    return path ? path[1] : "";
  }

  async function partFromServer(code) {
    try {
      const response = await fetch(data.visitPart.replace("00000000-0000-0000-0000-000000000000", code), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || !type.includes("json")) return null;
      const part = await response.json();
      return part.visit === code ? part : null;
    } catch (error) {
      return null;
    }
  }

  async function partFromDay(code) {
    if (!window.caches) return null;
    try {
      const cache = await caches.open(PAGES_CACHE);
      const page = await cache.match(data.scope, { ignoreVary: true });
      if (!page) return null;
      const html = new DOMParser().parseFromString(await page.text(), "text/html");
      const island = html.getElementById("field-data");
      const visit = island && (JSON.parse(island.textContent).visits || {})[code];
      if (!visit) return null;
      return {
        visit: code, visitUrl: visit.url, name: visit.name, label: visit.label,
        key: `${code}/${data.template}`, title: `${visit.label} · ${data.templateTitle}`,
        known: (visit.known || {})[data.template] || null,
      };
    } catch (error) {
      return null;
    }
  }

  async function loadVisitPart() {
    if (data.page !== "checklist" || data.visit) return;
    const code = visitCode();
    const part = code ? (await partFromServer(code)) || (await partFromDay(code)) : null;
    const form = document.getElementById("checklist-form");
    if (!part) {
      document.getElementById("field-no-visit").hidden = false;
      if (form) {
        form.hidden = true;
        form.dataset.visit = "unknown";
      }
      return;
    }
    Object.assign(data, part);
    const back = document.getElementById("field-back");
    if (back) back.href = part.visitUrl;
    text("field-visit-name", part.name);
    text("field-premises", part.label);
    document.title = `${part.title} · Integra`;
    if (form) form.dataset.visit = part.visit;
  }

  // Start ------------------------------------------------------------------------------
  function start() {
    showConnection();
    window.addEventListener("online", () => { showConnection(); sync(); });
    window.addEventListener("offline", showConnection);
    document.getElementById("field-sync")?.addEventListener("click", sync);
    renderOutbox().then(() => { if (navigator.onLine) sync(); });
    setInterval(() => { if (navigator.onLine) sync(); }, 30000);
    if (data.page === "day") {
      try {
        drawMaps();
      } catch (error) {
        // A map that cannot be drawn must not keep the day from being stored offline.
      }
      checkStorage();
      prepareDay();
    } else {
      registerWorker();
    }
    setUpOutcomes();
    if (data.page !== "checklist" || data.key) setUpChecklist();
  }

  loadVisitPart().then(start);
})();
