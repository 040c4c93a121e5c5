// Every page: say so when the browser refuses cookies (signing in cannot
// work without them), and take keyboard and screen-reader focus to the
// list of problems when a form comes back with some.
(function () {
  "use strict";
  // navigator.cookieEnabled is false where cookies are switched off for
  // script, but Chromium's "Block all cookies" leaves it true: so also try
  // to keep a cookie for a moment.
  function cookiesWork() {
    if (!navigator.cookieEnabled) {
      return false;
    }
    try {
      document.cookie = "idp_cookie_check=1; path=/; SameSite=Lax";
      var kept = document.cookie.indexOf("idp_cookie_check=1") !== -1;
      document.cookie = "idp_cookie_check=; path=/; SameSite=Lax; Max-Age=0";
      return kept;
    } catch (e) {
      return false;
    }
  }
  if (!cookiesWork()) {
    document.querySelectorAll(".cookies-off").forEach(function (el) {
      el.hidden = false;
    });
  }
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
