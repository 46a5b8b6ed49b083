/*
 * News RAG chat widget: one script tag adds a chat button and panel to any page.
 *
 *   <script src="https://rag.example/widget.js" data-api="https://rag.example"></script>
 *
 * Attributes (all optional): data-api (service base URL; default: where this script came
 * from), data-title (panel title), data-open="true" (start open). See docs/widget.md.
 * Plain JavaScript, no build step, no outside resources. Everything lives in a shadow root,
 * so the page's styles and the widget's never touch. Text from the service is untrusted
 * (articles come from anywhere): it only ever enters the page as text nodes.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || document.querySelector("rag-chat-widget")) return;

  const config = {
    api: (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/+$/, ""),
    title: script.dataset.title || "Ask the news",
    open: script.dataset.open === "true",
  };

  const UNREACHABLE =
    "The service can't be reached. Check your connection and try again in a moment.";
  const CUT_OFF = "The connection was lost before the answer was complete. Please ask again.";
  const MODE_NOTES = {
    extractive: "Sentences quoted from the articles",
    generative: "Written by a language model from the articles",
  };

  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    .root {
      --accent: #1d4ed8; --accent-dark: #1e40af; --text: #111827; --muted: #475569;
      --line: #e2e8f0; --bubble: #f1f5f9; --chip: #dbeafe; --chip-text: #1e3a8a;
      font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
        sans-serif;
      color: var(--text);
      -webkit-font-smoothing: antialiased;
    }
    button, textarea { font: inherit; color: inherit; }
    button { cursor: pointer; }
    :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
    .visually-hidden {
      position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
      overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
    }

    .toggle {
      position: fixed; right: 24px; bottom: 24px; z-index: 2147483000;
      width: 60px; height: 60px; border: 0; border-radius: 50%;
      display: grid; place-items: center;
      background: var(--accent); color: #fff;
      box-shadow: 0 8px 24px rgba(29, 78, 216, 0.35), 0 2px 6px rgba(15, 23, 42, 0.2);
      transition: transform 0.15s ease, background 0.15s ease;
    }
    .toggle:hover { background: var(--accent-dark); transform: scale(1.05); }
    .toggle:focus-visible { outline: none; box-shadow: 0 0 0 3px #fff, 0 0 0 6px var(--accent); }
    .toggle svg { width: 28px; height: 28px; }

    .panel {
      position: fixed; right: 24px; bottom: 96px; z-index: 2147483000;
      width: 380px; height: 560px; max-height: calc(100vh - 120px);
      display: flex; flex-direction: column; overflow: hidden;
      background: #fff; border: 1px solid var(--line); border-radius: 18px;
      box-shadow: 0 24px 60px rgba(15, 23, 42, 0.22), 0 4px 12px rgba(15, 23, 42, 0.08);
      animation: rag-in 0.18s ease-out;
    }
    @keyframes rag-in { from { opacity: 0; transform: translateY(12px) scale(0.98); } }
    @media (max-width: 480px) {
      .panel { right: 8px; left: 8px; bottom: 88px; width: auto; height: calc(100vh - 104px); }
      .toggle { right: 16px; bottom: 16px; }
    }

    .header {
      display: flex; align-items: center; gap: 12px; padding: 14px 14px 14px 18px;
      background: #1d4ed8 linear-gradient(135deg, #1d4ed8, #1e40af); color: #fff;
    }
    .avatar {
      flex: none; width: 36px; height: 36px; border-radius: 50%;
      display: grid; place-items: center; background: rgba(255, 255, 255, 0.16);
    }
    .avatar svg { width: 20px; height: 20px; }
    .heading { flex: 1; min-width: 0; }
    .title { margin: 0; font-size: 16px; font-weight: 650; line-height: 1.3; }
    .subtitle { margin: 0; font-size: 12.5px; color: #dbeafe; }
    .icon-button {
      flex: none; width: 34px; height: 34px; border: 0; border-radius: 10px;
      display: grid; place-items: center; background: transparent;
    }
    .icon-button svg { width: 18px; height: 18px; }
    .header .icon-button { color: #fff; }
    .header .icon-button:hover { background: rgba(255, 255, 255, 0.16); }
    .header :focus-visible { outline-color: #fff; }

    .log {
      flex: 1; overflow-y: auto; padding: 18px 16px 8px;
      display: flex; flex-direction: column; gap: 12px;
    }
    .msg {
      max-width: 88%; padding: 10px 14px; border-radius: 16px;
      white-space: pre-wrap; overflow-wrap: anywhere;
    }
    .intro { align-self: stretch; max-width: none; text-align: center; color: var(--muted);
      white-space: normal; padding: 6px 12px 2px; }
    .intro strong { display: block; color: var(--text); font-size: 15px; margin-bottom: 2px; }
    .user {
      align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 4px;
    }
    .bot { align-self: flex-start; background: var(--bubble); border-bottom-left-radius: 4px; }
    .declined { background: #fff; border: 1px dashed #cbd5e1; color: var(--muted); }
    .declined .label {
      display: block; font-size: 11.5px; font-weight: 600; letter-spacing: 0.04em;
      text-transform: uppercase; margin-bottom: 2px;
    }
    .error {
      align-self: stretch; max-width: none; display: flex; gap: 10px; align-items: flex-start;
      background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; white-space: normal;
    }
    .error svg { flex: none; width: 18px; height: 18px; margin-top: 2px; }

    .cite {
      display: inline-grid; place-items: center; min-width: 20px; height: 20px; padding: 0 5px;
      margin: 0 1px; vertical-align: 2px; border: 0; border-radius: 10px;
      background: var(--chip); color: var(--chip-text);
      font-size: 11.5px; font-weight: 700; line-height: 1;
    }
    .cite:hover { background: #bfdbfe; }
    .meta {
      margin-top: 8px; padding-top: 8px; border-top: 1px solid var(--line);
      display: flex; flex-direction: column; gap: 4px; white-space: normal;
    }
    .source-link {
      display: flex; gap: 8px; align-items: baseline; width: 100%; padding: 3px 6px;
      margin: 0 -6px; border: 0; border-radius: 8px; background: transparent; text-align: left;
      font-size: 12.5px; color: var(--chip-text);
    }
    .source-link:hover { background: #e2e8f0; }
    .source-link .number { flex: none; font-weight: 700; }
    .source-link .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .mode { font-size: 11.5px; color: var(--muted); }

    .typing { display: inline-flex; gap: 4px; padding: 4px 0 2px; vertical-align: middle; }
    .msg .text:not(:empty) + .typing { margin-left: 6px; }
    .dot {
      width: 6px; height: 6px; border-radius: 50%; background: #64748b;
      animation: rag-blink 1.2s infinite ease-in-out;
    }
    .dot:nth-child(2) { animation-delay: 0.15s; }
    .dot:nth-child(3) { animation-delay: 0.3s; }
    @keyframes rag-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }

    .composer { padding: 10px 12px 12px; border-top: 1px solid var(--line); background: #fff; }
    .field {
      display: flex; align-items: flex-end; gap: 8px; padding: 6px 6px 6px 14px;
      border: 1px solid #94a3b8; border-radius: 14px; background: #fff;
    }
    .field:focus-within { border-color: var(--accent); box-shadow: 0 0 0 3px #bfdbfe; }
    textarea {
      flex: 1; min-height: 24px; max-height: 120px; padding: 6px 0; border: 0; resize: none;
      background: transparent; line-height: 1.5;
    }
    textarea:focus { outline: none; }
    textarea::placeholder { color: #64748b; }
    .send {
      flex: none; width: 36px; height: 36px; border: 0; border-radius: 10px;
      display: grid; place-items: center; background: var(--accent); color: #fff;
    }
    .send:hover { background: var(--accent-dark); }
    .send svg { width: 18px; height: 18px; }
    .hint { margin: 6px 4px 0; font-size: 11.5px; color: var(--muted); }

    .source {
      position: absolute; inset: 0; z-index: 1; display: flex; flex-direction: column;
      background: #fff; animation: rag-slide 0.18s ease-out;
    }
    @keyframes rag-slide { from { transform: translateX(24px); opacity: 0; } }
    .source-bar {
      display: flex; align-items: center; gap: 8px; padding: 12px 14px;
      border-bottom: 1px solid var(--line); font-weight: 600;
    }
    .source-bar .icon-button:hover { background: var(--bubble); }
    .source-body { flex: 1; overflow-y: auto; padding: 16px 18px 20px; }
    .source-title { margin: 0 0 4px; font-size: 16px; line-height: 1.35; font-weight: 650; }
    .source-meta { margin: 0 0 14px; font-size: 12.5px; color: var(--muted); }
    .passage {
      margin: 0; padding: 12px 14px; border-left: 3px solid var(--accent); border-radius: 4px;
      background: #f8fafc; color: #334155; white-space: pre-wrap; line-height: 1.6;
    }
    mark { background: #fde68a; color: var(--text); padding: 1px 2px; border-radius: 3px; }
    .source-note { margin: 10px 0 0; font-size: 12px; color: var(--muted); }

    @media (prefers-reduced-motion: reduce) {
      .panel, .toggle, .dot, .source { animation: none; transition: none; }
    }
  `;

  const ICONS = {
    chat:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ' +
      'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 12a8 ' +
      '8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/><path d="M8 11h.01M12 11h.01M16 ' +
      '11h.01" stroke-width="2.6"/></svg>',
    close:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" ' +
      'stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>',
    back:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" ' +
      'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' +
      '<path d="M15 18l-6-6 6-6"/></svg>',
    send:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" ' +
      'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' +
      '<path d="M5 12h14M13 6l6 6-6 6"/></svg>',
    stop: '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="6" y="6" width="12" ' +
      'height="12" rx="2" fill="currentColor"/></svg>',
    news:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ' +
      'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4 5h13v14H6a2 ' +
      '2 0 0 1-2-2V5zM17 9h3v8a2 2 0 0 1-2 2M8 9h5M8 13h5"/></svg>',
    alert:
      '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ' +
      'stroke-linecap="round" aria-hidden="true"><circle cx="12" cy="12" r="9"/>' +
      '<path d="M12 7v6M12 16.5h.01"/></svg>',
  };

  // The widget's own fixed markup; service data never goes through innerHTML.
  const SKELETON = `
    <div class="root">
      <button class="toggle" type="button" aria-expanded="false" aria-controls="panel">
        ${ICONS.chat}
      </button>
      <section class="panel" id="panel" role="dialog" hidden>
        <header class="header">
          <span class="avatar">${ICONS.news}</span>
          <div class="heading">
            <h2 class="title" id="title"></h2>
            <p class="subtitle">Cited answers from the news articles</p>
          </div>
          <button class="icon-button close" type="button" aria-label="Close chat">
            ${ICONS.close}
          </button>
        </header>
        <div class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="-1">
          <div class="msg intro">
            <strong>Ask me about the news</strong>
            Every answer cites the articles it comes from: select a number to read the passage.
          </div>
        </div>
        <form class="composer">
          <label class="visually-hidden" for="question">Your question</label>
          <div class="field">
            <textarea id="question" data-rag="question" rows="1" maxlength="2000"
              placeholder="Ask a question…" aria-describedby="hint"></textarea>
            <button class="send" type="submit" aria-label="Send question">${ICONS.send}</button>
          </div>
          <p class="hint" id="hint">Enter to send · Shift+Enter for a new line</p>
        </form>
        <section class="source" data-rag="source" role="dialog" aria-labelledby="source-title"
          hidden>
          <div class="source-bar">
            <button class="icon-button back" type="button" aria-label="Back to the conversation">
              ${ICONS.back}
            </button>
            <span class="source-label"></span>
          </div>
          <div class="source-body">
            <h3 class="source-title" id="source-title"></h3>
            <p class="source-meta"></p>
            <blockquote class="passage"></blockquote>
            <p class="source-note">The passage from the article; the quoted sentence is highlighted.</p>
          </div>
        </section>
      </section>
    </div>`;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function icon(name) {
    const holder = document.createElement("span");
    holder.innerHTML = ICONS[name];
    return holder.firstChild;
  }

  function formatDate(iso) {
    if (!iso) return null;
    const date = new Date(iso + "T00:00:00Z");
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleDateString(undefined, { dateStyle: "long", timeZone: "UTC" });
  }

  /** The `detail` of an error response, readable whether it is a string or a 422 list. */
  async function errorDetail(response) {
    let detail = null;
    try {
      detail = (await response.json()).detail;
    } catch (_) {
      // not JSON: fall back to the status line
    }
    if (Array.isArray(detail)) {
      detail = detail.map((item) => (item && item.msg) || JSON.stringify(item)).join("; ");
    } else if (detail && typeof detail !== "string") {
      detail = JSON.stringify(detail);
    }
    return detail || `The service answered ${response.status} ${response.statusText}`.trim();
  }

  function parseEvent(block) {
    let name = "message";
    const data = [];
    for (const line of block.split(/\r\n|\r|\n/)) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    return data.length ? { name, data: JSON.parse(data.join("\n")) } : null;
  }

  /** Server-Sent Events from a fetch() response (EventSource cannot POST). */
  async function* readEvents(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
        buffer = blocks.pop();
        for (const block of blocks) {
          const event = parseEvent(block);
          if (event) yield event;
        }
      }
      const last = parseEvent(buffer);
      if (last) yield last;
    } finally {
      // A reader that stops early (an error event, bad data) closes the response, and with it
      // the service's work on the answer.
      reader.cancel().catch(() => {});
    }
  }

  class ServiceError extends Error {}

  const host = document.createElement("rag-chat-widget");
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML = `<style>${STYLE}</style>${SKELETON}`;
  const $ = (selector) => shadow.querySelector(selector);
  const toggle = $(".toggle");
  const panel = $(".panel");
  const log = $(".log");
  const form = $(".composer");
  const question = $("textarea");
  const sendButton = $(".send");
  const sourceView = $(".source");
  $(".title").textContent = config.title;
  panel.setAttribute("aria-label", config.title);
  toggle.setAttribute("aria-label", `Chat: ${config.title}`);

  /** Completed turns only: a failed or stopped question is not part of the conversation. */
  const history = [];
  const MAX_TURNS_SENT = 10;
  const MAX_HISTORY_CHARS = 16000;
  let inFlight = null;
  let sourceOpener = null;

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function setOpen(open, { focus = true } = {}) {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.innerHTML = open ? ICONS.close : ICONS.chat;
    if (!open) closeSource({ focus: false });
    if (focus) (open ? question : toggle).focus();
    if (open) scrollToEnd();
  }

  function setBusy(busy) {
    sendButton.innerHTML = busy ? ICONS.stop : ICONS.send;
    sendButton.setAttribute("aria-label", busy ? "Stop the answer" : "Send question");
  }

  /** The passage view for citation `citation` of an answer whose retrieved passages are `passages`. */
  function openSource(citation, passages, opener) {
    const passage = passages.find(
      (p) =>
        p.article_id === citation.article_id &&
        p.start <= citation.start &&
        citation.end <= p.end,
    );
    const quote = $(".passage");
    quote.replaceChildren();
    let from = -1;
    if (passage) {
      from = citation.start - passage.start;
      if (passage.text.slice(from, from + citation.text.length) !== citation.text) {
        from = passage.text.indexOf(citation.text);
      }
    }
    if (from >= 0) {
      const to = from + citation.text.length;
      quote.append(
        passage.text.slice(0, from),
        el("mark", { text: passage.text.slice(from, to) }),
        passage.text.slice(to),
      );
    } else {
      quote.append(el("mark", { text: citation.text }));
    }
    $(".source-label").textContent = `Source ${citation.marker}`;
    $(".source-title").textContent = citation.title;
    $(".source-meta").textContent =
      [citation.publisher, formatDate(citation.date)].filter(Boolean).join(" · ") ||
      "Publisher and date not stated in the article";
    sourceOpener = opener;
    sourceView.hidden = false;
    log.inert = form.inert = true;
    $(".back").focus();
    // Keep the title in view unless the highlighted sentence would then be out of sight.
    const body = $(".source-body");
    const top = body.getBoundingClientRect().top;
    const mark = quote.querySelector("mark").getBoundingClientRect();
    body.scrollTop = mark.bottom - top > body.clientHeight ? mark.top - top - 48 : 0;
  }

  function closeSource({ focus = true } = {}) {
    if (sourceView.hidden) return;
    sourceView.hidden = true;
    log.inert = form.inert = false;
    if (focus && sourceOpener && sourceOpener.isConnected) sourceOpener.focus();
    sourceOpener = null;
  }

  function showError(message) {
    log.append(el("div", { class: "msg error", role: "alert", "data-rag": "error" },
      icon("alert"), el("span", { text: message })));
    scrollToEnd();
  }

  /** One assistant answer as it streams: its text, its own citations and passages. */
  class AnswerView {
    constructor() {
      this.written = "";
      this.citations = new Map();
      this.passages = [];
      this.text = el("span", { class: "text" });
      this.typing = el("span", { class: "typing", role: "status", "aria-label": "Writing" },
        el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" }));
      this.bubble = el("div", { class: "msg bot", "data-rag": "answer", "aria-busy": "true" },
        this.text, this.typing);
      log.append(this.bubble);
      scrollToEnd();
    }

    sources(event) {
      this.passages = event.passages;
      this.mode = event.mode;
    }

    cite(citation) {
      this.citations.set(citation.marker, citation);
    }

    write(text) {
      this.written += text;
      this.text.append(...this.render(text));
      scrollToEnd();
    }

    /** Text with each known marker `[n]` turned into a button opening that source. */
    render(text) {
      const nodes = [];
      let last = 0;
      for (const match of text.matchAll(/\[(\d+)\]/g)) {
        const citation = this.citations.get(Number(match[1]));
        if (!citation) continue;
        nodes.push(text.slice(last, match.index), this.citeButton(citation));
        last = match.index + match[0].length;
      }
      nodes.push(text.slice(last));
      return nodes;
    }

    citeButton(citation) {
      const button = el("button", {
        type: "button",
        class: "cite",
        "data-rag": "citation",
        "aria-label": `Source ${citation.marker}: ${citation.title}`,
        text: String(citation.marker),
      });
      button.addEventListener("click", () => openSource(citation, this.passages, button));
      return button;
    }

    finish(answer) {
      this.citations = new Map(answer.citations.map((c) => [c.marker, c]));
      this.passages = answer.passages;
      if (answer.answer !== this.written) this.text.replaceChildren(...this.render(answer.answer));
      this.typing.remove();
      this.bubble.removeAttribute("aria-busy");
      if (!answer.answered) {
        this.bubble.classList.add("declined");
        this.bubble.prepend(el("span", { class: "label", text: "Not in the articles" }));
      }
      // One line per cited article, opening its first citation; the markers say which.
      const byArticle = new Map();
      for (const citation of answer.citations) {
        byArticle.set(citation.article_id, [...(byArticle.get(citation.article_id) || []), citation]);
      }
      const meta = el("div", { class: "meta" });
      for (const [first, ...others] of byArticle.values()) {
        const markers = [first, ...others].map((citation) => citation.marker).join(", ");
        const link = el("button", { type: "button", class: "source-link" },
          el("span", { class: "number", text: `[${markers}]` }),
          el("span", { class: "name", text: first.title }));
        link.title = [first.title, first.publisher].filter(Boolean).join(" · ");
        link.addEventListener("click", () => openSource(first, this.passages, link));
        meta.append(link);
      }
      meta.append(el("span", { class: "mode", title: MODE_NOTES[answer.mode] || "",
        text: `${answer.mode} answer` }));
      this.bubble.append(meta);
      scrollToEnd();
    }

    /** Ends the answer with an error; a bubble with nothing written is replaced by it. */
    fail(message) {
      this.typing.remove();
      this.bubble.removeAttribute("aria-busy");
      if (!this.written) this.bubble.remove();
      showError(message);
    }
  }

  /** The latest turns that fit the service's limits (50 messages, 20,000 characters with
   * the question): older ones matter least to a follow-up. */
  function recentHistory() {
    const kept = history.slice(-2 * MAX_TURNS_SENT);
    const length = () => kept.reduce((total, message) => total + message.content.length, 0);
    while (kept.length && length() > MAX_HISTORY_CHARS) kept.splice(0, 2);
    return kept;
  }

  async function ask(text) {
    const messages = [...recentHistory(), { role: "user", content: text }];
    log.append(el("div", { class: "msg user", text }));
    const view = new AnswerView();
    const controller = new AbortController();
    inFlight = controller;
    setBusy(true);
    let response = null;
    try {
      response = await fetch(`${config.api}/v1/chat`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ messages, stream: true }),
        signal: controller.signal,
      });
      if (!response.ok) throw new ServiceError(await errorDetail(response));
      let answer = null;
      for await (const { name, data } of readEvents(response)) {
        if (name === "sources") view.sources(data);
        else if (name === "citation") view.cite(data.citation);
        else if (name === "delta") view.write(data.text);
        else if (name === "done") answer = data.answer;
        else if (name === "error") throw new ServiceError(data.detail);
      }
      if (!answer) throw new ServiceError(CUT_OFF);
      view.finish(answer);
      history.push({ role: "user", content: text }, { role: "assistant", content: answer.answer });
    } catch (error) {
      if (error.name === "AbortError") view.fail("Stopped. Ask again whenever you like.");
      else if (error instanceof ServiceError) view.fail(error.message);
      else view.fail(response ? CUT_OFF : UNREACHABLE);
      if (!question.value) {
        question.value = text;
        fitQuestion();
      }
    } finally {
      inFlight = null;
      setBusy(false);
    }
  }

  function send() {
    const text = question.value.trim();
    if (inFlight || !text) return;
    question.value = "";
    fitQuestion();
    ask(text);
  }

  function fitQuestion() {
    question.style.height = "auto";
    question.style.height = `${Math.min(question.scrollHeight, 120)}px`;
  }

  toggle.addEventListener("click", () => setOpen(panel.hidden));
  $(".close").addEventListener("click", () => setOpen(false));
  $(".back").addEventListener("click", () => closeSource());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (inFlight) inFlight.abort();
    else send();
  });
  question.addEventListener("input", fitQuestion);
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  $(".root").addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden) return;
    event.stopPropagation();
    if (!sourceView.hidden) closeSource();
    else setOpen(false);
  });

  function mount() {
    document.body.append(host);
    setOpen(config.open, { focus: false });
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
