/*
 * Rapport chat widget: the visitor side of docs/chat-protocol.md.
 *
 * One script for customers' websites: plain ES2020, no dependencies, no build step, and
 * one file on purpose (one request, nothing to bundle), in sections of small functions.
 * It lives in a Shadow DOM root so the page's CSS cannot restyle it and its CSS cannot
 * leak out. Styles are a constructed stylesheet because a strict Content-Security-Policy
 * (style-src without 'unsafe-inline') blocks <style> elements but not adoptedStyleSheets.
 * Text from the network is only ever inserted as text; the agent's pre-sanitised `html`
 * is deliberately unused (links in the plain text are made clickable instead), so no
 * markup from the network is ever parsed here.
 */
(() => {
  "use strict";

  const script = document.currentScript || document.querySelector("script[data-site]");
  const SITE = script && script.dataset.site;
  window.RapportChat = window.RapportChat || {};
  if (!SITE || window.RapportChat[SITE]) return; // no site key, or the script is on twice
  window.RapportChat[SITE] = true;

  const BACKOFF_MS = [1000, 2000, 5000, 10000];
  const MAX_TEXT = 4000;
  const MAX_FRAME_BYTES = 8192;
  const TYPING_EVERY_MS = 2000;
  const TYPING_IDLE_MS = 4000;
  const SUGGEST_AFTER_MS = 500;
  const AGENT_TYPING_MS = 8000; // hides a stale "typing…" whose stop frame was lost
  const CLOSE_FORBIDDEN = 4403;
  const CLOSE_IDLE = 4408;
  const KEY = `rapport-chat:${SITE}`;
  const K = {
    token: KEY, visits: `${KEY}:visits`, active: `${KEY}:active`, done: `${KEY}:done`,
    pages: `${KEY}:pages`, invited: `${KEY}:invited`, invitation: `${KEY}:invitation`,
    open: `${KEY}:open`, pending: `${KEY}:pending`,
  };

  // English fallbacks only: the server sends every text translated (config.texts).
  const EN = {
    open: "Chat with us", unread: "%(n)s new", close: "Close the chat", title: "Chat",
    name: "Your name", email: "Your email", question: "How can we help?", required: "Required",
    start: "Start the chat", send: "Send", placeholder: "Write a message…", message: "Message",
    log: "Conversation", you: "You", agent: "Agent", waiting: "Waiting for an agent",
    expected_wait: "Expected wait: %(wait)s", connected: "%(name)s joined the chat",
    transferred: "Transferring you to %(name)s…", typing: "%(name)s is typing…", read: "Read",
    sending: "Sending…", not_sent: "Not sent", reconnecting: "Reconnecting…",
    end: "End the chat", ended: "The chat has ended.", rate: "How was this chat?",
    star: "%(n)s of 5", comment: "Anything to add? (optional)", rate_send: "Send rating",
    thanks: "Thank you!", transcript: "Email me the transcript",
    transcript_sent: "The transcript is on its way to %(email)s.",
    new_chat: "Start a new chat", attach: "Attach a file", uploading: "Uploading %(name)s…",
    file_too_large: "The file is too large.", offline_title: "Leave us a message",
    offline_intro: "Nobody is available right now. We will answer by email.",
    next_open: "Back online: %(when)s", offline_send: "Send message",
    offline_sent: "Thank you! We will answer by email.", expected_reply: "Expected reply: %(when)s",
    articles: "These articles may help:",
    reference: "Your reference: #%(ticket)s", rate_limited: "Please wait a moment before sending more.",
    too_long: "This message is too long.", error: "Something went wrong. Please try again.",
    unavailable: "The chat is not available right now.", invitation_accept: "Chat now",
    invitation_dismiss: "No, thanks",
  };

  const CSS = `
.rp{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;
 --rp-accent:#0f766e;--rp-on:#fff}
:where(.rp *){box-sizing:border-box;font:inherit}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
button{cursor:pointer}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.launcher,.panel,.invite{position:fixed;z-index:2147483000;right:20px}
.left .launcher,.left .panel,.left .invite{right:auto;left:20px}
.launcher{bottom:20px;width:56px;height:56px;border-radius:50%;border:0;display:grid;
 place-items:center;background:var(--rp-accent);color:var(--rp-on);
 box-shadow:0 4px 14px rgba(0,0,0,.3)}
.launcher svg{width:28px;height:28px;fill:currentColor}
.attach svg{width:18px;height:18px;fill:none;stroke:currentColor;stroke-width:2;display:block}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;padding:1px 6px;border-radius:11px;
 background:#b91c1c;color:#fff;font-size:12px;font-weight:700}
.panel{bottom:88px;width:min(380px,calc(100vw - 24px));height:min(580px,calc(100vh - 108px));
 display:flex;flex-direction:column;background:#fff;border-radius:12px;overflow:hidden;
 box-shadow:0 12px 40px rgba(0,0,0,.28)}
header{display:flex;gap:8px;align-items:flex-start;padding:12px 14px;
 background:var(--rp-accent);color:var(--rp-on)}
header div{flex:1;min-width:0}
h2,h3{margin:0;font-size:16px;font-weight:700}
header p{margin:2px 0 0;font-size:13px}
.hbtn{background:transparent;color:inherit;border:1px solid currentColor;border-radius:6px;
 padding:2px 8px;font-size:13px}
.close{font-size:18px;line-height:1;padding:2px 9px}
.body{flex:1;min-height:0;display:flex;flex-direction:column;overflow-y:auto}
.view{display:flex;flex-direction:column;min-height:100%}
.stack{display:flex;flex-direction:column;gap:10px;padding:14px}
.stack p{margin:0}
label{display:flex;flex-direction:column;gap:4px;font-size:14px}
.hint{font-size:12px;color:#52606d}
.articles ul{margin:4px 0 0;padding-left:18px;font-size:14px}
input,textarea{width:100%;padding:8px;border:1px solid #7b8794;border-radius:6px;
 background:#fff;color:#1f2933;font-size:16px}
.primary{align-self:flex-start;padding:9px 14px;border:0;border-radius:6px;font-weight:700;
 background:var(--rp-accent);color:var(--rp-on)}
.primary:disabled{opacity:.6;cursor:default}
.link{align-self:flex-start;border:0;background:none;padding:0;color:#1d4ed8;
 text-decoration:underline}
.status,.notice,.typing{margin:0;padding:6px 12px;font-size:13px;color:#52606d}
.status:empty{display:none}
.notice{color:#9b1c1c}
.log{flex:1;min-height:0;overflow-y:auto;display:flex;flex-direction:column;gap:8px;padding:12px}
.msg{max-width:85%;align-self:flex-start;padding:8px 11px;border-radius:12px;background:#eef2f5;
 overflow-wrap:anywhere}
.msg p{margin:0;white-space:pre-wrap}
.msg.visitor{align-self:flex-end;background:var(--rp-accent);color:var(--rp-on)}
.msg.visitor a{color:inherit}
.msg.system{align-self:center;background:none;color:#52606d;font-size:13px}
.msg.pending{opacity:.75}
.who{display:block;font-size:12px;font-weight:700}
.meta{display:block;font-size:11px;text-align:right}
.meta:empty{display:none}
.file{display:block}
.composer{display:flex;gap:6px;align-items:flex-end;padding:10px;border-top:1px solid #e4e7eb}
.composer textarea{resize:none;min-height:40px;max-height:120px}
.composer .primary{align-self:auto}
.attach{border:1px solid #7b8794;background:#fff;border-radius:6px;padding:8px 10px}
fieldset{border:0;margin:0;padding:0;display:flex;gap:4px;flex-wrap:wrap}
legend{padding:0;margin-bottom:4px}
.star{flex-direction:row;font-size:28px;line-height:1;color:#7b8794}
.star input{position:absolute;opacity:0;width:1px;height:1px}
.star.on{color:#d97706}
.star:focus-within{outline:3px solid #2563eb;outline-offset:1px}
.invite{bottom:88px;max-width:300px;padding:12px 14px;border-radius:12px;background:#fff;
 box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;gap:8px}
.invite p{margin:0}
.invite div{display:flex;gap:10px;align-items:center}
.invite .link{align-self:center}
@media (max-width:480px){.rp .panel{inset:0;width:auto;height:auto;border-radius:0}}`;

  // --- small helpers ---

  // Storage throws when disabled (Safari private mode, sandboxed frames, blocked cookies):
  // the chat still works, it only forgets the conversation on reload.
  function storage(area) {
    return {
      get(key) {
        try { return window[area].getItem(key); } catch { return null; }
      },
      set(key, value) {
        try {
          if (value == null) window[area].removeItem(key);
          else window[area].setItem(key, String(value));
        } catch { /* not stored: see above */ }
      },
    };
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  // Builds an element; strings become Text nodes, never markup.
  function h(tag, props = {}, ...kids) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...kids.flat().filter((kid) => kid != null && kid !== false));
    return node;
  }

  function t(key, vars = {}) {
    const texts = (state.config && state.config.texts) || {};
    const text = texts[key] || EN[key] || "";
    return text.replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ""));
  }

  function baseUrl(src) {
    // The script is served from <base>/chat/… or <base>/static/chat/…
    const url = new URL(src, location.href);
    const match = url.pathname.match(/^(.*?)\/(?:static\/)?chat\/[^/]*$/);
    return url.origin + (match ? match[1] : "");
  }

  function pageLanguage() {
    const raw = script.dataset.language || document.documentElement.lang || navigator.language;
    const lang = (raw || "en").toLowerCase();
    return lang.startsWith("zh") ? "zh-hans" : lang.split("-")[0];
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID exists only in secure contexts; getRandomValues everywhere.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function frameBytes(frame) {
    return new TextEncoder().encode(JSON.stringify(frame)).length;
  }

  const BASE = baseUrl(script.src);
  const LANG = pageLanguage();
  const SITE_URL = `${BASE}/chat/sites/${encodeURIComponent(SITE)}`;
  const ui = {};
  const views = {};
  const state = {
    config: null, view: "", open: false, forbidden: false,
    ws: null, welcomed: false, attempt: 0, retryTimer: 0, resendTimer: 0, wantSocket: false,
    token: local.get(K.token), conversation: null, agentName: "", prechat: null,
    startSent: false, invitation: null, lastSeq: 0, readSent: 0, agentReadSeq: 0,
    bySeq: new Map(), pending: new Map(), outbox: [], readNode: null, unread: 0,
    typingSentAt: 0, typingTimer: 0, agentTypingTimer: 0, offlineAnswer: null, uploading: false,
  };

  // --- start ---

  async function boot() {
    countVisit();
    try {
      state.config = await loadConfig();
    } catch (error) {
      console.warn("Rapport chat is unavailable:", error); // no launcher beats a broken one
      return;
    }
    await domReady();
    buildUi();
    restorePending();
    if (local.get(K.active) || state.pending.size) connect(); // resume an open chat
    if (session.get(K.open)) setOpen(true, false);
    scheduleInvitations();
    document.addEventListener("visibilitychange", sendRead);
    window.addEventListener("online", reconnectNow);
  }

  async function loadConfig() {
    const url = `${SITE_URL}/config?lang=${encodeURIComponent(LANG)}`;
    const response = await fetch(url, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error(`config answered ${response.status}`);
    return response.json();
  }

  function domReady() {
    if (document.readyState !== "loading") return Promise.resolve();
    return new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve));
  }

  function countVisit() {
    const pages = Number(session.get(K.pages) || 0) + 1;
    session.set(K.pages, pages);
    if (pages === 1) local.set(K.visits, Number(local.get(K.visits) || 0) + 1);
  }

  // --- the frame around everything ---

  function buildUi() {
    const host = document.createElement("rapport-chat");
    // An inline !important declaration beats any page rule aimed at the host element;
    // writing styles through the CSSOM is allowed by CSP, unlike a style attribute.
    host.style.setProperty("all", "initial", "important");
    const root = host.attachShadow({ mode: "open" });
    ui.root = root;
    adoptStyles(root);
    const left = state.config.position === "left";
    ui.wrap = h("div", { class: `rp ${left ? "left" : "right"}` });
    applyColour(ui.wrap, state.config.color);
    ui.launcher = buildLauncher();
    ui.panel = buildPanel();
    ui.wrap.append(ui.launcher, ui.panel);
    root.append(ui.wrap);
    document.body.append(host);
    views.chat = chatView();
    ui.body.append(views.chat);
    views.chat.hidden = true;
  }

  function adoptStyles(root) {
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(h("style", { text: CSS })); // older browsers; blocked by a strict CSP
    }
  }

  function applyColour(node, colour) {
    if (!/^#(?:[0-9a-f]{3}){1,2}$/i.test(colour || "")) return;
    node.style.setProperty("--rp-accent", colour);
    node.style.setProperty("--rp-on", isLight(colour) ? "#111827" : "#ffffff");
  }

  // Text on the site's colour stays readable: dark text on light colours.
  function isLight(colour) {
    const hex = colour.length === 4 ? [...colour.slice(1)].map((c) => c + c).join("") : colour.slice(1);
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4;
  }

  function icon(d) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", d);
    svg.append(path);
    return svg;
  }

  function buildLauncher() {
    const svg = icon("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    ui.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    return h("button", {
      type: "button", class: "launcher", "aria-label": t("open"), "aria-expanded": "false",
      "aria-controls": "rp-panel", onclick: () => setOpen(!state.open),
    }, svg, ui.badge);
  }

  function buildPanel() {
    const name = state.config.name || t("title");
    ui.endButton = h("button", { type: "button", class: "hbtn", hidden: true, text: t("end"),
      onclick: endChat });
    ui.body = h("div", { class: "body" });
    return h("div", {
      id: "rp-panel", class: "panel", role: "dialog", "aria-label": name, hidden: true,
      onkeydown: (event) => event.key === "Escape" && setOpen(false),
    },
    h("header", {}, h("div", {}, h("h2", { text: name }),
      state.config.greeting ? h("p", { text: state.config.greeting }) : null),
    ui.endButton,
    h("button", { type: "button", class: "hbtn close", "aria-label": t("close"), text: "×",
      onclick: () => setOpen(false) })),
    ui.body);
  }

  function setOpen(open, moveFocus = true) {
    state.open = open;
    session.set(K.open, open ? "1" : null); // stays open while the visitor browses the shop
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (!open) {
      if (moveFocus) ui.launcher.focus();
      return;
    }
    hideInvitation();
    state.unread = 0;
    renderBadge();
    routeView();
    if (local.get(K.active) || state.pending.size) connect();
    if (moveFocus) focusView();
    scrollDown();
    sendRead();
  }

  function renderBadge() {
    ui.badge.hidden = !state.unread;
    ui.badge.textContent = state.unread ? String(state.unread) : "";
    const unread = state.unread ? ` (${t("unread", { n: state.unread })})` : "";
    ui.launcher.setAttribute("aria-label", t("open") + unread);
  }

  // --- views ---

  const builders = { prechat: prechatView, offline: offlineView, sent: sentView,
    ended: endedView, unavailable: unavailableView };

  function show(name) {
    const changed = state.view !== name;
    // Focus follows a view change only when the visitor was working in the panel: a
    // message from the server must not pull the focus away from the page.
    const focusInside = ui.panel.contains(ui.root.activeElement);
    state.view = name;
    if (!views[name]) ui.body.append(views[name] = builders[name]());
    for (const [key, node] of Object.entries(views)) node.hidden = key !== name;
    ui.endButton.hidden = !(name === "chat" && conversationOpen());
    if (changed && state.open && focusInside) focusView();
  }

  function focusView() {
    const view = views[state.view];
    const target = view && (view.querySelector("[data-focus]")
      || view.querySelector("input:not([type=radio]), textarea, button"));
    if (target) target.focus();
  }

  // Which view fits what is known now; called on open and whenever the chat changes.
  function routeView() {
    const status = state.conversation && state.conversation.status;
    if (state.forbidden) return show("unavailable");
    if (status === "ended") return show("ended");
    if (status || state.pending.size || state.prechat || local.get(K.active)) return show("chat");
    if (state.view === "sent") return undefined;
    if (!state.config.online) return show("offline");
    if (prechatFields().length) return show("prechat");
    state.prechat = prefill(); // nothing to ask: the first message starts the chat
    return show("chat");
  }

  function prechatFields() {
    const modes = state.config.prechat || {};
    return ["name", "email", "question"].filter((f) => (modes[f] || "optional") !== "hidden");
  }

  function prefill() {
    return { name: script.dataset.userName || "", email: script.dataset.userEmail || "" };
  }

  function field(name, required, kind = "input") {
    const attrs = { name, required, maxlength: kind === "textarea" ? MAX_TEXT : 200 };
    if (name === "email") Object.assign(attrs, { type: "email", autocomplete: "email" });
    if (name === "name") Object.assign(attrs, { autocomplete: "name" });
    if (kind === "textarea") attrs.rows = 3;
    const control = h(kind, attrs);
    control.value = prefill()[name] || "";
    const label = h("label", {}, h("span", { text: t(name) },
      required ? h("span", { class: "hint", text: ` · ${t("required")}` }) : null), control);
    return kind === "textarea" ? [label, articles(control)] : label;
  }

  function articles(control) {
    const list = h("ul");
    const box = h("div", { class: "articles hint", hidden: true, "aria-live": "polite" },
      h("p", { text: t("articles") }), list);
    let timer = 0;
    control.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggestArticles(control, box, list), SUGGEST_AFTER_MS);
    });
    return box;
  }

  async function suggestArticles(control, box, list) {
    const text = control.value.trim();
    let found = [];
    try {
      const url = `${SITE_URL}/suggest?lang=${encodeURIComponent(LANG)}&q=${encodeURIComponent(text)}`;
      if (text.length > 2) found = (await (await fetch(url, { credentials: "omit" })).json()).articles;
    } catch (error) { found = []; }
    if (control.value.trim() !== text) return; // a newer one answers
    list.replaceChildren(...(found || []).filter((a) => /^https?:\/\//.test(a.url)).map((a) =>
      h("li", {}, h("a", { href: a.url, target: "_blank", rel: "noopener", text: a.title }))));
    box.hidden = !list.children.length;
  }

  function waitNote() {
    const wait = state.config.expected_wait_text;
    return wait ? h("p", { class: "hint", text: t("expected_wait", { wait }) }) : null;
  }

  function prechatView() {
    const modes = state.config.prechat || {};
    const fields = prechatFields().flatMap((f) =>
      field(f, modes[f] === "required", f === "question" ? "textarea" : "input"));
    const invitation = state.invitation && h("div", { class: "msg agent" },
      h("span", { class: "who", text: state.config.name }), h("p", { text: state.invitation.message }));
    return h("form", { class: "view stack", onsubmit: onPrechat }, invitation, waitNote(), ...fields,
      h("button", { type: "submit", class: "primary", text: t("start") }));
  }

  function onPrechat(event) {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.target));
    const question = (data.question || "").trim();
    if (tooLong(question)) {
      const box = event.target.elements.question;
      box.setCustomValidity(t("too_long"));
      box.reportValidity();
      box.addEventListener("input", () => box.setCustomValidity(""), { once: true });
      return;
    }
    state.prechat = { name: (data.name || "").trim(), email: (data.email || "").trim() };
    show("chat");
    if (question) sendMessage(question);
    else connect();
  }

  function offlineView() {
    const next = state.config.next_open_at ? formatWhen(state.config.next_open_at) : "";
    const reply = state.config.expected_reply_text;
    ui.offlineError = h("p", { class: "notice", role: "status" });
    return h("form", { class: "view stack", onsubmit: onOffline },
      h("h3", { text: t("offline_title") }), h("p", { text: t("offline_intro") }),
      next ? h("p", { class: "hint", text: t("next_open", { when: next }) }) : null,
      reply ? h("p", { class: "hint", text: t("expected_reply", { when: reply }) }) : null,
      field("name", false), field("email", true), field("message", true, "textarea"),
      ui.offlineError, h("button", { type: "submit", class: "primary", text: t("offline_send") }));
  }

  function formatWhen(iso) {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return "";
    return when.toLocaleString(LANG, { weekday: "long", hour: "numeric", minute: "2-digit" });
  }

  async function onOffline(event) {
    event.preventDefault();
    const form = event.target;
    const data = Object.fromEntries(new FormData(form));
    form.querySelector("button[type=submit]").disabled = true;
    ui.offlineError.textContent = "";
    try {
      const answer = await postJson(`${SITE_URL}/offline`, { ...data, token: state.token });
      state.offlineAnswer = answer;
      show("sent");
    } catch (error) {
      ui.offlineError.textContent = error.message || t("error");
      form.querySelector("button[type=submit]").disabled = false;
    }
  }

  async function postJson(url, body) {
    let response;
    try {
      response = await fetch(url, { method: "POST", credentials: "omit", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" } });
    } catch {
      throw new Error(t("error"));
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || t("error"));
    return answer;
  }

  function sentView() {
    const answer = state.offlineAnswer || {};
    return h("div", { class: "view stack", role: "status" },
      h("p", { text: t("offline_sent"), "data-focus": true, tabindex: "-1" }),
      answer.expected_reply ? h("p", { text: t("expected_reply", { when: answer.expected_reply }) }) : null,
      answer.ticket ? h("p", { class: "hint", text: t("reference", { ticket: answer.ticket }) }) : null);
  }

  function unavailableView() {
    return h("div", { class: "view stack" },
      h("p", { text: t("unavailable"), "data-focus": true, tabindex: "-1" }));
  }

  // --- the conversation view ---

  function chatView() {
    ui.status = h("p", { class: "status", role: "status" });
    ui.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t("log"),
      tabindex: "0" });
    ui.typing = h("p", { class: "typing", hidden: true });
    ui.notice = h("p", { class: "notice", role: "status" });
    ui.input = h("textarea", { rows: 1, maxlength: MAX_TEXT, "aria-label": t("message"),
      placeholder: t("placeholder"), "data-focus": true, oninput: onInput, onkeydown: onComposerKey });
    ui.file = h("input", { type: "file", hidden: true, tabindex: "-1", onchange: onFileChosen });
    ui.attach = h("button", { type: "button", class: "attach", "aria-label": t("attach"),
      title: t("attach"), hidden: true, onclick: () => state.uploading || ui.file.click() },
    icon("M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"));
    ui.composer = h("form", { class: "composer", onsubmit: onSend }, ui.input, ui.file, ui.attach,
      h("button", { type: "submit", class: "primary", text: t("send") }));
    const invitation = storedInvitation();
    if (invitation) showInvitationMessage(invitation);
    renderStatus();
    return h("section", { class: "view" }, ui.status, ui.log, ui.typing, ui.notice, ui.composer);
  }

  function onComposerKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  }

  function onSend(event) {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    if (tooLong(text)) {
      notice(t("too_long"));
      return;
    }
    ui.input.value = "";
    growInput();
    stopTyping();
    sendMessage(text);
  }

  // The server refuses frames over 8 KiB: 4,000 Cyrillic letters already come close.
  function tooLong(text) {
    const frame = { type: "message", client_id: uuid(), text };
    return text.length > MAX_TEXT || frameBytes(frame) > MAX_FRAME_BYTES;
  }

  function notice(text) {
    ui.notice.textContent = text;
  }

  function conversationOpen() {
    const status = state.conversation && state.conversation.status;
    return Boolean(status) && status !== "ended";
  }

  function renderStatus(frame = {}) {
    if (!ui.status) return;
    ui.status.textContent = statusText(frame);
    const open = conversationOpen();
    ui.attach.hidden = !open || !state.token;
    if (ui.endButton) ui.endButton.hidden = !(state.view === "chat" && open);
  }

  function statusText(frame) {
    const status = state.conversation && state.conversation.status;
    const wait = state.config.expected_wait_text;
    const waitText = wait ? t("expected_wait", { wait }) : "";
    if (state.wantSocket && !state.welcomed && (status || state.pending.size)) return t("reconnecting");
    if (frame.text) return frame.text;
    if (!status) return state.config.online ? waitText : "";
    if (status === "waiting") return [t("waiting"), waitText].filter(Boolean).join(". ");
    const name = state.agentName || t("agent");
    if (status === "active") return state.agentName ? t("connected", { name }) : "";
    if (status === "transferred") return t("transferred", { name });
    return status === "ended" ? t("ended") : "";
  }

  function onInput() {
    growInput();
    if (!conversationOpen() || !state.welcomed) return;
    const now = Date.now();
    if (now - state.typingSentAt >= TYPING_EVERY_MS && send({ type: "typing", typing: true })) {
      state.typingSentAt = now;
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    clearTimeout(state.typingTimer);
    if (state.typingSentAt) send({ type: "typing", typing: false });
    state.typingSentAt = 0;
  }

  function growInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, 120)}px`;
  }

  // --- messages in the log ---

  function messageNode(message) {
    const author = ["visitor", "agent", "system"].includes(message.author) ? message.author : "system";
    const node = h("div", { class: `msg ${author}` });
    if (author === "agent") node.append(h("span", { class: "who", text: message.name || t("agent") }));
    if (author === "visitor") node.append(h("span", { class: "sr", text: `${t("you")}: ` }));
    node.append(h("p", {}, ...linkify(String(message.text || ""))));
    const files = Array.isArray(message.attachments) ? message.attachments : [];
    node.append(...files.map(fileLink).filter(Boolean));
    node.append(h("span", { class: "meta" }));
    return node;
  }

  // Addresses in plain text become links; everything else stays text.
  function linkify(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'"]/g)) {
      parts.push(text.slice(last, match.index), h("a", { href: match[0], target: "_blank",
        rel: "noopener noreferrer nofollow", text: match[0] }));
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    return parts;
  }

  function fileLink(file) {
    let url;
    try {
      url = new URL(file.url, BASE);
    } catch {
      return null;
    }
    if (!/^https?:$/.test(url.protocol)) return null; // no javascript: or data: links
    // Rapport's chat files open with the visitor token; no other address ever gets it.
    if (url.href.startsWith(`${SITE_URL}/files/`)) url.searchParams.set("token", state.token);
    const size = file.size ? ` (${Math.ceil(file.size / 1024)} KB)` : "";
    return h("a", { class: "file", href: url.href, target: "_blank", rel: "noopener noreferrer",
      text: `${file.name || url.pathname.split("/").pop()}${size}` });
  }

  function setMeta(node, text) {
    node.querySelector(".meta").textContent = text;
  }

  // Keeps the log in server order: by seq, with unacknowledged messages last.
  function place(node, seq) {
    node.dataset.seq = String(seq);
    const after = [...ui.log.children].find((n) => !n.dataset.seq || Number(n.dataset.seq) > seq);
    ui.log.insertBefore(node, after || null);
  }

  function addMessage(message) {
    if (!Number.isInteger(message.seq)) return;
    // Frames arrive in order, so the highest seq seen is where a reconnect resumes.
    state.lastSeq = Math.max(state.lastSeq, message.seq);
    if (state.bySeq.has(message.seq)) return;
    const pending = message.client_id && state.pending.get(message.client_id);
    if (pending) {
      pending.node.remove();
      forgetPending(message.client_id);
    }
    const node = messageNode(message);
    state.bySeq.set(message.seq, { node, author: message.author });
    place(node, message.seq);
    if (message.author === "agent") agentSpoke();
    markAgentRead();
    scrollDown();
    sendRead();
  }

  function agentSpoke() {
    hideAgentTyping();
    if (state.open) return;
    state.unread += 1;
    renderBadge();
  }

  function onAck(frame) {
    const pending = state.pending.get(frame.client_id);
    if (!pending || !Number.isInteger(frame.seq)) return;
    forgetPending(frame.client_id);
    markActive();
    if (state.bySeq.has(frame.seq)) {
      pending.node.remove(); // the message frame came first
      return;
    }
    pending.node.classList.remove("pending");
    setMeta(pending.node, "");
    state.bySeq.set(frame.seq, { node: pending.node, author: "visitor" });
    place(pending.node, frame.seq);
    markAgentRead();
  }

  function markActive() {
    if (!state.conversation) state.conversation = { id: null, status: "waiting" };
    local.set(K.active, "1");
    renderStatus();
  }

  function scrollDown() {
    if (ui.log) ui.log.scrollTop = ui.log.scrollHeight;
  }

  // "Read" sits under the visitor's latest message that the agent has seen.
  function markAgentRead() {
    let best = 0;
    for (const [seq, entry] of state.bySeq) {
      if (entry.author === "visitor" && seq <= state.agentReadSeq && seq > best) best = seq;
    }
    const node = best ? state.bySeq.get(best).node : null;
    if (node === state.readNode) return;
    if (state.readNode) setMeta(state.readNode, "");
    if (node) setMeta(node, t("read"));
    state.readNode = node;
  }

  function onAgentRead(frame) {
    if (frame.author && frame.author !== "agent") return;
    if (Number.isInteger(frame.seq) && frame.seq > state.agentReadSeq) {
      state.agentReadSeq = frame.seq;
      markAgentRead();
    }
  }

  function sendRead() {
    const seen = state.open && state.view === "chat" && document.visibilityState === "visible";
    if (!seen || !state.welcomed || state.lastSeq <= state.readSent) return;
    if (send({ type: "read", seq: state.lastSeq })) state.readSent = state.lastSeq;
  }

  function onTyping(frame) {
    if (frame.author !== "agent") return;
    clearTimeout(state.agentTypingTimer);
    ui.typing.hidden = !frame.typing;
    ui.typing.textContent = frame.typing ? t("typing", { name: frame.name || t("agent") }) : "";
    if (frame.typing) state.agentTypingTimer = setTimeout(hideAgentTyping, AGENT_TYPING_MS);
  }

  function hideAgentTyping() {
    onTyping({ author: "agent", typing: false });
  }

  function clearLog() {
    ui.log.replaceChildren();
    state.bySeq.clear();
    Object.assign(state, { lastSeq: 0, readSent: 0, agentReadSeq: 0, readNode: null });
  }

  // --- sending, with once-only delivery ------------------------------------------------

  function sendMessage(text, clientId = uuid()) {
    pendingNode(clientId, text);
    scrollDown();
    savePending();
    notice("");
    if (state.welcomed) {
      ensureStarted();
      send({ type: "message", client_id: clientId, text });
    }
    connect();
  }

  // Unacknowledged messages survive a reload: they are resent under the same client_id,
  // which the server stores once.
  function savePending() {
    const list = [...state.pending].map(([id, p]) => [id, p.text]);
    session.set(K.pending, list.length ? JSON.stringify(list) : null);
  }

  function restorePending() {
    let list = [];
    try {
      list = JSON.parse(session.get(K.pending) || "[]");
    } catch { /* a damaged entry is dropped */ }
    for (const [id, text] of Array.isArray(list) ? list : []) {
      if (typeof id === "string" && typeof text === "string") pendingNode(id, text);
    }
  }

  function pendingNode(clientId, text) {
    const node = messageNode({ author: "visitor", text });
    node.classList.add("pending");
    setMeta(node, t("sending"));
    ui.log.append(node); // after every server message: place() keeps them last
    state.pending.set(clientId, { text, node });
  }

  function forgetPending(clientId) {
    state.pending.delete(clientId);
    savePending();
  }

  function ensureStarted() {
    if (!state.prechat || state.startSent || conversationOpen()) return;
    const frame = { type: "start", ...state.prechat };
    if (state.invitation) frame.invitation = state.invitation.id;
    state.startSent = send(frame);
  }

  function flush() {
    if (state.pending.size) ensureStarted();
    for (const [clientId, p] of state.pending) send({ type: "message", client_id: clientId, text: p.text });
    for (const frame of state.outbox.splice(0)) send(frame);
    sendRead();
  }

  function send(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  // Frames that must not be lost wait for the next welcome when the socket is down.
  function sendSoon(frame) {
    if (!(state.welcomed && send(frame))) state.outbox.push(frame);
    connect();
  }

  // --- the websocket ---

  function socketUrl() {
    const origin = new URL(BASE).origin.replace(/^http/, "ws");
    return new URL(state.config.websocket || `/ws/chat/${encodeURIComponent(SITE)}/`, origin).href;
  }

  function connect() {
    state.wantSocket = true;
    if (state.ws || state.forbidden || state.retryTimer) return;
    const ws = new WebSocket(socketUrl());
    state.ws = ws;
    state.welcomed = false;
    ws.onopen = () => ws.send(JSON.stringify(helloFrame()));
    ws.onmessage = (event) => onFrame(event.data);
    ws.onclose = (event) => onClose(ws, event);
  }

  function helloFrame() {
    const data = script.dataset;
    const identity = data.userId ? { user_id: data.userId, email: data.userEmail || "",
      name: data.userName || "", signature: data.userSignature || "" } : null;
    return { type: "hello", token: state.token, last_seq: state.lastSeq, identity,
      page: { url: location.href, title: document.title, referrer: document.referrer } };
  }

  function onClose(ws, event) {
    if (state.ws !== ws) return;
    state.ws = null;
    state.welcomed = false;
    state.startSent = false;
    if (event.code === CLOSE_FORBIDDEN) {
      state.forbidden = true;
      if (state.open) routeView();
      return;
    }
    // Closed for idleness with nothing going on: wait until the visitor does something.
    if (event.code === CLOSE_IDLE && !conversationOpen() && !state.pending.size) {
      state.wantSocket = false;
      return;
    }
    renderStatus();
    const delay = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
    state.attempt += 1;
    state.retryTimer = setTimeout(reconnectNow, delay);
  }

  function dropSocket() {
    const ws = state.ws;
    clearTimeout(state.retryTimer);
    Object.assign(state, { ws: null, welcomed: false, startSent: false, retryTimer: 0,
      wantSocket: false });
    if (ws) ws.close(1000); // onClose ignores it: it is no longer state.ws
  }

  function reconnectNow() {
    clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    if (state.wantSocket && !state.ws) connect();
  }

  const handlers = { welcome: onWelcome, message: addMessage, ack: onAck, typing: onTyping,
    read: onAgentRead, status: onStatus, error: onError, rated: () => ratingDone() };

  function onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const handler = frame && handlers[frame.type];
    if (handler) handler(frame);
  }

  function onWelcome(frame) {
    state.welcomed = true;
    state.attempt = 0;
    if (typeof frame.token === "string" && frame.token) {
      state.token = frame.token;
      local.set(K.token, frame.token);
    }
    const done = frame.conversation && frame.conversation.status === "ended"
      && local.get(K.done) === String(frame.conversation.id);
    adoptConversation(done ? null : frame.conversation);
    if (!done) (frame.messages || []).forEach(addMessage);
    onAgentRead({ seq: frame.agent_read_seq });
    flush();
    renderStatus();
    if (state.open || state.conversation) routeView();
  }

  function adoptConversation(conversation) {
    const had = state.conversation;
    if (!conversation) {
      // The server forgets ended chats: the one we were in ended while we were away.
      if ((had && had.status !== "ended") || local.get(K.active)) setEnded();
      return;
    }
    if (had && had.id && had.id !== conversation.id) clearLog();
    state.conversation = { id: conversation.id, status: conversation.status };
    if (conversation.status === "ended") setEnded();
    else local.set(K.active, "1");
  }

  function onStatus(frame) {
    const before = state.conversation || { id: null };
    state.conversation = { ...before, status: frame.status };
    if (frame.agent) state.agentName = frame.agent;
    if (frame.status === "ended") setEnded();
    else local.set(K.active, "1");
    renderStatus(frame);
    routeView();
  }

  function setEnded() {
    state.conversation = { ...(state.conversation || { id: null }), status: "ended" };
    local.set(K.active, null);
    for (const [clientId, p] of state.pending) {
      setMeta(p.node, t("not_sent"));
      forgetPending(clientId);
    }
    hideAgentTyping();
    renderStatus();
  }

  function onError(frame) {
    if (frame.code === "rate_limited") {
      notice(t("rate_limited"));
      // The server dropped a frame; resending unacknowledged messages is safe (once-only).
      clearTimeout(state.resendTimer);
      state.resendTimer = setTimeout(flush, (Number(frame.retry_after) || 5) * 1000);
      return;
    }
    if (frame.code === "ended") {
      onStatus({ type: "status", status: "ended" });
      return;
    }
    const known = ["too_long", "frame_too_large"].includes(frame.code) ? "too_long" : "error";
    notice(t(known));
  }

  // --- the end: rating and transcript ---

  function endChat() {
    sendSoon({ type: "end" });
    onStatus({ type: "status", status: "ended" }); // the visitor asked; no need to wait
    focusView(); // the End button is gone
  }

  function endedView() {
    ui.rateForm = rateForm();
    ui.transcriptForm = transcriptForm();
    return h("section", { class: "view" },
      h("p", { class: "status", text: t("ended") }),
      ui.rateForm, ui.transcriptForm,
      h("div", { class: "stack" }, h("button", { type: "button", class: "link", text: t("new_chat"),
        onclick: newChat })));
  }

  function rateForm() {
    const stars = [1, 2, 3, 4, 5].map((n) => h("label", { class: "star" },
      h("input", { type: "radio", name: "score", value: n, required: true, "aria-label": t("star", { n }),
        "data-focus": n === 1 }),
      h("span", { "aria-hidden": "true", text: "★" })));
    const form = h("form", { class: "stack", onsubmit: onRate, onchange: () => paintStars(form) },
      h("fieldset", {}, h("legend", { text: t("rate") }), ...stars),
      h("label", {}, h("span", { text: t("comment") }), h("textarea", { name: "comment", rows: 2,
        maxlength: 2000 })),
      h("button", { type: "submit", class: "primary", text: t("rate_send") }));
    return form;
  }

  function paintStars(form) {
    const score = Number(new FormData(form).get("score") || 0);
    form.querySelectorAll(".star").forEach((star, i) => star.classList.toggle("on", i < score));
  }

  function onRate(event) {
    event.preventDefault();
    const data = new FormData(event.target);
    sendSoon({ type: "rate", score: Number(data.get("score")), comment: String(data.get("comment") || "") });
    ratingDone();
  }

  function ratingDone() {
    if (!ui.rateForm || !ui.rateForm.isConnected) return;
    const thanks = h("p", { role: "status", text: t("thanks"), tabindex: "-1" });
    ui.rateForm.replaceWith(h("div", { class: "stack" }, thanks));
    thanks.focus();
  }

  function transcriptForm() {
    const email = h("input", { type: "email", name: "email", required: true, autocomplete: "email",
      maxlength: 200 });
    email.value = (state.prechat && state.prechat.email) || prefill().email;
    return h("form", { class: "stack", onsubmit: onTranscript },
      h("label", {}, h("span", { text: t("transcript") }), email),
      h("button", { type: "submit", class: "primary", text: t("send") }));
  }

  function onTranscript(event) {
    event.preventDefault();
    const email = String(new FormData(event.target).get("email") || "").trim();
    sendSoon({ type: "transcript", email });
    const sent = h("p", { role: "status", tabindex: "-1", text: t("transcript_sent", { email }) });
    event.target.replaceWith(h("div", { class: "stack" }, sent));
    sent.focus();
  }

  function newChat() {
    if (state.conversation && state.conversation.id) local.set(K.done, state.conversation.id);
    dropSocket(); // a fresh hello: the old connection still belongs to the ended chat
    clearLog();
    Object.assign(state, { conversation: null, prechat: null, agentName: "", invitation: null });
    session.set(K.invitation, null);
    for (const name of ["ended", "prechat"]) {
      if (views[name]) views[name].remove();
      delete views[name]; // rebuilt empty for the next chat
    }
    notice("");
    renderStatus();
    state.view = "";
    routeView();
    focusView(); // the button that had the focus went away with the old view
  }

  // --- uploads ---

  // A file, captioned with what is in the composer, is a message sent over HTTP with the
  // visitor token; its client_id makes the one retry after a network error safe.
  async function onFileChosen() {
    const file = ui.file.files[0];
    ui.file.value = "";
    if (!file || !state.token || state.uploading) return;
    if (file.size > state.config.max_file_bytes) return notice(t("file_too_large"));
    const text = ui.input.value.trim();
    const body = new FormData();
    body.append("file", file);
    body.append("client_id", uuid());
    if (text && !tooLong(text)) body.append("text", text);
    notice(t("uploading", { name: file.name }));
    state.uploading = true;
    try {
      const answer = await upload(body);
      if (body.has("text") && ui.input.value.trim() === text) {
        ui.input.value = "";
        growInput();
      }
      notice("");
      addMessage(answer);
    } catch (error) {
      notice(error.message);
    }
    state.uploading = false;
  }

  async function upload(body, retry = 1) {
    let response;
    try {
      response = await fetch(`${SITE_URL}/upload?lang=${encodeURIComponent(LANG)}`, { method: "POST",
        body, credentials: "omit", headers: { "X-Rapport-Chat-Token": state.token } });
    } catch {
      if (!retry) throw new Error(t("error"));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return upload(body, 0);
    }
    const answer = await response.json().catch(() => ({}));
    if (answer.code === "ended") onStatus({ type: "status", status: "ended" });
    const known = { 413: "file_too_large", 429: "rate_limited" }[response.status];
    if (!response.ok) throw new Error(answer.message || t(known || "error"));
    return answer;
  }

  // --- proactive invitations ---

  function scheduleInvitations() {
    // An invitation to chat when nobody can answer would be a broken promise.
    if (!state.config.online || session.get(K.invited)) return;
    const returning = Number(local.get(K.visits) || 0) > 1;
    const pages = Number(session.get(K.pages) || 0);
    for (const invitation of state.config.invitations || []) {
      if (!glob(invitation.url_pattern || "*").test(location.pathname)) continue;
      if (invitation.returning_only && !returning) continue;
      if (pages < (invitation.min_pages || 0)) continue;
      const delay = Math.max(0, (invitation.seconds_on_page || 0) * 1000 - performance.now());
      setTimeout(() => invite(invitation), delay);
    }
  }

  function glob(pattern) {
    const parts = String(pattern).split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${parts.join(".*")}$`);
  }

  function invite(invitation) {
    const busy = state.open || conversationOpen() || state.pending.size || local.get(K.active);
    if (busy || session.get(K.invited)) return;
    session.set(K.invited, invitation.id); // at most one invitation per visit
    ui.invite = h("div", { class: "invite", role: "status",
      onkeydown: (event) => event.key === "Escape" && hideInvitation(true) },
    h("p", { text: invitation.message }),
    h("div", {},
      h("button", { type: "button", class: "primary", text: t("invitation_accept"),
        onclick: () => acceptInvitation(invitation) }),
      h("button", { type: "button", class: "link", text: t("invitation_dismiss"),
        onclick: () => hideInvitation(true) })));
    ui.wrap.append(ui.invite);
  }

  function hideInvitation(returnFocus = false) {
    if (!ui.invite) return;
    ui.invite.remove();
    ui.invite = null;
    if (returnFocus) ui.launcher.focus();
  }

  function acceptInvitation(invitation) {
    const kept = { id: invitation.id, message: String(invitation.message || "") };
    session.set(K.invitation, JSON.stringify(kept));
    showInvitationMessage(kept);
    if (views.prechat) views.prechat.remove();
    delete views.prechat; // rebuilt with the invitation on top
    setOpen(true);
  }

  function storedInvitation() {
    try {
      return JSON.parse(session.get(K.invitation) || "null");
    } catch {
      return null;
    }
  }

  // The invitation opens the conversation as its first (local) message.
  function showInvitationMessage(invitation) {
    state.invitation = invitation;
    const node = messageNode({ author: "agent", name: state.config.name, text: invitation.message });
    node.dataset.seq = "0";
    ui.log.prepend(node);
  }

  boot();
})();
