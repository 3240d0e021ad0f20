/* The top bar's quick results: shown while the search box has focus, arrow keys move
   through them, Escape closes, Enter on the box opens the full results page. */
(function () {
  "use strict";

  function setup() {
    var form = document.querySelector("[data-quick-search]");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var box = form.querySelector("[data-quick-results]");

    function links() { return Array.prototype.slice.call(box.querySelectorAll("a")); }
    function open(yes) {
      var show = yes && input.value.trim() !== "" && box.children.length > 0;
      box.classList.toggle("is-open", show);
      input.setAttribute("aria-expanded", show ? "true" : "false");
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target === box) open(document.activeElement === input);
    });
    input.addEventListener("focus", function () { open(true); });
    input.addEventListener("input", function () { if (!input.value.trim()) open(false); });
    form.addEventListener("focusout", function () {
      setTimeout(function () { if (!form.contains(document.activeElement)) open(false); }, 0);
    });
    form.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        open(false);
        input.focus();
      } else if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        open(true);
        all[Math.min(all.length - 1, at + 1)].focus();
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        if (at <= 0) input.focus(); else all[at - 1].focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
