// Keeps the sidebar's room counts, the header's unread total and the page title live on every
// page: message frames from others raise a room's unread (and mentions), reads lower it.

function badge(el, count) {
  if (!el) return;
  el.hidden = count <= 0;
  // The number is the badge's first text; anything after it (a visually hidden word) stays.
  const text = [...el.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.data.trim());
  if (text) text.data = String(count);
  else el.prepend(String(count));
}

export class Sidebar {
  constructor(live) {
    this.live = live;
    this.viewerId = Number(document.body.dataset.userId || 0);
    this.rooms = new Map();
    for (const link of document.querySelectorAll("a.sidebar-room[data-room-id]")) {
      const id = Number(link.dataset.roomId);
      const unread = link.querySelector("[data-unread-count]");
      const mentions = link.querySelector("[data-mention-count]");
      const room = this.rooms.get(id) || {
        links: [],
        head: Number(link.dataset.headSeq || 0),
        read: Number(link.dataset.readSeq || 0),
        unread: unread && !unread.hidden ? Number.parseInt(unread.textContent, 10) || 0 : 0,
        mentions: mentions && !mentions.hidden ? Number.parseInt(mentions.textContent, 10) || 0 : 0,
      };
      room.links.push(link);
      this.rooms.set(id, room);
    }
    const total = document.querySelector("[data-unread-total]");
    this.totalEl = total;
    this.otherUnread = 0; // unread in rooms the sidebar does not list: kept as the page had it
    if (total) {
      const shown = Number.parseInt(total.textContent, 10) || 0;
      const listed = [...this.rooms.values()].reduce((sum, r) => sum + r.unread, 0);
      this.otherUnread = Math.max(0, shown - listed);
    }
    this.baseTitle = document.title;
    document.addEventListener("kring:title", (event) => {
      const [, ...rest] = this.baseTitle.split(" · ");
      this.baseTitle = [event.detail, ...rest].join(" · ");
      this.render();
    });
    for (const [id, room] of this.rooms) live.addRoom(id, room.head, false);
    live.on((frame) => this.frame(frame));
    this.render();
  }

  frame(frame) {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    if (frame.type === "message") {
      if (frame.seq <= room.head) return;
      room.head = frame.seq;
      if (frame.author?.id === this.viewerId || frame.seq <= room.read) return;
      room.unread += 1;
      if (this.mentionsMe(frame)) room.mentions += 1;
      this.render();
    } else if (frame.type === "read_sent" || frame.type === "read_state") {
      if (frame.seq <= room.read) return;
      room.read = frame.seq;
      room.unread = frame.seq >= room.head ? 0 : Math.max(0, Math.min(room.unread, room.head - frame.seq));
      if (frame.seq >= room.head) room.mentions = 0;
      this.render();
    }
  }

  // A mention is a link to the member's profile whose text starts with "@" (forum/rendering.py).
  mentionsMe(frame) {
    if (!this.viewerId || !frame.article) return false;
    const template = document.createElement("template");
    template.innerHTML = frame.article;
    return [...template.content.querySelectorAll(`.message-body a[href$="/${this.viewerId}/"]`)].some((a) => a.textContent.trim().startsWith("@"));
  }

  render() {
    let total = this.otherUnread;
    for (const room of this.rooms.values()) {
      total += room.unread;
      for (const link of room.links) {
        link.dataset.headSeq = String(room.head);
        link.dataset.readSeq = String(room.read);
        badge(link.querySelector("[data-unread-count]"), room.unread);
        badge(link.querySelector("[data-mention-count]"), room.mentions);
        link.classList.toggle("is-unread", room.unread > 0);
      }
    }
    if (this.totalEl && this.rooms.size) badge(this.totalEl, total);
    const count = this.rooms.size ? total : Number.parseInt(this.totalEl?.textContent || "0", 10) || 0;
    document.title = count > 0 ? `(${count}) ${this.baseTitle}` : this.baseTitle;
  }
}
