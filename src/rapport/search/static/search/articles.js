/* The ticket page's article panel: insert an article's link or text into the reply. */
(function () {
  "use strict";

  function insertAtCaret(area, text) {
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\n$/.test(before) ? "\n" : "";
    var piece = lead + text + (after && !/^\n/.test(after) ? "\n" : "");
    area.value = before + piece + after;
    var caret = before.length + piece.length;
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-article]");
    if (!button) return;
    var area = document.querySelector("[data-composer-body]");
    if (!area) return;
    button.disabled = true;
    fetch(button.getAttribute("data-insert-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (article) {
        var kind = button.getAttribute("data-insert-article");
        insertAtCaret(area, kind === "link" ? article.title + ": " + article.url : article.text);
      })
      .catch(function () {})
      .then(function () { button.disabled = false; });
  });
})();
