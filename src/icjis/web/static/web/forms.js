/* Act forms: once sent, the button waits for the answer (the idempotency key in the form makes
   a second press harmless anyway). A static file, as the Content-Security-Policy allows. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("act")) return;
  var button = form.querySelector("button[type=submit]");
  if (button) {
    setTimeout(function () { button.disabled = true; }, 0);
  }
});
