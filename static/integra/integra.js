// Behaviour shared by every page. No inline scripts anywhere: the Content-Security-Policy
// only lets scripts from our own origin run.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.submit();
  }
});
