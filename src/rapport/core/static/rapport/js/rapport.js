/* Rapport agent UI: small progressive enhancements and keyboard shortcuts.
 * Loaded as a file (CSP: script-src 'self'); no inline handlers anywhere. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var narrow = window.matchMedia("(max-width: 720px)");

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  /* --- Navigation drawer on narrow screens --------------------------------------- */
  function setupNavToggle() {
    var button = document.querySelector("[data-nav-toggle]");
    if (!button) return;
    button.addEventListener("click", function () {
      document.body.classList.add("nav-animate");
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* --- Panels that start folded on a phone (filters, bulk actions) ------------------ */
  function foldOnNarrow(root) {
    if (!narrow.matches) return;
    root.querySelectorAll("details[data-fold-narrow]").forEach(function (panel) {
      panel.open = false;
    });
  }

  /* --- Selects that submit their form on change ------------------------------------ */
  function setupAutosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.requestSubmit();
      });
    });
  }

  /* --- Confirmation before destructive forms --------------------------------------- */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  /* --- Select all tickets on the page ---------------------------------------------- */
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-select-all]")) return;
    var form = box.closest("form");
    if (!form) return;
    form.querySelectorAll('input[type="checkbox"][name="ticket"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });

  /* --- Composer: reply or internal note ------------------------------------------ */
  function syncComposer(form) {
    var kind = form.querySelector('input[name="kind"]:checked');
    var note = kind && kind.value === "note";
    var body = form.querySelector("[data-composer-body]");
    var submit = form.querySelector("[data-composer-submit]");
    form.classList.toggle("is-note", !!note);
    if (body) body.placeholder = body.getAttribute(note ? "data-placeholder-note" : "data-placeholder-reply");
    if (submit) submit.textContent = submit.getAttribute(note ? "data-label-note" : "data-label-reply");
  }

  function setupComposer() {
    var form = document.querySelector("[data-composer]");
    if (!form) return;
    form.addEventListener("change", function () { syncComposer(form); });
    syncComposer(form);
  }

  function openComposer(kind) {
    var form = document.querySelector("[data-composer]");
    if (!form) return false;
    var radio = form.querySelector('input[name="kind"][value="' + kind + '"]');
    if (radio) radio.checked = true;
    syncComposer(form);
    var body = form.querySelector("[data-composer-body]");
    if (body) {
      body.scrollIntoView({ block: "center" });
      body.focus();
    }
    return true;
  }

  /* --- Moving through lists with j / k --------------------------------------------- */
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-row]"));
  }

  function move(step) {
    var all = rows();
    if (!all.length) return false;
    if (all[current]) all[current].classList.remove("is-current");
    current = Math.max(0, Math.min(all.length - 1, current + step));
    var row = all[current];
    row.classList.add("is-current");
    var link = row.querySelector(".row-link");
    if (link) link.focus();
    row.scrollIntoView({ block: "nearest" });
    return true;
  }

  function openCurrent() {
    var row = rows()[current];
    var link = row && row.querySelector(".row-link");
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  function toggleCurrent() {
    var row = rows()[current];
    var box = row && row.querySelector('input[type="checkbox"][name="ticket"]');
    if (!box) return false;
    box.checked = !box.checked;
    return true;
  }

  function showHelp() {
    var dialog = document.getElementById("shortcuts-help");
    if (!dialog || typeof dialog.showModal !== "function") return false;
    if (!dialog.open) dialog.showModal();
    return true;
  }

  function focusSearch() {
    var search = document.querySelector("[data-shortcut-search]");
    if (!search) return false;
    search.focus();
    search.select();
    return true;
  }

  function nextTicket() {
    var form = document.querySelector("[data-next-ticket]");
    if (!form) return false;
    form.requestSubmit();
    return true;
  }

  var shortcuts = {
    "j": function () { return move(1); },
    "k": function () { return move(-1); },
    "o": openCurrent,
    "Enter": function (event) { return isTyping(event.target) || event.target.closest("a, button") ? false : openCurrent(); },
    "x": toggleCurrent,
    "r": function () { return openComposer("reply"); },
    "n": function () { return openComposer("note"); },
    "N": nextTicket,
    "/": focusSearch,
    "?": showHelp
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.key === "Escape" && isTyping(event.target)) {
      event.target.blur();
      return;
    }
    if (isTyping(event.target)) return;
    var action = shortcuts[event.key];
    if (action && action(event)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-show-shortcuts]")) showHelp();
  });

  /* After HTMX swaps a list, j/k start again from its top. */
  document.addEventListener("htmx:afterSwap", function (event) {
    current = -1;
    var list = document.getElementById("inbox-list");
    if (list) foldOnNarrow(list);  // fold the new bulk panel, not the filters in use
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupNavToggle();
    foldOnNarrow(document);
    setupAutosubmit(document);
    setupComposer();
  });
})();
