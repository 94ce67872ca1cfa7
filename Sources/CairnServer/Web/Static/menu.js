// On a phone the sections fold behind the Menu button; without this script they wrap onto several lines instead.
(function () {
  "use strict";
  function start() {
    var nav = document.getElementById("main-nav"), button = document.getElementById("menu-toggle");
    if (!nav || !button) { return; }
    button.hidden = false;
    nav.classList.add("folding", "folded");
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("folded") === false;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !nav.classList.contains("folded")) {
        nav.classList.add("folded");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
