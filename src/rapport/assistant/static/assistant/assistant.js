/* The positive-language assistant under the reply box.
 *
 * While the agent types a reply (never a note), the draft is checked after a pause
 * (assistant:check). Phrases to rephrase are underlined on a layer behind the textarea
 * and listed below it with one-click replacements; an upset customer adds the LATTE
 * checklist. Nothing here may get in the way of typing or sending: requests run in the
 * background, a failed one just hides the panel. Loaded as a file (CSP). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var MIRRORED = [
    "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant", "lineHeight",
    "letterSpacing", "wordSpacing", "textTransform", "textIndent", "textAlign", "tabSize",
    "direction", "whiteSpace", "overflowWrap", "wordBreak", "boxSizing",
    "paddingTop", "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth",
    "borderBottomWidth", "borderLeftWidth", "borderTopLeftRadius", "borderTopRightRadius",
    "borderBottomLeftRadius", "borderBottomRightRadius"
  ];

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  /* The server counts offsets in code points; a textarea in UTF-16 units. */
  function toUtf16(text) {
    if (!/[\uD800-\uDBFF]/.test(text)) return function (i) { return i; };
    var map = [];
    var unit = 0;
    for (var ch of text) { map.push(unit); unit += ch.length; }
    map.push(unit);
    return function (i) { return map[Math.min(i, map.length - 1)]; };
  }

  /* --- The highlight layer -------------------------------------------------------- */
  function Highlight(textarea) {
    var wrap = document.createElement("div");
    wrap.className = "assistant-field";
    this.layer = document.createElement("div");
    this.layer.className = "assistant-highlight";
    this.layer.setAttribute("aria-hidden", "true");
    this.layer.setAttribute("data-assistant-highlight", "");
    this.background = window.getComputedStyle(textarea).backgroundColor;
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(this.layer);
    wrap.appendChild(textarea);
    textarea.classList.add("assistant-textarea");
    this.textarea = textarea;
    this.ranges = [];
    this.layout();
    var self = this;
    textarea.addEventListener("scroll", function () { self.scroll(); });
    if (window.ResizeObserver) new ResizeObserver(function () { self.layout(); }).observe(textarea);
    window.addEventListener("resize", function () { self.layout(); });
  }

  Highlight.prototype.layout = function () {
    var ta = this.textarea;
    var style = window.getComputedStyle(ta);
    var layer = this.layer;
    MIRRORED.forEach(function (name) { layer.style[name] = style[name]; });
    var borders = parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    var scrollbar = Math.max(0, ta.offsetWidth - ta.clientWidth - borders);
    layer.style.paddingRight = (parseFloat(style.paddingRight) + scrollbar) + "px";
    layer.style.width = ta.offsetWidth + "px";
    layer.style.height = ta.offsetHeight + "px";
    layer.style.backgroundColor = this.background;
    this.scroll();
  };

  Highlight.prototype.scroll = function () {
    this.layer.scrollTop = this.textarea.scrollTop;
    this.layer.scrollLeft = this.textarea.scrollLeft;
  };

  /* ranges: [{start, end}] in UTF-16 units of the textarea's current value. */
  Highlight.prototype.show = function (ranges) {
    var text = this.textarea.value;
    var layer = this.layer;
    var at = 0;
    this.ranges = ranges;
    layer.textContent = "";
    ranges.forEach(function (range) {
      if (range.start > at) layer.appendChild(document.createTextNode(text.slice(at, range.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(range.start, range.end);
      layer.appendChild(mark);
      at = range.end;
    });
    // A final newline needs a character after it, or the layer is one line short.
    layer.appendChild(document.createTextNode(text.slice(at) + "\u200b"));
    this.scroll();
  };

  /* --- The panel ------------------------------------------------------------------ */
  function Assistant(root) {
    this.root = root;
    this.form = root.closest("form");
    this.body = this.form.querySelector("[data-composer-body]");
    this.labels = {};
    for (var name in root.dataset) {
      if (name.indexOf("label") === 0) this.labels[name.slice(5).toLowerCase()] = root.dataset[name];
    }
    this.highlight = new Highlight(this.body);
    this.findings = [];   // with start/end in UTF-16 units of the text they were found in
    this.listKey = null;
    this.pending = null;
    this.timer = null;
    this.bind();
    if (this.isReply()) this.check();
  }

  Assistant.prototype.isReply = function () {
    var kind = this.form.querySelector('input[name="kind"]:checked');
    return !kind || kind.value === "reply";
  };

  Assistant.prototype.bind = function () {
    var self = this;
    this.body.addEventListener("input", function () {
      self.keepValidMarks();
      self.schedule();
    });
    this.form.addEventListener("change", function (event) {
      if (event.target.name === "kind") self.kindChanged();
    });
    this.root.addEventListener("click", function (event) {
      var use = event.target.closest("[data-assistant-use]");
      if (use) self.use(Number(use.getAttribute("data-finding")), use.getAttribute("data-alternative"));
      if (event.target.closest("[data-assistant-add-closing]")) self.addClosing();
    });
  };

  Assistant.prototype.kindChanged = function () {
    if (this.isReply()) {
      this.check();
      return;
    }
    this.cancel();
    this.hide();
  };

  Assistant.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    if (!this.isReply()) return;
    this.timer = window.setTimeout(function () { self.check(); }, DEBOUNCE_MS);
  };

  Assistant.prototype.cancel = function () {
    window.clearTimeout(this.timer);
    if (this.pending) this.pending.abort();
    this.pending = null;
  };

  Assistant.prototype.check = function () {
    var self = this;
    var text = this.body.value;
    var url = this.root.getAttribute("data-check-url");
    var options = { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } };
    this.cancel();
    this.pending = new AbortController();
    options.signal = this.pending.signal;
    if (text) {
      options.method = "POST";
      options.headers["X-CSRFToken"] = this.csrfToken();
      options.body = new URLSearchParams({ text: text });
    }
    fetch(url, options).then(function (response) {
      if (!response.ok) throw new Error("check failed: " + response.status);
      return response.json();
    }).then(function (result) {
      // The agent typed on meanwhile: the next check is already on its way.
      if (self.body.value !== text || !self.isReply()) return;
      self.show(result, text);
    }).catch(function (error) {
      if (error.name !== "AbortError") self.hide();
    });
  };

  Assistant.prototype.csrfToken = function () {
    var field = this.form.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  };

  Assistant.prototype.hide = function () {
    this.root.hidden = true;
    this.findings = [];
    this.listKey = null;
    this.highlight.show([]);
  };

  Assistant.prototype.show = function (result, text) {
    var units = toUtf16(text);
    this.findings = (result.findings || []).map(function (finding) {
      return {
        ruleId: finding.rule_id, start: units(finding.start), end: units(finding.end),
        phrase: finding.phrase, alternatives: finding.alternatives || [],
        explanation: finding.explanation || ""
      };
    });
    this.highlight.show(this.findings);
    this.renderList();
    this.renderLatte(result.latte);
    this.renderClosing(result.closing);
    this.root.hidden = false;
  };

  /* While a check is on its way, keep the marks whose words are still there. */
  Assistant.prototype.keepValidMarks = function () {
    var value = this.body.value;
    this.highlight.show(this.findings.filter(function (f) {
      return value.slice(f.start, f.end) === f.phrase;
    }));
  };

  Assistant.prototype.renderList = function () {
    var key = JSON.stringify(this.findings.map(function (f) { return [f.phrase, f.alternatives]; }));
    if (key === this.listKey) return;  // the live region speaks only when something changed
    this.listKey = key;
    var list = this.root.querySelector("[data-assistant-list]");
    var summary = this.root.querySelector("[data-assistant-summary]");
    var labels = this.labels;
    list.textContent = "";
    summary.textContent = this.findings.length
      ? format(labels.some, { count: this.findings.length }) : labels.none;
    this.findings.forEach(function (finding, index) {
      list.appendChild(findingItem(finding, index, labels));
    });
  };

  function findingItem(finding, index, labels) {
    var item = document.createElement("li");
    item.className = "assistant-finding";
    item.setAttribute("data-assistant-finding", "");
    var avoid = document.createElement("span");
    avoid.className = "assistant-avoid";
    avoid.textContent = "«" + finding.phrase + "»";
    item.appendChild(avoid);
    finding.alternatives.forEach(function (alternative) {
      var option = document.createElement("span");
      option.className = "assistant-option";
      var instead = document.createElement("span");
      instead.className = "assistant-instead";
      instead.textContent = "→ «" + alternative + "»";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = labels.use;
      button.setAttribute("aria-label", format(labels["uselong"], { alternative: alternative, phrase: finding.phrase }));
      button.setAttribute("data-assistant-use", "");
      button.setAttribute("data-finding", String(index));
      button.setAttribute("data-alternative", alternative);
      option.appendChild(instead);
      option.appendChild(button);
      item.appendChild(option);
    });
    if (finding.explanation) {
      var why = document.createElement("p");
      why.className = "assistant-explanation";
      why.textContent = finding.explanation;
      item.appendChild(why);
    }
    return item;
  }

  Assistant.prototype.renderLatte = function (latte) {
    var box = this.root.querySelector("[data-assistant-latte]");
    box.hidden = !latte;
    if (!latte) return;
    var labels = this.labels;
    box.querySelectorAll("[data-latte-step]").forEach(function (step) {
      var done = !!latte[step.getAttribute("data-latte-step")];
      step.classList.toggle("is-done", done);
      step.querySelector("[data-latte-mark]").textContent = done ? "✓" : "○";
      step.querySelector("[data-latte-state]").textContent = done ? labels.done : labels.missing;
    });
  };

  Assistant.prototype.renderClosing = function (closing) {
    var box = this.root.querySelector("[data-assistant-closing]");
    box.hidden = !closing;
    this.closing = closing || "";
    box.querySelector("[data-assistant-closing-text]").textContent = this.closing;
  };

  Assistant.prototype.announce = function (message) {
    this.root.querySelector("[data-assistant-announce]").textContent = message;
  };

  /* One click: that occurrence is replaced, the rest and the caret stay where they were. */
  Assistant.prototype.use = function (index, alternative) {
    var finding = this.findings[index];
    if (!finding || alternative === null) return;
    var value = this.body.value;
    var start = finding.start;
    if (value.slice(start, finding.end) !== finding.phrase) {
      start = value.indexOf(finding.phrase);
      if (start < 0) return;
    }
    this.body.setRangeText(alternative, start, start + finding.phrase.length, "preserve");
    this.body.focus();
    this.body.dispatchEvent(new Event("input", { bubbles: true }));
    this.announce(format(this.labels.replaced, { phrase: finding.phrase, alternative: alternative }));
    this.recordAcceptance(finding, alternative);
  };

  Assistant.prototype.recordAcceptance = function (finding, alternative) {
    fetch(this.root.getAttribute("data-accept-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": this.csrfToken(), "X-Requested-With": "fetch" },
      body: new URLSearchParams({
        rule: finding.ruleId || "", phrase: finding.phrase, alternative: alternative
      })
    }).catch(function () { /* counting is not worth bothering the agent */ });
  };

  Assistant.prototype.addClosing = function () {
    if (!this.closing) return;
    var text = this.body.value.replace(/\s+$/, "");
    this.body.value = (text ? text + "\n\n" : "") + this.closing;
    this.body.focus();
    this.body.setSelectionRange(this.body.value.length, this.body.value.length);
    this.body.dispatchEvent(new Event("input", { bubbles: true }));
    this.announce(this.labels["closingadded"]);
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-assistant]").forEach(function (root) {
      if (root.closest("form") && root.closest("form").querySelector("[data-composer-body]")) {
        new Assistant(root);
      }
    });
  });
})();
