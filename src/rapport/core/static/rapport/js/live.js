/* Rapport agent UI: live updates and collision detection over the agent websocket.
 *
 * - "ticket.changed" events (only for tickets this agent may see) are gathered for
 *   DEBOUNCE_MS, then the page's live parts fetch themselves again through HTMX: the
 *   inbox list (same filters, sort and page: its hx-get is the current query), the
 *   sidebar counts, and on a ticket page the timeline of that ticket (the composer is
 *   outside it, so a half-written reply stays). A part the agent is using (focus inside,
 *   tickets ticked for a bulk action) waits until it is free.
 * - On a ticket page the socket says "viewing" (again every HEARTBEAT_MS) and "typing";
 *   the server answers with who else is here, shown above the timeline.
 * - Chat: on a chat ticket the visitor's typing and read receipts are shown in the chat
 *   panel; a chat waiting too long, or transferred to this agent, raises an alert with a
 *   link (an aria-live region), and lists marked data-live-list refresh like the inbox.
 * - "agent.alert": a text written for this agent by the server, in their language (a chat
 *   offered to them, an ownership alarm, an SLA warning), shown the same way.
 * Loaded as a file (CSP: script-src 'self'); no third-party code besides HTMX. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 500;
  var BUSY_RETRY_MS = 2000;
  var HEARTBEAT_MS = 20000;  // the server expires a peer after 60 s without one
  var TYPING_IDLE_MS = 4000;

  var socket = null;
  var retryMs = 1000;
  var everConnected = false;
  var leaving = false;
  var typing = false;
  var typingTimer = null;
  var flushTimer = null;
  var stale = { lists: false, ticket: false };

  function ticketId() {
    var holder = document.querySelector("[data-presence]");
    return holder ? parseInt(holder.getAttribute("data-presence"), 10) : null;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  /* --- Refreshing the live parts of the page ---------------------------------------- */
  function busy(element) {
    var active = document.activeElement;
    if (active && active !== document.body && element.contains(active)) return true;
    return !!element.querySelector('input[type="checkbox"][name="ticket"]:checked');
  }

  function refresh(element) {
    if (!element) return true;
    if (busy(element)) return false;
    window.htmx.trigger(element, "rapport:refresh");
    return true;
  }

  function flush() {
    flushTimer = null;
    if (!window.htmx) return;
    var done = true;
    if (stale.lists) {
      var lists = [document.getElementById("inbox-list"), document.getElementById("sidebar")]
        .concat(Array.prototype.slice.call(document.querySelectorAll("[data-live-list]")));
      stale.lists = !lists.map(refresh).every(Boolean);
      done = !stale.lists;
    }
    if (stale.ticket) {
      var parts = [document.getElementById("timeline")]
        .concat(Array.prototype.slice.call(document.querySelectorAll("[data-live-ticket-part]")));
      stale.ticket = !parts.map(refresh).every(Boolean);
      done = done && !stale.ticket;
    }
    if (!done) schedule(BUSY_RETRY_MS);
  }

  function schedule(delay) {
    if (flushTimer === null) flushTimer = window.setTimeout(flush, delay);
  }

  function changed(ticket) {
    stale.lists = true;
    if (ticket && ticket.id === ticketId()) stale.ticket = true;
    schedule(DEBOUNCE_MS);
  }

  /* The side panel comes along with the timeline unless the agent is editing in it. */
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "timeline") return;
    var panel = document.getElementById("ticket-properties");
    if (panel && !busy(panel)) event.detail.parameters.properties = "1";
  });

  /* --- Presence ----------------------------------------------------------------------- */
  function fill(template, name, value) {
    return template.replace("%(" + name + ")s", value);
  }

  function showPresence(message) {
    var holder = document.querySelector("[data-presence]");
    if (!holder || message.ticket !== ticketId()) return;
    holder.textContent = "";
    var others = message.others || [];
    if (others.length) {
      var viewing = document.createElement("p");
      viewing.setAttribute("data-presence-viewing", "");
      viewing.textContent = fill(holder.getAttribute("data-label-viewing"), "names",
        others.map(function (person) { return person.name; }).join(", "));
      holder.appendChild(viewing);
    }
    others.forEach(function (person) {
      if (!person.typing) return;
      var line = document.createElement("p");
      line.setAttribute("data-presence-typing", "");
      line.textContent = fill(holder.getAttribute("data-label-typing"), "name", person.name);
      holder.appendChild(line);
    });
    holder.hidden = !others.length;
  }

  function announceViewing() {
    var ticket = ticketId();
    if (ticket === null) return;
    send({ type: "viewing", ticket: ticket });
    if (typing) send({ type: "typing", ticket: ticket, typing: true });
  }

  function setTyping(value) {
    var ticket = ticketId();
    if (ticket === null || value === typing) return;
    typing = value;
    send({ type: "typing", ticket: ticket, typing: value });
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-composer-body]")) return;
    setTyping(event.target.value.trim() !== "");
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { setTyping(false); }, TYPING_IDLE_MS);
  });

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("[data-composer]")) setTyping(false);
  });

  /* --- Chat: the visitor on the chat ticket being viewed, and alerts ------------------- */
  function chatPanel(ticket) {
    return ticket === ticketId() ? document.querySelector("[data-chat-panel]") : null;
  }

  function showVisitorTyping(message) {
    var panel = chatPanel(message.ticket);
    var line = panel && panel.querySelector("[data-chat-typing]");
    if (line) line.hidden = !message.typing;
  }

  function showVisitorRead(message) {
    var panel = chatPanel(message.ticket);
    var line = panel && panel.querySelector("[data-chat-read]");
    var latest = panel ? parseInt(panel.getAttribute("data-last-agent-seq"), 10) : 0;
    if (line && latest && message.seq >= latest) line.textContent = line.getAttribute("data-label-seen");
  }

  function alertAgent(text, ticket, url) {
    var region = document.getElementById("live-alerts");
    if (!region) return;
    var item = document.createElement("div");
    item.className = "live-alert";
    var link = document.createElement("a");
    link.href = url || "/tickets/" + ticket.id + "/";
    link.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link-button";
    close.textContent = region.getAttribute("data-label-dismiss");
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(link);
    item.appendChild(close);
    region.appendChild(item);
  }

  function chatAlert(message) {
    var region = document.getElementById("live-alerts");
    if (!region || !message.ticket) return;
    var text;
    if (message.type === "chat.waiting") {
      text = fill(fill(fill(region.getAttribute("data-label-waiting"), "number", message.ticket.id),
        "minutes", Math.max(1, Math.round((message.waited_seconds || 0) / 60))),
        "subject", message.ticket.subject || "");
    } else {
      text = fill(fill(fill(region.getAttribute("data-label-transferred"), "by", message.by || ""),
        "number", message.ticket.id), "note", message.note || "");
    }
    alertAgent(text, message.ticket);
    changed(message.ticket);
  }

  /* --- The socket ---------------------------------------------------------------------- */
  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (error) { return; }
    if (message.type === "ticket.changed") changed(message.ticket);
    else if (message.type === "presence") showPresence(message);
    else if (message.type === "chat.typing") showVisitorTyping(message);
    else if (message.type === "chat.read") showVisitorRead(message);
    else if (message.type === "chat.waiting" || message.type === "chat.transferred") chatAlert(message);
    else if (message.type === "agent.alert" && (message.ticket || message.url)) {
      alertAgent(message.text || "", message.ticket, message.url);
      if (message.ticket) changed(message.ticket);
    }
  }

  function connect() {
    var holder = document.querySelector("[data-live-events]");
    if (!holder || !window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + holder.getAttribute("data-live-events"));
    socket.addEventListener("open", function () {
      retryMs = 1000;
      document.documentElement.setAttribute("data-live", "connected");
      if (everConnected) {  // events may have been missed while away
        stale.ticket = ticketId() !== null;
        changed(null);
      }
      everConnected = true;
      announceViewing();
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      document.documentElement.setAttribute("data-live", "disconnected");
      showPresence({ ticket: ticketId(), others: [] });  // unknown until we are back
      if (leaving || event.code === 4401) return;
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  window.addEventListener("pagehide", function () {
    leaving = true;
    var ticket = ticketId();
    if (ticket !== null) send({ type: "leave", ticket: ticket });
    if (socket) socket.close();
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {  // back from the browser's page cache
      leaving = false;
      connect();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    connect();
    window.setInterval(function () {
      send({ type: "here" });  // availability for the chat widget, on every agent page
      announceViewing();
    }, HEARTBEAT_MS);
  });
})();
