// Knowledge base pages: "copy link" buttons (they are hidden without JavaScript).
(function () {
  "use strict";

  function copy(button) {
    var text = button.getAttribute("data-copy");
    if (!text || !navigator.clipboard) return;
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
  document.documentElement.classList.add("kb-js");
})();
