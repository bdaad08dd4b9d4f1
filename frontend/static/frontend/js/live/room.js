// The room page: the topic list follows `topic` frames (the server's rendered row) and message
// counts follow `message` frames.

function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

export class RoomView {
  constructor(root, live) {
    this.root = root;
    this.roomId = Number(root.dataset.liveRoom);
    this.list = root.querySelector("[data-topic-list]");
    live.addRoom(this.roomId, Number(root.dataset.headSeq || 0), true);
    live.on((frame) => this.frame(frame));
  }

  row(topicId) {
    return this.list?.querySelector(`[data-topic-id="${topicId}"]`);
  }

  frame(frame) {
    if (!this.list) return;
    if (frame.type === "topic") {
      const existing = this.row(frame.topic);
      if (frame.room !== this.roomId || (frame.moved_to && Number(frame.moved_to.id ?? frame.moved_to) !== this.roomId)) {
        existing?.remove(); // moved away from this room
        return;
      }
      if (!frame.row) return;
      const row = fromHtml(frame.row);
      if (existing) existing.replaceWith(row);
      else {
        this.root.querySelector("[data-topics-empty]")?.remove();
        this.list.hidden = false;
        this.list.prepend(row);
      }
    } else if (frame.type === "message" && frame.room === this.roomId) {
      const row = this.row(frame.topic);
      if (!row) return;
      const count = row.querySelector("[data-message-count]");
      if (count && frame.seq > Number(row.dataset.lastSeq || 0)) {
        row.dataset.lastSeq = String(frame.seq);
        count.textContent = String((Number.parseInt(count.textContent, 10) || 0) + 1);
      }
      if (frame.author?.id !== Number(document.body.dataset.userId || 0)) row.classList.add("topic-row-unread");
      this.list.prepend(row); // the most recent conversation first
    }
  }
}
