// Kring's live connection: one socket per tab, resumes by seq, never loses or doubles a post.
// Protocol: docs/protocol.md. Behaviour as the former realtime.js; what is new: rooms beyond
// the open topic (the sidebar's, within hello's max_subscriptions), listeners for every frame,
// and reads sent by the view as messages come into sight.
import { uuid } from "./strings.js";

const PING_MS = 25000;
const TYPING_MS = 2000;
const READ_DELAY_MS = 800;
const STORAGE_KEY = "kring-pending-posts";
// Errors after which a post is sent again (same client_id). Every other error is final for
// that post: it stays on screen as not sent and is never retried — among them
// client_id_reused (docs/protocol.md: the client_id was used for a post to another room).
const RETRYABLE = new Set(["unavailable", "rate_limited", "internal"]);

class RoomState {
  constructor(id, headSeq, primary) {
    this.id = id;
    this.lastSeq = headSeq; // everything up to here is on the page or not ours to show
    this.fetching = false;
    this.primary = primary; // the open topic's room: subscribed first, holes fetched
    this.readSent = 0;
  }
}

// A view that shows nothing: pages without a conversation still keep the counts live.
export const nullView = {
  root: document.body,
  status() {},
  has: () => false,
  add() {},
  update() {},
  remove() {},
  reactions() {},
  topic() {},
  acked() {},
  failed() {},
  pendingMessage() {},
  typing() {},
  presence() {},
  resync() {},
  notice() {},
};

export class KringLive {
  constructor({ url, rooms = [], view = nullView }) {
    this.url = url;
    this.rooms = new Map();
    for (const r of rooms) this.addRoom(r.id, r.headSeq, r.primary ?? true);
    this.view = view;
    this.listeners = [];
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.maxSubscriptions = 100;
    this.readBurst = 60; // hello's limits replace these
    this.readRate = 20;
    this.toSubscribe = [];
    this.subscribeTokens = 0;
    this.subscribePacer = null;
    this.pending = new Map(this.loadPending()); // client_id -> {room, topic, body}
    this.lastTyping = 0;
    this.pinger = null;
    this.readTimers = new Map();
    window.addEventListener("offline", () => this.goOffline());
    window.addEventListener("online", () => this.connect(true));
  }

  addRoom(id, headSeq, primary = false) {
    const known = this.rooms.get(id);
    if (known) {
      known.primary ||= primary;
      return known;
    }
    const room = new RoomState(id, headSeq, primary);
    this.rooms.set(id, room);
    return room;
  }

  on(listener) {
    this.listeners.push(listener);
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
    clearInterval(this.subscribePacer);
    this.toSubscribe = [];
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

  subscribeAll() {
    // The open topic's room first, then the sidebar's rooms, never past the server's limit.
    // Paced: a member of 50 rooms who opens three pages in a few seconds would otherwise spend
    // the per-member read budget (hello's read_burst, reads_per_second) on subscriptions alone
    // and have the server refuse them with rate_limited. Half the budget is left for reads.
    const rooms = [...this.rooms.values()].sort((a, b) => Number(b.primary) - Number(a.primary));
    this.toSubscribe = rooms.slice(0, this.maxSubscriptions).map((room) => room.id);
    this.subscribeTokens = Math.max(1, Math.floor(this.readBurst / 2));
    this.pace();
  }

  pace() {
    // Refill half the read budget each second and send what it allows; stops when the queue is empty.
    clearInterval(this.subscribePacer);
    this.subscribePacer = setInterval(() => {
      this.subscribeTokens = Math.min(this.readBurst / 2, this.subscribeTokens + this.readRate / 2);
      this.drainSubscriptions();
    }, 1000);
    this.drainSubscriptions();
  }

  drainSubscriptions() {
    while (this.toSubscribe.length && this.subscribeTokens >= 1) {
      const room = this.rooms.get(this.toSubscribe.shift());
      if (!room) continue;
      if (!this.send({ type: "subscribe", room: room.id, after_seq: room.lastSeq, ref: `sub:${room.id}` })) return;
      this.subscribeTokens -= 1;
    }
    if (!this.toSubscribe.length) clearInterval(this.subscribePacer);
  }

  retrySubscription(roomId, waitSeconds) {
    // Refused for rate: ask again later, quietly (the member did nothing wrong).
    setTimeout(() => {
      if (!this.rooms.has(roomId) || this.toSubscribe.includes(roomId)) return;
      this.toSubscribe.push(roomId);
      if (this.toSubscribe.length === 1) this.pace(); // the pacer stopped when the queue emptied
      else this.drainSubscriptions();
    }, Math.max(1, waitSeconds || 1) * 1000);
  }

  // --- frames from the server ------------------------------------------------------------
  receive(frame) {
    switch (frame.type) {
      case "hello":
        this.attempt = 0;
        this.maxSubscriptions = frame.limits?.max_subscriptions || this.maxSubscriptions;
        this.readBurst = frame.limits?.read_burst || this.readBurst;
        this.readRate = frame.limits?.reads_per_second || this.readRate;
        this.view.status("online");
        this.view.root.dataset.connected = "true";
        clearInterval(this.pinger);
        this.pinger = setInterval(() => this.send({ type: "ping" }), PING_MS);
        this.subscribeAll();
        // What was read while the socket was down is told now.
        for (const [roomId, room] of this.rooms) if (room.readWanted > room.readSent) this.markRead(roomId, room.readWanted);
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
      case "topic":
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
        if (frame.reason === "access_revoked" && this.rooms.get(frame.room)?.primary) this.view.status("revoked");
        break;
      case "error":
        this.error(frame);
        break;
      default:
        break;
    }
    for (const listener of this.listeners) listener(frame);
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
    if (room.primary && frame.seq > room.lastSeq + 1 && !room.fetching) {
      // A hole: the live stream skipped something. Ask for it at once.
      room.fetching = true;
      this.send({ type: "fetch", room: room.id, from_seq: room.lastSeq + 1, to_seq: frame.seq - 1 });
    }
    room.lastSeq = Math.max(room.lastSeq, frame.seq);
    this.view.add(frame);
    if (this.pending.delete(frame.client_id)) this.savePending();
  }

  resync(frame) {
    // The room cannot be resumed from what this tab holds (too far behind, or seqs past the
    // room's head after a restore): reload its state. Unsent posts survive the reload in
    // sessionStorage and are sent again with their own client_id.
    const room = this.rooms.get(frame.room);
    if (room) room.lastSeq = frame.head_seq;
    if (room?.primary) this.view.resync(frame);
  }

  // The view saw messages up to seq: tell the server (once per second at most per room).
  // With ``topicId`` the topic's own marker moves too (the topic page opens at its first unread).
  markRead(roomId, seq, topicId = null) {
    const room = this.rooms.get(roomId);
    if (!room || seq <= room.readSent) return;
    room.readWanted = Math.max(room.readWanted || 0, seq);
    if (topicId) room.readTopic = topicId;
    if (this.readTimers.has(roomId)) return;
    this.readTimers.set(
      roomId,
      setTimeout(() => {
        this.readTimers.delete(roomId);
        const frame = { type: "read", room: roomId, seq: room.readWanted };
        if (room.readTopic) frame.topic = room.readTopic;
        if (room.readWanted > room.readSent && this.send(frame)) {
          room.readSent = room.readWanted;
          for (const listener of this.listeners) listener({ type: "read_sent", room: roomId, seq: room.readSent });
        }
      }, READ_DELAY_MS),
    );
  }

  acked(clientId, seq) {
    if (this.pending.delete(clientId)) this.savePending();
    this.view.acked(clientId, seq);
  }

  error(frame) {
    if (frame.code === "rate_limited" && typeof frame.ref === "string" && frame.ref.startsWith("sub:")) {
      return this.retrySubscription(Number(frame.ref.slice(4)), frame.wait_seconds);
    }
    // A background frame (a read marker, typing) refused for rate is not the member's concern.
    if (frame.code === "rate_limited" && !frame.client_id) return undefined;
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
  post(room, topic, body, clientId = uuid(), replyTo = null) {
    const post = { room, topic, body };
    if (replyTo) post.reply_to = Number(replyTo);
    this.pending.set(clientId, post);
    this.savePending();
    this.view.pendingMessage(clientId, body);
    if (!this.send(this.postFrame(clientId, post))) this.view.status(navigator.onLine ? "reconnecting" : "offline");
    return clientId;
  }

  postFrame(clientId, post) {
    const frame = { type: "post", room: post.room, topic: post.topic, body: post.body, client_id: clientId };
    if (post.reply_to) frame.reply_to = post.reply_to;
    return frame;
  }

  resend(clientId) {
    const post = this.pending.get(clientId);
    if (post) this.send(this.postFrame(clientId, post));
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
