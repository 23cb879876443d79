// redthread analyst app: the only script, loaded from this site (the
// Content-Security-Policy allows no inline script).
"use strict";
// Tells tests (and styles) that the script is running.
document.documentElement.setAttribute("data-app", "ready");
document.addEventListener("click", function (ev) {
  // Photos are blurred until an analyst chooses to look; a second click
  // blurs again.
  var btn = ev.target.closest && ev.target.closest("button.photo");
  if (btn) {
    btn.classList.toggle("blurred");
    btn.setAttribute("aria-pressed", btn.classList.contains("blurred") ? "false" : "true");
  }
});
document.addEventListener("DOMContentLoaded", function () {
  // On a phone the facets start folded so the first results are in view;
  // without the script they stay open.
  var facets = document.getElementById("facets");
  if (facets && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    facets.removeAttribute("open");
  }
  // Changing sort or status applies at once.
  ["sort", "status"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el && el.form) {
      el.addEventListener("change", function () { el.form.submit(); });
    }
  });
});
