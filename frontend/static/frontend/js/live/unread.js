// Where the topic opens (first unread with a "Nieuw" divider, else the bottom), reading as
// messages come into sight, the "jump to latest" button and older messages on scroll up.
import { formatTimes } from "../ui.js";
import { t } from "./strings.js";

const OLDER_MARGIN_PX = 300;

export class UnreadTracker {
  constructor(view, live) {
    this.view = view;
    this.live = live;
    this.list = view.list;
    this.readSeq = Number(this.list.dataset.firstUnreadSeq || 0) - 1;
    this.seen = 0;
    this.newCount = 0;
    this.loadingOlder = false;
    this.jump = document.querySelector("[data-jump-latest]");
    this.jumpCount = this.jump?.querySelector("[data-jump-count]");
    this.observer = new IntersectionObserver((entries) => this.intersect(entries), { root: this.list, threshold: 0.6 });
    for (const article of view.articles()) this.observer.observe(article);
    view.on("added", (article, frame, followed) => this.added(article, frame, followed));
    view.on("replaced", (old, article) => {
      this.observer.unobserve(old);
      this.observer.observe(article);
    });
    this.list.addEventListener("scroll", () => this.scrolled(), { passive: true });
    this.jump?.addEventListener("click", () => this.toLatest());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.flush();
    });
  }

  open() {
    const first = Number(this.list.dataset.firstUnreadSeq || 0);
    const article = first ? this.view.article(first) : null;
    if (article && article.previousElementSibling) {
      const divider = document.createElement("div");
      divider.className = "unread-divider";
      divider.setAttribute("role", "separator");
      divider.dataset.unreadDivider = "";
      const label = document.createElement("span");
      label.textContent = t("new", "New");
      divider.append(label);
      article.before(divider);
      this.list.scrollTop = Math.max(0, divider.offsetTop - this.list.offsetTop - 8);
    } else {
      this.view.scrollToBottom();
    }
    this.scrolled();
  }

  intersect(entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const seq = Number(entry.target.dataset.seq);
      if (seq > this.seen) this.seen = seq;
    }
    this.flush();
  }

  flush() {
    if (document.visibilityState !== "visible" || this.seen <= this.readSeq) return;
    this.readSeq = this.seen;
    this.live.markRead(this.view.roomId, this.seen, this.view.topicId);
  }

  added(article, frame, followed) {
    this.observer.observe(article);
    if (!followed && frame.author?.id !== this.view.viewerId) {
      this.newCount += 1;
      this.showJump();
    }
  }

  scrolled() {
    const atBottom = this.view.nearBottom();
    if (atBottom) this.newCount = 0;
    this.showJump(!atBottom);
    if (this.list.scrollTop < OLDER_MARGIN_PX) this.loadOlder();
  }

  showJump(visible = true) {
    if (!this.jump) return;
    const far = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight > this.list.clientHeight / 2;
    this.jump.hidden = !(visible && (far || this.newCount));
    if (this.jumpCount) {
      this.jumpCount.textContent = this.newCount ? String(this.newCount) : "";
      this.jumpCount.hidden = !this.newCount;
    }
  }

  toLatest() {
    this.view.scrollToBottom();
    this.newCount = 0;
    this.showJump(false);
    const last = [...this.view.articles()].pop();
    last?.focus({ preventScroll: true });
  }

  async loadOlder() {
    const data = this.list.dataset;
    if (this.loadingOlder || data.hasOlder !== "true" || !data.oldestSeq || !data.olderUrl) return;
    this.loadingOlder = true;
    this.list.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${data.olderUrl}?before=${data.oldestSeq}`, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      // Top-level articles only (:scope matches nothing in a fragment); the accepted answer's copy is not one.
      const articles = [...template.content.children].filter(
        (a) => a.matches("article.message[data-seq]") && !this.view.article(a.dataset.seq),
      );
      const before = this.list.scrollHeight;
      const top = this.list.scrollTop;
      const first = this.list.querySelector(":scope > article.message[data-seq]");
      for (const article of articles) {
        this.list.insertBefore(article, first);
        formatTimes(article);
        this.view.markOwnReactions(article);
        this.view.group(article);
        this.observer.observe(article);
      }
      if (first) this.view.group(first);
      this.list.scrollTop = top + (this.list.scrollHeight - before);
      if (articles.length) data.oldestSeq = articles[0].dataset.seq;
      data.hasOlder = response.headers.get("X-Has-Older") === "1" && articles.length ? "true" : "false";
      document.querySelector("[data-older-link]")?.toggleAttribute("hidden", data.hasOlder !== "true");
    } catch {
      data.hasOlder = "false"; // the link above the list still works
    } finally {
      this.loadingOlder = false;
      this.list.removeAttribute("aria-busy");
    }
  }
}
