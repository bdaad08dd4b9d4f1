// The room page: the topic list follows `topic` frames (the server's rendered row) and message
// counts follow `message` frames.
import { formatTime, formatTimes } from "../ui.js";

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
    formatTimes(root);
    live.on((frame) => this.frame(frame));
  }

  // "3 berichten": the page's own plural forms (data-count-one/-other), with the number put in.
  counted(n) {
    const form = n === 1 ? this.list.dataset.countOne : this.list.dataset.countOther;
    return form ? form.replace(/\d+/, String(n)) : String(n);
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
      formatTimes(row);
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
      if (frame.seq <= Number(row.dataset.lastSeq || 0)) return; // seen already (a replay)
      row.dataset.lastSeq = String(frame.seq);
      if (count) count.textContent = this.counted((Number.parseInt(count.textContent, 10) || 0) + 1);
      const time = row.querySelector("time");
      if (time && frame.created_at) {
        time.dateTime = frame.created_at;
        formatTime(time);
      }
      if (frame.author?.id !== Number(document.body.dataset.userId || 0)) row.classList.add("topic-unread");
      this.list.prepend(row); // the most recent conversation first
    }
  }
}
