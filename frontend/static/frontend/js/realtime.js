// Kring's live client: one socket per tab, resumes by seq, never loses or doubles a post.
// Protocol: docs/protocol.md. No build step; loaded as an ES module.

const PING_MS = 25000;
const TYPING_MS = 2000;
const STORAGE_KEY = "kring-pending-posts";
const RELOAD_KEY = "kring-resync-reload";
// Errors after which a post is sent again (same client_id). Every other error is final for
// that post: it stays on screen as not sent and is never retried — among them
// client_id_reused (docs/protocol.md: the client_id was used for a post to another room).
const RETRYABLE = new Set(["unavailable", "rate_limited", "internal"]);

const strings = JSON.parse(document.getElementById("kring-strings")?.textContent || "{}");
const t = (key, fallback) => strings[key] || fallback;

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

class RoomState {
  constructor(id, headSeq) {
    this.id = id;
    this.lastSeq = headSeq; // everything up to here is on the page or not ours to show
    this.fetching = false;
  }
}

export class KringLive {
  constructor({ url, rooms, view }) {
    this.url = url;
    this.rooms = new Map(rooms.map((r) => [r.id, new RoomState(r.id, r.headSeq)]));
    this.view = view;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.pending = new Map(this.loadPending()); // client_id -> {room, topic, body}
    this.lastTyping = 0;
    this.pinger = null;
    window.addEventListener("offline", () => this.goOffline());
    window.addEventListener("online", () => this.connect(true));
  }

  // --- connection ---------------------------------------------------------------------
  connect(now = false) {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    if (!navigator.onLine) return this.view.status("offline");
    clearTimeout(this.retryTimer);
    const delay = now ? 0 : Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.view.status(this.attempt === 0 ? "connecting" : "reconnecting");
    this.retryTimer = setTimeout(() => this.open(), this.attempt === 0 ? 0 : delay);
  }

  open() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(JSON.parse(event.data));
    socket.onclose = (event) => this.closed(socket, event);
    socket.onerror = () => socket.close();
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    delete this.view.root.dataset.connected;
    clearInterval(this.pinger);
    if (event.code === 4401 || event.code === 4403) {
      this.stopped = true;
      return this.view.status("ended");
    }
    this.attempt += 1;
    this.view.status(navigator.onLine ? "reconnecting" : "offline");
    this.connect();
  }

  goOffline() {
    delete this.view.root.dataset.connected;
    this.view.status("offline");
    if (this.socket) this.socket.close();
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // --- frames from the server ------------------------------------------------------------
  receive(frame) {
    switch (frame.type) {
      case "hello":
        this.attempt = 0;
        this.view.status("online");
        this.view.root.dataset.connected = "true";
        clearInterval(this.pinger);
        this.pinger = setInterval(() => this.send({ type: "ping" }), PING_MS);
        for (const room of this.rooms.values()) this.send({ type: "subscribe", room: room.id, after_seq: room.lastSeq });
        break;
      case "caught_up":
        this.caughtUp(frame);
        break;
      case "message":
        this.message(frame);
        break;
      case "message_edited":
        this.view.update(frame);
        break;
      case "message_deleted":
        this.view.remove(frame);
        break;
      case "reaction":
        this.view.reactions(frame);
        break;
      case "topic_updated":
        this.view.topic(frame);
        break;
      case "ack":
        this.acked(frame.client_id, frame.seq);
        break;
      case "typing":
        this.view.typing(frame);
        break;
      case "presence":
        this.view.presence(frame);
        break;
      case "resync":
        this.resync(frame);
        break;
      case "unsubscribed":
        if (frame.reason === "access_revoked") this.view.status("revoked");
        break;
      case "error":
        this.error(frame);
        break;
      default:
        break;
    }
  }

  caughtUp(frame) {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    room.lastSeq = Math.max(room.lastSeq, frame.seq);
    room.fetching = false;
    this.flushPending();
  }

  message(frame) {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    if (frame.seq <= room.lastSeq && this.view.has(frame)) return; // a repeat
    if (frame.seq > room.lastSeq + 1 && !room.fetching) {
      // A hole: the live stream skipped something. Ask for it at once.
      room.fetching = true;
      this.send({ type: "fetch", room: room.id, from_seq: room.lastSeq + 1, to_seq: frame.seq - 1 });
    }
    room.lastSeq = Math.max(room.lastSeq, frame.seq);
    this.view.add(frame);
    if (this.pending.delete(frame.client_id)) this.savePending();
    if (document.visibilityState === "visible") this.markRead(room);
  }

  resync(frame) {
    // The room cannot be resumed from what this tab holds (too far behind, or seqs past the
    // room's head after a restore): reload its state. Unsent posts survive the reload in
    // sessionStorage and are sent again with their own client_id.
    const room = this.rooms.get(frame.room);
    if (room) room.lastSeq = frame.head_seq;
    this.view.resync(frame);
  }

  markRead(room) {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.send({ type: "read", room: room.id, seq: room.lastSeq }), 1000);
  }

  acked(clientId, seq) {
    if (this.pending.delete(clientId)) this.savePending();
    this.view.acked(clientId, seq);
  }

  error(frame) {
    if (!frame.client_id || !this.pending.has(frame.client_id)) return this.view.notice(frame.message);
    if (RETRYABLE.has(frame.code)) {
      const wait = Math.max(1, frame.wait_seconds || 2) * 1000;
      setTimeout(() => this.resend(frame.client_id), wait);
      this.view.failed(frame.client_id, frame.message, true);
    } else {
      // Refused for good: keep the text on screen so nothing the user wrote is lost.
      const post = this.pending.get(frame.client_id);
      this.pending.delete(frame.client_id);
      this.savePending();
      this.view.failed(frame.client_id, frame.message, false, post?.body);
    }
  }

  // --- posting ---------------------------------------------------------------------------------
  post(room, topic, body, clientId = uuid()) {
    this.pending.set(clientId, { room, topic, body });
    this.savePending();
    this.view.pendingMessage(clientId, body);
    if (!this.send({ type: "post", room, topic, body, client_id: clientId })) this.view.status(navigator.onLine ? "reconnecting" : "offline");
    return clientId;
  }

  resend(clientId) {
    const post = this.pending.get(clientId);
    if (post) this.send({ type: "post", room: post.room, topic: post.topic, body: post.body, client_id: clientId });
  }

  flushPending() {
    // After a (re)connect every unacknowledged post is sent again with its own client_id:
    // the server answers a repeat with the first message's ack, so nothing doubles.
    for (const clientId of this.pending.keys()) this.resend(clientId);
  }

  typing(room, topic) {
    const now = Date.now();
    if (now - this.lastTyping < TYPING_MS) return;
    this.lastTyping = now;
    this.send({ type: "typing", room, topic });
  }

  loadPending() {
    try {
      return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "[]");
    } catch {
      return [];
    }
  }

  savePending() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify([...this.pending.entries()]));
    } catch {
      /* storage full or disabled: the in-memory queue still holds the posts */
    }
  }
}

// --- the topic page ------------------------------------------------------------------------------
class TopicView {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector(".messages");
    this.topicId = Number(this.list.dataset.topic);
    this.roomId = Number(this.list.dataset.room);
    this.statusEl = document.getElementById("live-status");
    this.typingEl = root.querySelector(".typing-indicator");
    this.presenceEl = root.querySelector(".presence");
    this.typingTimer = null;
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
    return Boolean(this.list.querySelector(`[data-seq="${frame.seq}"]`));
  }

  element(frame) {
    const article = document.createElement("article");
    article.className = "message";
    article.id = `m${frame.seq}`;
    article.dataset.seq = frame.seq;
    article.dataset.clientId = frame.client_id;
    const meta = document.createElement("div");
    meta.className = "message-meta";
    const author = document.createElement("span");
    author.className = "message-author";
    author.textContent = frame.author?.name || t("former_member", "former member");
    const time = document.createElement("time");
    time.dateTime = frame.created_at;
    time.textContent = new Date(frame.created_at).toLocaleString(document.documentElement.lang || "nl");
    meta.append(author, " ", time);
    const body = document.createElement("div");
    body.className = "message-body";
    this.fill(body, frame);
    const reactions = document.createElement("div");
    reactions.className = "reactions";
    this.fillReactions(reactions, frame.reactions);
    article.append(meta, body, reactions);
    return article;
  }

  fill(body, frame) {
    if (frame.deleted) {
      body.className = "message-deleted";
      body.textContent = t("deleted", "This message was deleted.");
    } else {
      body.innerHTML = frame.html; // sanitised on the server when the message was written
    }
  }

  fillReactions(el, reactions) {
    el.replaceChildren(
      ...Object.entries(reactions || {}).map(([emoji, users]) => {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = `${emoji} ${users.length}`;
        return tag;
      }),
    );
  }

  add(frame) {
    if (frame.topic !== this.topicId || this.has(frame)) return;
    this.list.querySelector(".empty-state")?.remove();
    const pending = this.list.querySelector(`[data-pending="${frame.client_id}"]`);
    const el = this.element(frame);
    if (pending) return pending.replaceWith(el);
    // Keep seq order even when a fetched hole arrives after later messages.
    const later = [...this.list.querySelectorAll("[data-seq]")].find((n) => Number(n.dataset.seq) > frame.seq);
    const firstPending = this.list.querySelector("[data-pending]");
    this.list.insertBefore(el, later || firstPending || null);
  }

  update(frame) {
    const el = this.list.querySelector(`[data-seq="${frame.seq}"]`);
    if (!el || frame.topic !== this.topicId) return;
    this.fill(el.querySelector(".message-body, .message-deleted"), frame);
    this.fillReactions(el.querySelector(".reactions"), frame.reactions);
  }

  remove(frame) {
    const el = this.list.querySelector(`[data-seq="${frame.seq}"]`);
    if (!el) return;
    const body = el.querySelector(".message-body");
    if (body) this.fill(body, { deleted: true });
    el.querySelector(".message-actions")?.remove();
  }

  reactions(frame) {
    const el = this.list.querySelector(`[data-seq="${frame.seq}"] .reactions`);
    if (el) this.fillReactions(el, frame.reactions);
  }

  topic(frame) {
    if (frame.topic !== this.topicId) return;
    const h1 = document.querySelector("h1");
    if (h1) h1.textContent = frame.title;
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
  }

  acked(clientId, seq) {
    const pending = this.list.querySelector(`[data-pending="${clientId}"]`);
    if (!pending) return;
    // Already on the page (stored before a reload, rendered with it): drop the copy.
    if (this.list.querySelector(`[data-seq="${seq}"]`)) return pending.remove();
    pending.querySelector(".message-meta").textContent = t("sent", "Sent");
  }

  failed(clientId, message, retrying, body) {
    const el = this.list.querySelector(`[data-pending="${clientId}"]`);
    if (!el) return;
    el.classList.add("message-failed");
    el.querySelector(".message-meta").textContent = retrying ? `${message} ${t("retrying", "Trying again…")}` : message;
    if (!retrying && body) {
      const textarea = this.root.querySelector(".post-form textarea");
      if (textarea && !textarea.value) textarea.value = body;
    }
  }

  typing(frame) {
    if (!this.typingEl || (frame.topic && frame.topic !== this.topicId)) return;
    this.typingEl.textContent = t("typing", "%s is typing…").replace("%s", frame.user.name);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => (this.typingEl.textContent = ""), 4000);
  }

  presence(frame) {
    if (!this.presenceEl) return;
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

function start() {
  const root = document.querySelector("[data-live-topic]");
  if (!root || !("WebSocket" in window)) return; // the page works without JavaScript
  const view = new TopicView(root);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const live = new KringLive({
    url: `${scheme}://${location.host}/ws/`,
    rooms: [{ id: view.roomId, headSeq: Number(view.list.dataset.headSeq) }],
    view,
  });
  window.kringLive = live;
  // Posts not yet acknowledged before a reload are shown again; they are resent on connect.
  for (const [clientId, post] of live.pending) {
    if (post.topic === view.topicId) view.pendingMessage(clientId, post.body);
  }
  const form = root.querySelector(".post-form");
  const textarea = form?.querySelector("textarea");
  form?.addEventListener("submit", (event) => {
    if (!textarea || !textarea.value.trim() || form.querySelector("input[type=file]")?.files?.length) return;
    event.preventDefault(); // sent over the socket instead; the form still works without JS
    const clientInput = form.querySelector("input[name=client_id]");
    live.post(view.roomId, view.topicId, textarea.value, clientInput?.value || uuid());
    textarea.value = "";
    if (clientInput) clientInput.value = uuid();
  });
  textarea?.addEventListener("input", () => live.typing(view.roomId, view.topicId));
  live.connect(true);
}

start();
