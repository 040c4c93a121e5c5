// Every page: say so when the browser refuses cookies (signing in cannot
// work without them), and take keyboard and screen-reader focus to the
// list of problems when a form comes back with some.
(function () {
  "use strict";
  if (!navigator.cookieEnabled) {
    document.querySelectorAll(".cookies-off").forEach(function (el) {
      el.hidden = false;
    });
  }
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
