// ONE action toolbar, moved to the message under the pointer or with keyboard focus. Buttons
// are shown from the article's data and the list's capabilities; the server checks each action.
import { closeDialog, openDialog, toast } from "../ui.js";
import { postJson, t } from "./strings.js";

export class Toolbar {
  constructor(view, live, { reactions, composer, editor }) {
    this.view = view;
    this.live = live;
    this.reactions = reactions;
    this.composer = composer;
    this.editor = editor;
    this.el = document.querySelector("[data-message-toolbar]");
    this.flagDialog = document.getElementById("flag-dialog");
    this.deleteDialog = document.getElementById("delete-dialog");
    this.current = null;
    if (!this.el) return;
    const list = view.list;
    list.addEventListener("mouseover", (event) => {
      const article = event.target.closest("article.message[data-seq]");
      if (article?.parentElement === list && !article.hasAttribute("data-editing")) this.attach(article);
    });
    list.addEventListener("focusin", (event) => {
      const article = event.target.closest("article.message[data-seq]");
      if (article?.parentElement === list) this.attach(article);
    });
    view.on("replaced", (old) => {
      if (this.current === old) this.detach();
    });
    view.on("removed", (article) => {
      if (this.current === article) this.attach(article);
    });
    this.el.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (button && this.current) this.act(button.dataset.action, this.current, button);
    });
    this.flagDialog?.querySelector("form")?.addEventListener("submit", (event) => this.submitFlag(event));
    this.deleteDialog?.querySelector("form")?.addEventListener("submit", (event) => this.submitDelete(event));
  }

  attach(article) {
    if (this.current === article && this.el.parentElement === article) return;
    this.current = article;
    this.show(article);
    article.append(this.el);
    this.el.hidden = false;
  }

  detach() {
    this.current = null;
    this.el.hidden = true;
    this.view.list.after(this.el);
  }

  show(article) {
    const caps = this.view.data;
    const own = Number(article.dataset.authorId) === this.view.viewerId && this.view.viewerId > 0;
    const deleted = article.hasAttribute("data-deleted");
    const canPost = caps.canPost === "true";
    const mod = caps.canModerate === "true";
    const rules = {
      react: canPost && !deleted,
      reply: canPost && !deleted,
      quote: canPost && !deleted,
      edit: own && canPost && !deleted,
      delete: (own || mod) && !deleted,
      pin: mod && !deleted,
      hide: mod && !deleted,
      accept: caps.canAccept === "true" && !deleted && Number(article.dataset.seq) !== Number(caps.firstSeq),
      flag: this.view.viewerId > 0 && !own && !deleted,
      // "Op de agenda zetten": to the meetings page that lists the community's coming meetings.
      agenda: canPost && !deleted && Boolean(caps.agendaUrl),
      link: true,
    };
    for (const button of this.el.querySelectorAll("button[data-action]")) {
      const name = button.dataset.action;
      button.hidden = !rules[name];
      const on =
        (name === "pin" && article.hasAttribute("data-pinned")) ||
        (name === "hide" && article.hasAttribute("data-hidden")) ||
        (name === "accept" && article.hasAttribute("data-accepted"));
      if (button.dataset.labelOn) {
        const label = on ? button.dataset.labelOn : button.dataset.labelOff;
        button.setAttribute("aria-label", label);
        button.title = label;
        button.setAttribute("aria-pressed", String(on));
      }
    }
  }

  actionUrl(article, action) {
    return this.view.data.actionUrl.replace("/0/action/", `/${article.dataset.messageId}/${action}/`);
  }

  async act(action, article, button) {
    const seq = Number(article.dataset.seq);
    switch (action) {
      case "react":
        this.reactions.openMenu(button, (emoji) => {
          const chip = article.querySelector(`button.reaction[data-emoji="${CSS.escape(emoji)}"]`);
          this.reactions.toggle(article, emoji, chip?.getAttribute("aria-pressed") !== "true");
        });
        break;
      case "reply":
        this.composer.replyTo(article, false);
        break;
      case "quote":
        this.composer.replyTo(article, true);
        break;
      case "edit":
        this.editor.start(article);
        break;
      case "delete":
        if (this.deleteDialog) {
          this.deleteDialog.dataset.seq = String(seq);
          openDialog(this.deleteDialog);
        }
        break;
      case "pin":
      case "hide":
        await this.post(this.actionUrl(article, this.toggled(action, article)), {}, t(`${action}Done`, "Done."));
        break;
      case "accept":
        await this.post(
          this.view.data.manageUrl,
          { action: "accept", message: article.dataset.messageId },
          t("acceptDone", "Marked as the accepted answer."),
        );
        break;
      case "flag":
        if (this.flagDialog) {
          this.flagDialog.dataset.messageId = article.dataset.messageId;
          this.flagDialog.querySelector("form")?.reset();
          this.flagDialog.querySelector("[data-flag-error]").hidden = true;
          this.flagDialog.querySelector("[name=reason]").removeAttribute("aria-invalid");
          openDialog(this.flagDialog);
        }
        break;
      case "agenda":
        location.assign(fromMessageUrl(this.view.data.agendaUrl, article.dataset.messageId));
        break;
      case "link":
        await this.copyLink(article);
        break;
      default:
        break;
    }
  }

  toggled(action, article) {
    if (action === "pin") return article.hasAttribute("data-pinned") ? "unpin" : "pin";
    return article.hasAttribute("data-hidden") ? "restore" : "hide";
  }

  async post(url, data, done) {
    try {
      await postJson(url, data);
      toast(done, { kind: "success" });
    } catch (error) {
      toast(error.message, { kind: "error" });
    }
  }

  async copyLink(article) {
    const url = `${location.origin}${location.pathname}#m${article.dataset.seq}`;
    try {
      await navigator.clipboard.writeText(url);
      toast(t("linkCopied", "Link copied."), { kind: "success" });
    } catch {
      history.replaceState(null, "", `#m${article.dataset.seq}`);
      toast(url);
    }
  }

  async submitFlag(event) {
    event.preventDefault();
    const form = event.target;
    const reason = form.elements.reason.value.trim();
    const error = form.querySelector("[data-flag-error]");
    if (!reason) {
      // The form is novalidate: the design system's field error, not the browser's bubble.
      form.elements.reason.setAttribute("aria-invalid", "true");
      form.elements.reason.setAttribute("aria-describedby", error.id);
      error.hidden = false;
      form.elements.reason.focus();
      return;
    }
    form.elements.reason.removeAttribute("aria-invalid");
    form.elements.reason.removeAttribute("aria-describedby");
    error.hidden = true;
    const article = this.view.list.querySelector(`article[data-message-id="${this.flagDialog.dataset.messageId}"]`);
    closeDialog(this.flagDialog);
    if (article) await this.post(this.actionUrl(article, "flag"), { reason }, t("flagDone", "Thank you. The facilitators will look at it."));
  }

  submitDelete(event) {
    event.preventDefault();
    const seq = Number(this.deleteDialog.dataset.seq);
    closeDialog(this.deleteDialog);
    if (!this.live.send({ type: "delete", room: this.view.roomId, seq })) toast(t("offlineAction", "You are offline: try again when you are back."), { kind: "error" });
  }
}

function fromMessageUrl(template, id) {
  return template.replace("/0/", `/${encodeURIComponent(id)}/`);
}
