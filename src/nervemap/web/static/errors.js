// Move focus to the error summary after a failed submit, so screen readers announce it and the
// page starts at the problem (GOV.UK pattern). A link in it focuses its field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
