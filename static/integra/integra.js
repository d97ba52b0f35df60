// Behaviour shared by every page. No inline scripts anywhere: the Content-Security-Policy
// only lets scripts from our own origin run.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.submit();
  }
});

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
