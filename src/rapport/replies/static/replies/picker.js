/* Canned replies in a ticket's reply box.
 *
 * Typing "/" at the start of the text or after a space or newline opens a listbox under
 * the text; what follows the slash filters it (the server matches titles, shortcuts and
 * texts). Up/Down choose, Left/Right switch the language, Enter or a click inserts, Esc
 * closes and leaves the text as typed. The server renders the reply for this ticket and
 * it replaces "/query". Focus never leaves the text box, so the keyboard is enough; the
 * "Canned replies" button types the slash for you. Loaded as a file (CSP). */
(function () {
  "use strict";

  var MAX_QUERY = 40;
  var counter = 0;

  /* The "/query" the caret is at the end of, or null. */
  function slashQuery(body) {
    if (body.selectionStart !== body.selectionEnd) return null;
    var caret = body.selectionStart;
    var before = body.value.slice(0, caret);
    var slash = before.lastIndexOf("/");
    if (slash < 0) return null;
    if (slash > 0 && !/\s/.test(before.charAt(slash - 1))) return null;
    var query = before.slice(slash + 1);
    if (query.length > MAX_QUERY || /[\r\n]/.test(query) || /^\s/.test(query)) return null;
    return { start: slash, end: caret, query: query };
  }

  /* Replace [start, end) with text, caret after it; keeps the browser's undo history. */
  function replaceRange(body, start, end, text) {
    body.focus();
    body.setSelectionRange(start, end);
    var done = false;
    if (text) {
      try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    }
    if (!done) {
      body.setRangeText(text, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function setup(tool) {
    var form = tool.closest("form");
    var body = form && form.querySelector("[data-composer-body]");
    if (!body) return;
    tool.setAttribute("data-replies-ready", "");
    var popup = tool.querySelector("[data-replies-popup]");
    var list = tool.querySelector("[data-replies-list]");
    var empty = tool.querySelector("[data-replies-empty]");
    var status = tool.querySelector("[data-replies-status]");
    var button = tool.querySelector("[data-replies-open]");
    var prefix = "replies-option-" + (++counter) + "-";

    // The popup hangs under the text box it completes.
    body.insertAdjacentElement("afterend", popup);
    body.parentNode.classList.add("replies-anchor");

    var state = { open: false, token: null, items: [], active: -1, dismissed: -1,
                  typedByButton: null, silent: false };
    var cache = {};
    var timer = null;
    var pending = null;

    function say(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 30);
    }

    function show() {
      if (state.open) return;
      state.open = true;
      popup.hidden = false;
      body.setAttribute("aria-controls", list.id);
      button.setAttribute("aria-expanded", "true");
    }

    function close() {
      state.open = false;
      state.token = null;
      state.items = [];
      state.active = -1;
      window.clearTimeout(timer);
      if (pending) pending.abort();
      popup.hidden = true;
      list.textContent = "";
      body.removeAttribute("aria-activedescendant");
      body.removeAttribute("aria-controls");
      button.setAttribute("aria-expanded", "false");
    }

    function variantOf(reply) {
      for (var i = 0; i < reply.variants.length; i++) {
        if (reply.variants[i].language === reply.chosen) return reply.variants[i];
      }
      return reply.variants[0] || { language: "", name: "", snippet: "" };
    }

    function fill(option, reply) {
      var variant = variantOf(reply);
      option.textContent = "";
      var head = document.createElement("span");
      head.className = "replies-option-head";
      var title = document.createElement("span");
      title.className = "replies-option-title";
      title.textContent = reply.title;
      head.appendChild(title);
      if (reply.shortcut) {
        var shortcut = document.createElement("span");
        shortcut.className = "replies-shortcut";
        shortcut.textContent = "/" + reply.shortcut;
        head.appendChild(shortcut);
      }
      var languages = document.createElement("span");
      languages.className = "replies-languages-list";
      reply.variants.forEach(function (v) {
        var chip = document.createElement("span");
        chip.className = "replies-lang" + (v.language === variant.language ? " is-chosen" : "");
        chip.setAttribute("data-lang", v.language);
        chip.setAttribute("lang", v.language);
        chip.title = v.name;
        chip.textContent = v.language;
        if (v.language !== variant.language) chip.setAttribute("aria-hidden", "true");
        else chip.textContent = v.name;
        languages.appendChild(chip);
      });
      head.appendChild(languages);
      option.appendChild(head);
      var snippet = document.createElement("span");
      snippet.className = "replies-snippet";
      snippet.setAttribute("lang", variant.language);
      snippet.textContent = variant.snippet;
      option.appendChild(snippet);
    }

    function highlight() {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, index) {
        var on = index === state.active;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("is-active", on);
        if (on) option.scrollIntoView({ block: "nearest" });
      });
      if (state.active >= 0) body.setAttribute("aria-activedescendant", prefix + state.active);
      else body.removeAttribute("aria-activedescendant");
    }

    function showReplies(replies) {
      state.items = replies.map(function (r) { r.chosen = r.language; return r; });
      state.active = replies.length ? 0 : -1;
      list.textContent = "";
      state.items.forEach(function (reply, index) {
        var option = document.createElement("li");
        option.id = prefix + index;
        option.setAttribute("role", "option");
        option.className = "replies-option";
        option.setAttribute("data-index", String(index));
        fill(option, reply);
        list.appendChild(option);
      });
      empty.hidden = replies.length > 0;
      highlight();
    }

    function load(query) {
      window.clearTimeout(timer);
      if (cache.hasOwnProperty(query)) {
        showReplies(cache[query].map(function (r) { return Object.assign({}, r); }));
        return;
      }
      timer = window.setTimeout(function () {
        if (pending) pending.abort();
        pending = new AbortController();
        var url = tool.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", signal: pending.signal,
                     headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (data) {
            cache[query] = data.replies;
            if (state.open && state.token && state.token.query === query) {
              showReplies(data.replies.map(function (r) { return Object.assign({}, r); }));
            }
          })
          .catch(function (error) { if (error.name !== "AbortError") close(); });
      }, query ? 120 : 0);
    }

    /* Look at the text before the caret: open, filter or close. */
    function update() {
      var token = slashQuery(body);
      if (!token || token.start === state.dismissed) {
        if (state.open) close();
        if (!token) state.dismissed = -1;
        return;
      }
      var changed = !state.token || state.token.query !== token.query;
      state.token = token;
      show();
      if (changed || !state.items.length) load(token.query);
    }

    function move(step) {
      if (!state.items.length) return;
      var count = state.items.length;
      state.active = (state.active + step + count) % count;
      highlight();
    }

    function switchLanguage(step) {
      var reply = state.items[state.active];
      if (!reply || reply.variants.length < 2) return false;
      var codes = reply.variants.map(function (v) { return v.language; });
      var at = codes.indexOf(reply.chosen);
      reply.chosen = codes[(at + step + codes.length) % codes.length];
      fill(document.getElementById(prefix + state.active), reply);
      say(tool.getAttribute("data-label-language") + ": " + variantOf(reply).name);
      return true;
    }

    function choose(index) {
      var reply = state.items[index];
      var token = slashQuery(body) || state.token;
      if (!reply || !token) return;
      var typed = body.value.slice(token.start, token.end);
      close();
      state.typedByButton = null;
      var data = new FormData();
      data.append("reply", String(reply.id));
      data.append("language", reply.chosen || "");
      tool.classList.add("is-busy");
      body.setAttribute("aria-busy", "true");
      fetch(tool.getAttribute("data-insert-url"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (json) { return { ok: response.ok, json: json }; });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.json.message || "");
          put(result.json.text, token.start, typed);
          say(tool.getAttribute("data-label-inserted"));
        })
        .catch(function (error) {
          say(error.message || tool.getAttribute("data-label-failed"));
        })
        .then(function () {
          tool.classList.remove("is-busy");
          body.removeAttribute("aria-busy");
        });
    }

    /* The "/query" is replaced if it is still where it was; else the text goes at the caret. */
    function put(text, start, typed) {
      var end = start + typed.length;
      if (body.value.slice(start, end) !== typed) {
        start = body.selectionStart;
        end = body.selectionEnd;
      }
      state.silent = true;
      try { replaceRange(body, start, end, text); } finally { state.silent = false; }
    }

    function dismiss() {
      var token = state.token;
      var byButton = state.typedByButton;
      close();
      state.typedByButton = null;
      if (!token) return;
      if (byButton !== null && byButton.start === token.start && token.query === "") {
        // The button typed the slash: Esc takes it back.
        state.silent = true;
        try { replaceRange(body, byButton.from, token.end, ""); } finally { state.silent = false; }
        return;
      }
      state.dismissed = token.start;
    }

    body.addEventListener("input", function () {
      if (!state.silent) update();
    });

    body.addEventListener("keydown", function (event) {
      if (!state.open || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
      var handled = true;
      switch (event.key) {
        case "ArrowDown": move(1); break;
        case "ArrowUp": move(-1); break;
        case "ArrowRight": handled = switchLanguage(1); break;
        case "ArrowLeft": handled = switchLanguage(-1); break;
        case "Enter":
          if (state.active >= 0) choose(state.active);
          else { close(); handled = false; }
          break;
        case "Escape": dismiss(); break;
        default: handled = false;
      }
      if (handled) {
        // Also keeps rapport.js's shortcuts (Esc leaves the text box) out of it.
        event.preventDefault();
        event.stopPropagation();
      }
    });

    // The caret moved elsewhere (a click, Home, End…): the picker follows or closes.
    body.addEventListener("keyup", function (event) {
      if (state.open && /^(Arrow(Left|Right)|Home|End|PageUp|PageDown)$/.test(event.key)) update();
    });
    body.addEventListener("click", function () { if (state.open) update(); });
    body.addEventListener("blur", function () { if (state.open) close(); });

    // Clicks in the popup keep the focus in the text box.
    popup.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      var index = Number(option.getAttribute("data-index"));
      var chip = event.target.closest("[data-lang]");
      if (chip) state.items[index].chosen = chip.getAttribute("data-lang");
      state.active = index;
      choose(index);
    });

    // Pressing the button while the picker is open closes it, without a blur first.
    button.addEventListener("mousedown", function (event) {
      if (state.open) event.preventDefault();
    });
    button.addEventListener("click", function () {
      if (state.open) {
        dismiss();
        body.focus();
        return;
      }
      var focused = document.activeElement === body;
      body.focus();
      if (!focused) body.setSelectionRange(body.value.length, body.value.length);
      var at = body.selectionStart;
      var needsSpace = at > 0 && !/\s/.test(body.value.charAt(at - 1));
      var slash = needsSpace ? " /" : "/";
      state.silent = true;
      try { replaceRange(body, at, body.selectionEnd, slash); } finally { state.silent = false; }
      state.typedByButton = { from: at, start: at + slash.length - 1 };
      state.dismissed = -1;
      update();
    });
  }

  function setupAll(root) {
    root.querySelectorAll("[data-replies-tool]:not([data-replies-ready])").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  } else {
    setupAll(document);
  }
  // The reply box can come back in an HTMX swap (e.g. after a live refresh).
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) setupAll(event.target);
  });
})();
