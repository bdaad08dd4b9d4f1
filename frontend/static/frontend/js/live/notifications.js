// The header's notification badge, live: the server sends {"type": "notifications", "unread": n}
// to every socket of the member when their unread notifications change (any app, any tab).

export class NotificationBadge {
  constructor(live, el) {
    this.el = el;
    live.on((frame) => {
      if (frame.type === "notifications" && Number.isInteger(frame.unread)) this.show(frame.unread);
    });
  }

  show(count) {
    const el = this.el;
    el.hidden = count <= 0;
    // The number is the badge's first text; a visually hidden word after it stays.
    const text = [...el.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.data.trim());
    if (text) text.data = String(count);
    else el.prepend(String(count));
    el.dataset.notificationCount = String(count);
  }
}
