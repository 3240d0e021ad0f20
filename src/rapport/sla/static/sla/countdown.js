/* SLA badges count down without a reload: every 20 s each badge with data-sla-due
 * gets its text, colour state and screen-reader prefix again, from the translated
 * templates the server put on [data-sla-labels]. The server's rendering stays the
 * truth: a list refresh replaces the badges, and this only keeps them current in
 * between. Loaded as a file (CSP: script-src 'self'); HTMX does not run it again when
 * it swaps in a fragment that mentions it, and a second load does nothing. */
(function () {
  "use strict";
  if (window.rapportSlaCountdown) return;
  window.rapportSlaCountdown = true;

  var EVERY_MS = 20000;
  var STATES = ["ok", "warning", "breached"];

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[ds]/g, function (_all, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function span(labels, seconds) {
    var minutes = Math.max(1, Math.ceil(seconds / 60));
    if (minutes < 60) return fill(labels.minutes, { minutes: minutes });
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 24) {
      return minutes ? fill(labels.hoursMinutes, { hours: hours, minutes: minutes })
        : fill(labels.hours, { hours: hours });
    }
    var days = Math.floor(hours / 24);
    hours = hours % 24;
    return hours ? fill(labels.daysHours, { days: days, hours: hours })
      : fill(labels.days, { days: days });
  }

  function update(badge, labels, now) {
    var due = Date.parse(badge.getAttribute("data-sla-due"));
    var warn = Date.parse(badge.getAttribute("data-sla-warn") || "");
    var target = badge.getAttribute("data-sla-target");
    if (isNaN(due) || !labels[target]) return;
    var left = (due - now) / 1000;
    var state = left <= 0 ? "breached" : (!isNaN(warn) && warn <= now ? "warning" : "ok");
    var sentence = labels[target][left <= 0 ? 1 : 0];
    var text = fill(sentence, { time: span(labels, Math.abs(left)) });
    var said = badge.querySelector(".visually-hidden");
    STATES.forEach(function (name) { badge.classList.toggle("sla-" + name, name === state); });
    if (said) said.textContent = labels.prefix[state] + " ";
    badge.lastChild.textContent = text;
  }

  function readLabels() {
    var holder = document.querySelector("[data-sla-labels]");
    if (!holder) return null;
    var get = function (name) { return holder.getAttribute("data-" + name) || ""; };
    return {
      minutes: get("minutes"), hours: get("hours"), hoursMinutes: get("hours-minutes"),
      days: get("days"), daysHours: get("days-hours"),
      first_response: [get("first-ahead"), get("first-overdue")],
      next_response: [get("next-ahead"), get("next-overdue")],
      resolution: [get("resolution-ahead"), get("resolution-overdue")],
      prefix: { ok: get("prefix-ok"), warning: get("prefix-warning"),
                breached: get("prefix-breached") },
    };
  }

  function tick() {
    var labels = readLabels();
    if (!labels) return;
    var now = Date.now();
    document.querySelectorAll(".sla-badge[data-sla-due]").forEach(function (badge) {
      update(badge, labels, now);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.setInterval(tick, EVERY_MS);
  });
})();
