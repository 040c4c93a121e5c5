// response_mode=form_post: send the authorization response to the app.
document.addEventListener("DOMContentLoaded", function () {
  document.forms[0].submit();
});
