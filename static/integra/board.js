// The live board: keep polling from wiping a move the coordinator is choosing, and show
// the conflict or refusal fragments the server answers with 409/422.
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
  if ((status === 409 || status === 422) && event.detail.target.id === "board-columns") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
