// Behaviour shared by every page. No inline scripts anywhere: the Content-Security-Policy
// only lets scripts from our own origin run.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.submit();
  }
});

// Keyboard and screen-reader users keep their place (WCAG 2.4.3). htmx replaces whole
// panels (the planner's #plan-body): focus goes back to the element with the same id in
// the new panel (htmx does this itself when it can); when that element is folded away in
// a <details>, to that <details>' summary; else to the panel's heading. After a failed
// save, focus moves to the first error, which the field's aria-describedby reads out.
const IntegraFocus = (function () {
  "use strict";
  const ERRORS = '[aria-invalid="true"], .errorlist, .error[role="alert"], .message.error';
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  let kept = null;

  function visible(element) {
    return element.isConnected && element.getClientRects().length > 0;
  }

  function move(element) {
    if (!element) return false;
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus();
    return document.activeElement === element;
  }

  function firstError(root) {
    for (const found of root.querySelectorAll(ERRORS)) {
      if (!visible(found)) continue;
      // A field's error list stands before the field: the field itself takes focus.
      const field = found.id && found.id.endsWith("_error")
        ? document.getElementById(found.id.slice(0, -"_error".length)) : null;
      return field && visible(field) ? field : found;
    }
    return null;
  }

  // The summary of the outermost folded <details> around an element.
  function foldedSummary(element) {
    let summary = null;
    for (let details = element.closest("details"); details; details = details.parentElement.closest("details")) {
      if (!details.open) summary = details.querySelector(":scope > summary");
    }
    return summary;
  }

  function lost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const active = document.activeElement;
    kept = target && active && active !== document.body && target.contains(active)
      ? { id: active.id } : null;
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const root = event.target;
    if (!kept || !(root instanceof Element) || !root.isConnected) return;
    const place = kept;
    kept = null;
    const error = firstError(root);
    if (error) {
      move(error);
      return;
    }
    if (!lost()) return; // htmx put focus back on the element with the same id
    const same = place.id && document.getElementById(place.id);
    if (same && visible(same) && move(same)) return;
    if (same && move(foldedSummary(same))) return;
    move(root.querySelector("h1, h2, h3") || root);
  });

  // A page sent back with errors (a full-page form post): focus on the first one.
  function onLoad() {
    const error = firstError(document.getElementById("main") || document.body);
    if (error) move(error);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();

  return { move };
})();

// Refusals. htmx swaps no 4xx/5xx answer, so without this a refused click does nothing.
// The reason is shown beside the form (or element) that sent the request, as an alert,
// and that form is left as it was: what the user typed stays. The server marks its
// message with data-refusal (partners.http.refuse); other error pages are read for an
// alert or an error list, else the page's own wording for the status is used.
(function () {
  "use strict";
  const shown = new WeakMap();

  function texts() {
    const element = document.getElementById("refusal-texts");
    return element ? element.dataset : {};
  }

  function messageFrom(xhr) {
    const wording = texts();
    if (xhr.status >= 400 && xhr.status < 500 && xhr.responseText) {
      // A <template> parses fragments as htmx does (a lone <td> survives) and runs nothing.
      const answer = document.createElement("template");
      answer.innerHTML = xhr.responseText;
      const found = answer.content.querySelector("[data-refusal]")
        || answer.content.querySelector("[role=alert], .errorlist, .message.error");
      const text = found && found.textContent.replace(/\s+/g, " ").trim();
      if (text) return text;
    }
    if (xhr.status === 0) return wording.offline;
    if (xhr.status === 403) return wording.forbidden;
    if (xhr.status === 404) return wording.gone;
    if (xhr.status === 409) return wording.stale;
    if (xhr.status >= 500) return wording.broken;
    return wording.refused;
  }

  function anchorOf(source) {
    return source.closest("form") || source;
  }

  function clear(source) {
    const alert = shown.get(source);
    if (alert) alert.remove();
    shown.delete(source);
  }

  function region() {
    return document.getElementById("refusal-region");
  }

  function show(source, text) {
    clear(source);
    const alert = document.createElement("p");
    alert.className = "message error refusal";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    if (source.isConnected && source !== document.body) {
      anchorOf(source).insertAdjacentElement("afterend", alert);
    } else {
      region().replaceChildren(alert);
    }
    shown.set(source, alert);
    alert.scrollIntoView({ block: "nearest" });
    // The user who just pressed the button hears the reason and can act on it; a
    // background poll that failed leaves focus where it is.
    const active = document.activeElement;
    const acting = !active || active === document.body || anchorOf(source).contains(active);
    if (acting) IntegraFocus.move(alert);
  }

  document.addEventListener("htmx:responseError", (event) => {
    show(event.detail.elt, messageFrom(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", (event) => {
    show(event.detail.elt, texts().offline);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) clear(event.detail.elt);
  });
})();
