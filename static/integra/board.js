// The live board: keep polling from wiping a move the coordinator is choosing, and swap in
// the up-to-date board the server answers a stale move with (409). A refused move (422)
// is shown beside its form by the shared refusal handling in integra.js.
document.addEventListener("htmx:beforeRequest", (event) => {
  const source = event.detail.elt;
  if (source && source.id === "board-columns") {
    const active = document.activeElement;
    if (active && active.closest && active.closest("#board-columns form")) {
      event.preventDefault();
    }
  }
});
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 409 && event.detail.target.id === "board-columns") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
