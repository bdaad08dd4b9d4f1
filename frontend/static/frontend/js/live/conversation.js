// The open topic: inserts the server's rendered <article>s (one renderer: forum/message_markup.py),
// groups consecutive messages, keeps times formatted, and follows the topic's state live.
import { formatTimes } from "../ui.js";
import { t } from "./strings.js";

const RELOAD_KEY = "kring-resync-reload";
const GROUP_MS = 5 * 60 * 1000;
const NEAR_BOTTOM_PX = 120;

export function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

export class ConversationView {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector("section.messages");
    this.data = this.list.dataset;
    this.topicId = Number(this.data.topic);
    this.roomId = Number(this.data.room);
    this.viewerId = Number(this.data.viewerId || document.body.dataset.userId || 0);
    this.statusEl = document.getElementById("live-status");
    this.typingEl = root.querySelector(".typing-indicator");
    this.presenceEl = root.querySelector(".presence");
    this.typingTimer = null;
    this.typingUser = null;
    this.hooks = { added: [], replaced: [], removed: [] };
    for (const article of this.articles()) this.group(article);
  }

  on(name, hook) {
    this.hooks[name].push(hook);
  }

  emit(name, ...args) {
    for (const hook of this.hooks[name]) hook(...args);
  }

  articles() {
    return this.list.querySelectorAll(":scope > article.message[data-seq]");
  }

  article(seq) {
    return this.list.querySelector(`:scope > article[data-seq="${seq}"]`);
  }

  nearBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  status(state) {
    if (!this.statusEl) return;
    this.statusEl.dataset.state = state;
    const text = {
      online: "",
      connecting: t("connecting", "Connecting…"),
      reconnecting: t("reconnecting", "Connection lost. Reconnecting…"),
      offline: t("offline", "You are offline. Messages you write are sent when you are back online."),
      ended: t("ended", "You are logged out. Reload the page to continue."),
      revoked: t("revoked", "You no longer have access to this room."),
    }[state];
    this.statusEl.textContent = text ?? "";
  }

  has(frame) {
    return Boolean(this.article(frame.seq));
  }

  // Consecutive messages of one author within 5 minutes hide avatar and name.
  group(article) {
    if (!article?.matches?.("article.message[data-seq]")) return;
    if (!article.parentElement?.matches("section.messages")) return; // the accepted answer's copy
    let prev = article.previousElementSibling;
    while (prev && !prev.matches("article.message")) {
      if (prev.matches(".unread-divider")) break;
      prev = prev.previousElementSibling;
    }
    const grouped =
      prev?.matches("article.message[data-seq]") &&
      !prev.hasAttribute("data-deleted") &&
      prev.dataset.authorId &&
      prev.dataset.authorId === article.dataset.authorId &&
      !article.querySelector(".message-reply") &&
      Math.abs(Date.parse(article.dataset.created) - Date.parse(prev.dataset.created)) < GROUP_MS;
    article.classList.toggle("message-grouped", Boolean(grouped));
  }

  regroupAround(article) {
    this.group(article);
    let next = article.nextElementSibling;
    while (next && !next.matches("article.message[data-seq]")) next = next.nextElementSibling;
    if (next) this.group(next);
  }

  insert(article, seq, position = null) {
    let later = position ?? [...this.articles()].find((n) => Number(n.dataset.seq) > seq);
    if (later?.previousElementSibling?.matches(".accepted-answer")) later = later.previousElementSibling;
    const firstPending = this.list.querySelector("[data-pending]");
    this.list.insertBefore(article, later || firstPending || null);
  }

  add(frame) {
    if (frame.topic !== this.topicId || this.has(frame) || !frame.article) return;
    this.list.querySelector(".empty-state")?.remove();
    // The one who was typing has sent: their indicator goes at once, not after its timeout.
    if (frame.author && frame.author.id === this.typingUser) this.clearTyping();
    const follow = this.nearBottom() || frame.author?.id === this.viewerId;
    const article = fromHtml(frame.article);
    const pending = this.list.querySelector(`[data-pending="${frame.client_id}"]`);
    if (pending) pending.replaceWith(article);
    else this.insert(article, frame.seq);
    this.prepare(article);
    this.regroupAround(article);
    if (follow) this.scrollToBottom();
    this.emit("added", article, frame, follow);
  }

  prepare(article) {
    formatTimes(article);
    this.markOwnReactions(article);
  }

  markOwnReactions(root) {
    for (const chip of root.querySelectorAll(".reaction[data-users]")) {
      const users = chip.dataset.users.split(",").filter(Boolean).map(Number);
      chip.setAttribute("aria-pressed", String(users.includes(this.viewerId)));
    }
  }

  replace(seq, html) {
    const old = this.article(seq);
    if (!old || !html) return null;
    const article = fromHtml(html);
    // A re-rendered message keeps the keyboard where it was: replacing the focused node would drop
    // focus to <body> and the reader's place in the list with it.
    const hadFocus = old.contains(document.activeElement);
    this.emit("replaced", old, article);
    old.replaceWith(article);
    this.prepare(article);
    this.regroupAround(article);
    if (hadFocus) article.focus({ preventScroll: true });
    return article;
  }

  update(frame) {
    if (frame.topic !== this.topicId) return;
    const article = this.replace(frame.seq, frame.article);
    const copy = this.list.querySelector(`.accepted-answer article[data-seq="${frame.seq}"]`);
    if (article && copy) this.fillAccepted(article);
  }

  remove(frame) {
    const article = this.article(frame.seq);
    if (!article) return;
    if (frame.article) return this.replace(frame.seq, frame.article);
    article.dataset.deleted = "";
    const body = article.querySelector(".message-body");
    if (body) body.textContent = t("deleted", "This message was deleted.");
    article.querySelector(".message-attachments")?.remove();
    article.querySelector("[data-reactions]")?.replaceChildren();
    this.emit("removed", article);
  }

  reactions(frame) {
    const bar = this.article(frame.seq)?.querySelector("[data-reactions]");
    if (!bar || frame.chips === undefined) return;
    const chips = fromHtml(`<div>${frame.chips}</div>`);
    const inner = chips.matches("[data-reactions]") ? chips : chips.querySelector("[data-reactions]") || chips;
    bar.replaceChildren(...inner.childNodes);
    this.markOwnReactions(bar);
  }

  // topic frames: title, resolved, moved, accepted answer.
  topic(frame) {
    if (frame.topic !== this.topicId) return;
    if (frame.title) {
      const h1 = document.querySelector("[data-topic-title]") || document.querySelector("h1");
      if (h1) h1.textContent = frame.title;
      document.dispatchEvent(new CustomEvent("kring:title", { detail: frame.title }));
    }
    if (frame.resolved !== undefined) {
      const tag = document.querySelector("[data-topic-resolved]");
      if (tag) tag.hidden = !frame.resolved;
    }
    if (frame.moved_to && frame.moved_to !== this.roomId) {
      // The topic lives in another room now: its messages come there. A reload follows it.
      const notice = document.querySelector("[data-topic-moved]");
      if (notice) notice.hidden = false;
    }
    if (frame.accepted_answer !== undefined) this.showAccepted(frame.accepted_answer);
  }

  // The accepted answer is shown again under the question (the server does so on the page;
  // live, a copy of its article — server markup — goes into the same place).
  showAccepted(messageId) {
    for (const article of this.articles()) {
      if (article.hasAttribute("data-accepted") && Number(article.dataset.messageId) !== messageId) delete article.dataset.accepted;
    }
    if (!messageId) {
      this.list.querySelector(":scope > .accepted-answer")?.remove();
      return;
    }
    const source = this.list.querySelector(`:scope > article[data-message-id="${messageId}"]`);
    if (source) {
      source.dataset.accepted = "";
      this.fillAccepted(source);
    }
  }

  fillAccepted(source) {
    let box = this.list.querySelector(":scope > .accepted-answer");
    if (!box) {
      box = document.createElement("section");
      box.className = "accepted-answer";
      box.setAttribute("aria-label", t("acceptedAnswer", "Accepted answer"));
      const first = this.articles()[0];
      if (first && first.dataset.seq === this.data.firstSeq) first.after(box);
      else this.list.prepend(box);
    }
    const copy = source.cloneNode(true);
    copy.id = `answer-m${source.dataset.seq}`;
    copy.classList.remove("message-grouped");
    copy.querySelector(".message-toolbar")?.remove();
    copy.querySelector(".message-edit")?.remove();
    box.replaceChildren(copy);
  }

  pendingMessage(clientId, body) {
    this.list.querySelector(".empty-state")?.remove();
    const article = document.createElement("article");
    article.className = "message message-pending";
    article.dataset.pending = clientId;
    const meta = document.createElement("div");
    meta.className = "message-meta";
    meta.textContent = t("sending", "Sending…");
    const text = document.createElement("p");
    text.className = "message-body";
    text.textContent = body;
    article.append(meta, text);
    this.list.append(article);
    this.scrollToBottom();
    return article;
  }

  acked(clientId, seq) {
    const pending = this.list.querySelector(`[data-pending="${clientId}"]`);
    if (!pending) return;
    // Already on the page (stored before a reload, rendered with it): drop the copy.
    if (this.article(seq)) return pending.remove();
    pending.querySelector(".message-meta").textContent = t("sent", "Sent");
  }

  failed(clientId, message, retrying, body) {
    const el = this.list.querySelector(`[data-pending="${clientId}"]`);
    if (!el) return;
    el.classList.add("message-failed");
    el.querySelector(".message-meta").textContent = retrying ? `${message} ${t("retrying", "Trying again…")}` : message;
    if (!retrying && body) {
      const textarea = this.root.querySelector(".composer textarea");
      if (textarea && !textarea.value) textarea.value = body;
    }
  }

  typing(frame) {
    if (!this.typingEl || (frame.topic && frame.topic !== this.topicId) || frame.room !== this.roomId) return;
    this.typingEl.textContent = t("typing", "%s is typing…").replace("%s", frame.user.name);
    this.typingUser = frame.user.id;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.clearTyping(), 4000);
  }

  clearTyping() {
    clearTimeout(this.typingTimer);
    this.typingUser = null;
    if (this.typingEl) this.typingEl.textContent = "";
  }

  presence(frame) {
    if (!this.presenceEl || frame.room !== this.roomId) return;
    const names = frame.users.map((u) => u.name);
    this.presenceEl.textContent = names.length ? `${t("present", "Here now:")} ${names.join(", ")}` : "";
  }

  resync() {
    // Reload at most once a minute: if the page itself is behind, say so instead of looping.
    let last = 0;
    try {
      last = Number(sessionStorage.getItem(RELOAD_KEY) || 0);
      if (Date.now() - last > 60000) {
        sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
        location.reload();
        return;
      }
    } catch {
      /* storage disabled: fall back to asking the user */
    }
    this.notice(t("resync", "Much has happened here. Reload the page to see everything."));
  }

  notice(message) {
    if (this.statusEl) {
      this.statusEl.dataset.state = "notice";
      this.statusEl.textContent = message;
    }
  }
}
