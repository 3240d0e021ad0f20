/* The contact form: suggest help-center articles while the customer writes. */
(function () {
  "use strict";

  function setup() {
    var box = document.querySelector("[data-article-suggestions]");
    if (!box) return;
    var form = box.closest("form") || document;
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-suggest-from]"));
    var timer = null, last = "";

    function refresh() {
      var text = fields.map(function (field) { return field.value; }).join(" ").trim();
      if (text === last || text.length < 3) return;
      last = text;
      var url = box.getAttribute("data-url") + "?q=" + encodeURIComponent(text.slice(0, 2000));
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () {});
    }

    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 500);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
