/* The reply form: the placeholder buttons add "{{ name }}" at the caret of the text box
 * last edited (the first one until then). Loaded as a file (CSP). */
(function () {
  "use strict";

  function setup() {
    var form = document.getElementById("reply-form");
    if (!form) return;
    var last = form.querySelector("textarea[data-reply-text]");

    form.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches("textarea[data-reply-text]")) last = event.target;
    });

    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-insert-placeholder]");
      if (!button || !last) return;
      var text = "{{ " + button.getAttribute("data-insert-placeholder") + " }}";
      var start = last.selectionStart;
      var end = last.selectionEnd;
      last.focus();
      last.setSelectionRange(start, end);
      var done = false;
      try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
      if (!done) {
        last.setRangeText(text, start, end, "end");
        last.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
