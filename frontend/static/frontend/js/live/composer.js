// The composer fixed at the bottom: Enter sends, Shift+Enter breaks the line, a preview
// rendered by the server (the one Markdown renderer), files by paste/drop/picker with upload
// progress, reply/quote bar, a draft per topic kept in localStorage.
import { toast } from "../ui.js";
import { Autocomplete } from "./mentions.js";
import { csrfToken, t, uuid } from "./strings.js";

const DRAFT_PREFIX = "kring-draft-";
const QUOTE_CHARS = 400;

function excerpt(article, chars) {
  const body = article.querySelector(".message-body");
  const text = (body?.innerText || body?.textContent || "").trim();
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

export class Composer {
  constructor(view, live) {
    this.view = view;
    this.live = live;
    this.form = document.querySelector("form[data-composer]");
    if (!this.form) return;
    this.textarea = this.form.querySelector("textarea[name=body]");
    this.fileInput = this.form.querySelector("input[type=file]");
    this.replyInput = this.form.querySelector("input[name=reply_to]");
    this.replyBar = this.form.querySelector("[data-reply-bar]");
    this.filesBox = this.form.querySelector("[data-files]");
    this.preview = this.form.querySelector("[data-preview]");
    this.previewToggle = this.form.querySelector("[data-preview-toggle]");
    this.draftKey = `${DRAFT_PREFIX}${view.topicId}`;
    this.files = [];
    this.reply = null;
    const listbox = this.form.querySelector("[data-suggestions]");
    this.autocomplete = listbox ? new Autocomplete(this.textarea, listbox, { membersUrl: view.data.membersUrl }) : null;

    this.fitPlaceholder();
    this.textarea.addEventListener("keydown", (event) => this.keydown(event));
    this.textarea.addEventListener("input", () => {
      this.live.typing(view.roomId, view.topicId);
      this.autosize();
      this.saveDraft();
    });
    this.form.addEventListener("submit", (event) => this.submit(event));
    this.form.querySelector("[data-reply-cancel]")?.addEventListener("click", () => this.clearReply(true));
    this.previewToggle?.addEventListener("click", () => this.togglePreview());
    this.fileInput?.addEventListener("change", () => {
      this.addFiles([...this.fileInput.files]);
      this.fileInput.value = "";
    });
    this.textarea.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files || [])];
      if (files.length) {
        event.preventDefault();
        this.addFiles(files);
      }
    });
    const zone = view.root;
    zone.addEventListener("dragover", (event) => {
      if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
      event.preventDefault();
      this.form.classList.add("composer-dragging");
    });
    zone.addEventListener("dragleave", (event) => {
      if (!zone.contains(event.relatedTarget)) this.form.classList.remove("composer-dragging");
    });
    zone.addEventListener("drop", (event) => {
      if (!event.dataTransfer?.files?.length) return;
      event.preventDefault();
      this.form.classList.remove("composer-dragging");
      this.addFiles([...event.dataTransfer.files]);
    });
    this.form.querySelector("[data-emoji-button]")?.addEventListener("click", (event) => {
      this.reactions?.open(event.currentTarget, (emoji) => this.insert(emoji));
    });
    this.restoreDraft();
    this.autosize();
  }

  focus() {
    this.textarea?.focus();
  }

  // The full placeholder names the topic or the people ("Bericht in “…”"); a narrow composer
  // would cut it mid-word, so there it says only what the box is for.
  fitPlaceholder() {
    const full = this.textarea.placeholder;
    const short = this.textarea.dataset.placeholderShort;
    if (!short) return;
    const narrow = window.matchMedia("(max-width: 480px)");
    const apply = () => {
      this.textarea.placeholder = narrow.matches ? short : full;
    };
    apply();
    narrow.addEventListener("change", apply);
  }

  keydown(event) {
    if (this.autocomplete?.keydown(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      this.form.requestSubmit();
    } else if (event.key === "Escape") {
      if (this.reply) {
        event.preventDefault();
        this.clearReply(false);
      } else {
        this.textarea.blur();
      }
    }
  }

  // Grows with its text up to the CSS max-height (CSSOM: allowed by the CSP).
  autosize() {
    this.textarea.style.height = "auto";
    if (this.textarea.value) this.textarea.style.height = `${this.textarea.scrollHeight}px`;
  }

  insert(text) {
    const { selectionStart: start, selectionEnd: end, value } = this.textarea;
    this.textarea.value = value.slice(0, start) + text + value.slice(end);
    this.textarea.setSelectionRange(start + text.length, start + text.length);
    this.textarea.focus();
    this.saveDraft();
  }

  // --- reply and quote -----------------------------------------------------------------
  replyTo(article, quote) {
    const author = article.querySelector(".message-author")?.textContent?.trim() || "";
    this.reply = { id: article.dataset.messageId, seq: article.dataset.seq, author };
    this.showReply();
    if (quote) {
      const lines = excerpt(article, QUOTE_CHARS)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
      const prefix = this.textarea.value && !this.textarea.value.endsWith("\n") ? "\n\n" : "";
      this.textarea.value += `${prefix}${lines}\n\n`;
    }
    this.saveDraft();
    this.textarea.focus();
    this.textarea.setSelectionRange(this.textarea.value.length, this.textarea.value.length);
  }

  showReply() {
    if (!this.replyBar) return;
    this.replyInput.value = this.reply?.id || "";
    this.replyBar.hidden = !this.reply;
    if (!this.reply) return;
    const link = this.replyBar.querySelector("[data-reply-link]");
    link.href = `#m${this.reply.seq}`;
    link.textContent = this.reply.author;
  }

  clearReply(focus) {
    this.reply = null;
    this.showReply();
    this.saveDraft();
    if (focus) this.textarea.focus();
  }

  // --- files ---------------------------------------------------------------------------
  addFiles(files) {
    for (const file of files) this.files.push(file);
    this.renderFiles();
    this.textarea.focus();
  }

  renderFiles() {
    if (!this.filesBox) return;
    this.filesBox.hidden = !this.files.length;
    this.filesBox.replaceChildren(
      ...this.files.map((file, index) => {
        const item = document.createElement("li");
        item.className = "composer-file";
        if (file.type.startsWith("image/")) {
          const img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(file);
          img.className = "composer-file-thumb";
          img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
          item.append(img);
        }
        const name = document.createElement("span");
        name.className = "composer-file-name";
        name.textContent = file.name;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-ghost button-small";
        remove.textContent = t("remove", "Remove");
        remove.setAttribute("aria-label", `${t("remove", "Remove")}: ${file.name}`);
        remove.addEventListener("click", () => {
          this.files.splice(index, 1);
          this.renderFiles();
          this.textarea.focus();
        });
        const caption = document.createElement("input");
        caption.type = "text";
        caption.className = "input composer-file-caption";
        caption.maxLength = 200;
        caption.placeholder = t("caption", "Caption (optional)");
        caption.setAttribute("aria-label", `${t("caption", "Caption (optional)")}: ${file.name}`);
        caption.value = file.caption || "";
        caption.addEventListener("input", () => (file.caption = caption.value));
        caption.addEventListener("keydown", (event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            this.form.requestSubmit();
          }
        });
        item.append(name, caption, remove);
        return item;
      }),
    );
  }

  // --- preview -------------------------------------------------------------------------
  async togglePreview() {
    const showing = this.previewToggle.getAttribute("aria-pressed") === "true";
    this.previewToggle.setAttribute("aria-pressed", String(!showing));
    if (showing) {
      this.preview.hidden = true;
      this.textarea.hidden = false;
      this.textarea.focus();
      return;
    }
    this.preview.textContent = t("previewLoading", "Preview…");
    this.preview.hidden = false;
    this.textarea.hidden = true;
    try {
      const body = new FormData();
      body.append("body", this.textarea.value);
      const response = await fetch(`/gemeenschappen/onderwerp/${this.view.topicId}/voorbeeld/`, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      const answer = await response.json();
      if (!response.ok || answer.html === undefined) throw new Error(answer.error?.message || "");
      const template = document.createElement("template");
      template.innerHTML = answer.html; // sanitised by the server's one renderer
      this.preview.replaceChildren(template.content);
    } catch (error) {
      this.preview.textContent = error.message || t("previewFailed", "The preview is not available right now.");
    }
    this.preview.focus();
  }

  // --- sending -------------------------------------------------------------------------
  submit(event) {
    const body = this.textarea.value;
    const needsHttp = this.files.length > 0; // files go by XHR (progress); text and replies by the socket
    if (!body.trim() && !this.files.length) {
      event.preventDefault();
      this.textarea.focus();
      return;
    }
    event.preventDefault(); // sent over the socket or by XHR; the form still works without JS
    if (this.previewToggle?.getAttribute("aria-pressed") === "true") this.togglePreview();
    const clientInput = this.form.querySelector("input[name=client_id]");
    const clientId = clientInput?.value || uuid();
    if (needsHttp) this.upload(body, clientId);
    else this.live.post(this.view.roomId, this.view.topicId, body, clientId, this.reply?.id);
    this.textarea.value = "";
    if (clientInput) clientInput.value = uuid();
    this.files = [];
    this.renderFiles();
    this.clearReply(false);
    this.clearDraft();
    this.autosize();
    this.textarea.focus();
  }

  upload(body, clientId) {
    // Attachments and replies go through the topic's POST (Accept: JSON); the message then
    // arrives as a live frame like any other and takes the pending copy's place.
    const data = new FormData(this.form);
    data.set("body", body);
    data.set("client_id", clientId);
    data.delete("attachments");
    data.delete("caption");
    for (const file of this.files) {
      data.append("attachments", file);
      data.append("caption", file.caption || "");
    }
    const pending = this.view.pendingMessage(clientId, body || this.files.map((f) => f.name).join(", "));
    const progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.className = "upload-progress";
    progress.setAttribute("aria-label", t("uploading", "Uploading"));
    if (this.files.length) pending.append(progress);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", this.form.action || location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
    });
    xhr.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        answer = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        progress.remove();
        this.view.acked(clientId, answer.seq);
        return;
      }
      const fields = Object.values(answer.fields || {}).flat();
      const message = answer.error?.message || fields[0] || t("sendFailed", "Not sent.");
      this.view.failed(clientId, message, false, body);
      toast(message, { kind: "error" });
    });
    xhr.addEventListener("error", () => {
      this.view.failed(clientId, t("sendFailed", "Not sent."), false, body);
    });
    xhr.send(data);
  }

  // --- draft ---------------------------------------------------------------------------
  saveDraft() {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      try {
        if (this.textarea.value || this.reply) localStorage.setItem(this.draftKey, JSON.stringify({ body: this.textarea.value, reply: this.reply }));
        else localStorage.removeItem(this.draftKey);
      } catch {
        /* storage disabled: no draft */
      }
    }, 300);
  }

  restoreDraft() {
    try {
      const draft = JSON.parse(localStorage.getItem(this.draftKey) || "null");
      if (!draft) return;
      if (!this.textarea.value) this.textarea.value = draft.body || "";
      this.reply = draft.reply || null;
      this.showReply();
    } catch {
      /* a broken draft is dropped */
    }
  }

  clearDraft() {
    clearTimeout(this.draftTimer);
    try {
      localStorage.removeItem(this.draftKey);
    } catch {
      /* nothing to clear */
    }
  }
}

// Inline edit in place: Enter saves (an `edit` frame), Shift+Enter breaks the line, Esc cancels.
export class InlineEditor {
  constructor(view, live) {
    this.view = view;
    this.live = live;
    this.editing = null;
  }

  async start(article) {
    if (this.editing) this.cancel();
    const body = article.querySelector(".message-body");
    if (!body) return;
    let source = "";
    try {
      const url = this.view.data.editUrl.replace("/0/", `/${article.dataset.messageId}/`);
      const response = await fetch(url, { credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      source = page.querySelector("textarea[name=body]")?.value ?? "";
    } catch {
      source = body.innerText;
    }
    const form = document.createElement("form");
    form.className = "message-edit";
    const label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = `edit-${article.dataset.seq}`;
    label.textContent = t("editLabel", "Edit message");
    const textarea = document.createElement("textarea");
    textarea.id = label.htmlFor;
    textarea.className = "input";
    textarea.value = source;
    textarea.rows = Math.min(10, source.split("\n").length + 1);
    const hint = document.createElement("p");
    hint.className = "muted message-edit-hint";
    hint.textContent = t("editHint", "Enter saves, Esc cancels.");
    form.append(label, textarea, hint);
    body.hidden = true;
    body.after(form);
    article.dataset.editing = "";
    this.editing = { article, body, form };
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.cancel(true);
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.save(textarea.value);
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save(textarea.value);
    });
    textarea.focus();
    textarea.setSelectionRange(source.length, source.length);
  }

  save(value) {
    if (!this.editing) return;
    const { article } = this.editing;
    if (!value.trim()) return;
    if (this.live.send({ type: "edit", room: this.view.roomId, seq: Number(article.dataset.seq), body: value })) {
      this.cancel(false); // the message_edited frame brings the new article
      article.focus();
    } else {
      toast(t("offlineAction", "You are offline: try again when you are back."), { kind: "error" });
    }
  }

  cancel(refocus = false) {
    if (!this.editing) return;
    const { article, body, form } = this.editing;
    form.remove();
    body.hidden = false;
    delete article.dataset.editing;
    this.editing = null;
    if (refocus) article.focus();
  }
}
