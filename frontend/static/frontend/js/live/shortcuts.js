// Keyboard: `?` lists the shortcuts; c/r to the composer (r replies to the focused message);
// ↑/↓ or j/k move between messages (roving focus: the list is one tab stop); e edits your own.
import { openDialog } from "../ui.js";

function typing(target) {
  return target.closest?.("input, textarea, select, [contenteditable], emoji-picker, dialog");
}

export class Shortcuts {
  constructor(view, { composer, editor, toolbar }) {
    this.view = view;
    this.composer = composer;
    this.editor = editor;
    this.toolbar = toolbar;
    this.dialog = document.getElementById("shortcuts-dialog");
    this.list = view.list;
    this.roving(this.defaultArticle());
    this.list.addEventListener("focusin", (event) => {
      const article = event.target.closest("article.message[data-seq]");
      if (article?.parentElement === this.list) this.roving(article);
    });
    this.list.addEventListener("keydown", (event) => this.listKey(event));
    document.addEventListener("keydown", (event) => this.globalKey(event));
    view.on("replaced", (old, article) => {
      if (old.tabIndex === 0) this.roving(article);
    });
    view.on("added", () => {
      // Unless the reader is moving through the list, its one tab stop is the newest message.
      if (!this.list.contains(document.activeElement)) this.roving(this.defaultArticle());
    });
    document.querySelector("[data-shortcuts-open]")?.addEventListener("click", () => this.show());
  }

  articles() {
    return [...this.view.articles()];
  }

  defaultArticle() {
    const articles = this.articles();
    return articles[articles.length - 1];
  }

  roving(article) {
    if (!article) return;
    for (const other of this.list.querySelectorAll('article.message[tabindex="0"]')) other.tabIndex = -1;
    article.tabIndex = 0;
  }

  move(from, step) {
    const articles = this.articles();
    let index = articles.indexOf(from);
    if (index < 0) index = articles.length;
    const next = articles[Math.max(0, Math.min(articles.length - 1, index + step))];
    if (next) {
      this.roving(next);
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  }

  listKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const article = event.target.closest("article.message[data-seq]");
    if (article?.parentElement !== this.list) return;
    const key = event.key;
    if (key === "ArrowDown" || key === "j") this.move(article, 1);
    else if (key === "ArrowUp" || key === "k") this.move(article, -1);
    else if (key === "Home") this.move(article, -Infinity);
    else if (key === "End") this.move(article, Infinity);
    else if (key === "e" && Number(article.dataset.authorId) === this.view.viewerId) this.editor.start(article);
    else if (key === "r" && this.view.data.canPost === "true") this.composer.replyTo(article, false);
    else if (key === "q" && this.view.data.canPost === "true") this.composer.replyTo(article, true);
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  globalKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key;
    if (key === "?") {
      this.show();
    } else if ((key === "c" || key === "r") && this.composer.form) {
      this.composer.focus();
    } else if (key === "e") {
      const own = this.articles()
        .reverse()
        .find((a) => Number(a.dataset.authorId) === this.view.viewerId && !a.hasAttribute("data-deleted"));
      if (!own) return;
      this.editor.start(own);
    } else if (key === "j" || key === "k" || key === "ArrowDown" || key === "ArrowUp") {
      if (key.startsWith("Arrow") && event.target !== document.body) return;
      const current = this.list.querySelector('article.message[tabindex="0"]') || this.defaultArticle();
      current?.focus();
    } else if (key === "Escape") {
      this.toolbar?.detach?.();
      return;
    } else {
      return;
    }
    event.preventDefault();
  }

  show() {
    if (this.dialog) openDialog(this.dialog);
  }
}
