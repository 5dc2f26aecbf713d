// A refused form (issue #18): bring its error summary into view and put the focus on the first field with an error,
// so the person sees and hears (role="alert") what to fix where they are looking. Without JavaScript the first
// field with an error has `autofocus`, which also scrolls the page to the form.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  var form = summary.closest("form");
  var field = form && form.querySelector("[aria-invalid='true'], [autofocus]");
  summary.scrollIntoView({ block: "start" });
  if (field) { field.focus({ preventScroll: true }); }
})();
