// Progressive enhancement for the print version: a Print button where scripts run. Without them
// the page asks for the browser's own print command instead.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) { return; }
  var hint = document.querySelector("[data-print-hint]");
  if (hint) { hint.hidden = true; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
