// Reaction chips toggle with a `react` frame; the server's `reaction` frame redraws them on
// every screen. The emoji picker (emoji-picker-element, vendored) loads on first open.
import { t } from "./strings.js";

const VENDOR = new URL("../../vendor/emoji-picker-element/", import.meta.url);

export function emojiDataUrl() {
  const lang = (document.documentElement.lang || "nl").startsWith("nl") ? "nl" : "en";
  return { lang, url: new URL(`data/${lang}/data.json`, VENDOR).href };
}

let pickerModule = null;
async function loadPicker() {
  if (!pickerModule) pickerModule = import(new URL("picker.js", VENDOR).href);
  return pickerModule;
}

export class Reactions {
  constructor(view, live) {
    this.view = view;
    this.live = live;
    this.popover = document.querySelector("[data-emoji-popover]");
    this.menu = document.querySelector("[data-reaction-menu]");
    this.menu?.addEventListener("click", (event) => {
      const callback = this.onPick;
      const anchor = this.returnFocus;
      if (event.target.closest("[data-emoji-more]")) {
        // The whole emoji set: the picker opens where the menu was, with the same choice to make.
        this.closeMenu(false);
        if (anchor && callback) this.open(anchor, callback);
        return;
      }
      const choice = event.target.closest("[data-emoji]");
      if (!choice) return;
      this.closeMenu();
      callback?.(choice.dataset.emoji);
    });
    this.menu?.addEventListener("keydown", (event) => this.menuKey(event));
    this.picker = null;
    this.onPick = null;
    this.returnFocus = null;
    view.list.addEventListener("click", (event) => {
      const chip = event.target.closest("button.reaction[data-emoji]");
      if (!chip || !view.list.contains(chip)) return;
      const article = chip.closest("article[data-seq]");
      if (article && this.canReact()) this.toggle(article, chip.dataset.emoji, chip.getAttribute("aria-pressed") !== "true");
    });
    this.popover?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.close();
      }
    });
    document.addEventListener("click", (event) => {
      if (this.menu && !this.menu.hidden && !this.menu.contains(event.target) && !event.target.closest("[data-action=react]")) this.closeMenu(false);
      if (this.popover && !this.popover.hidden && !this.popover.contains(event.target) && !event.target.closest("[data-action=react], [data-emoji-button]")) this.close();
    });
  }

  canReact() {
    return this.view.data.canPost === "true";
  }

  toggle(article, emoji, add) {
    const sent = this.live.send({ type: "react", room: this.view.roomId, seq: Number(article.dataset.seq), emoji, add });
    if (!sent) this.view.notice(t("offlineAction", "You are offline: try again when you are back."));
  }

  // The quick reactions (forum.models.REACTION_EMOJI) and "more" (the picker), as a small menu by the button.
  openMenu(anchor, pick) {
    if (!this.menu) return;
    this.onPick = pick;
    this.returnFocus = anchor;
    this.menu.hidden = false;
    this.place(this.menu, anchor, this.menu.offsetWidth || 240, this.menu.offsetHeight || 48);
    anchor.setAttribute("aria-expanded", "true");
    this.menu.querySelector("[role=menuitem]")?.focus();
  }

  menuKey(event) {
    const items = [...this.menu.querySelectorAll("[role=menuitem]")];
    const index = items.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = items[(index + 1) % items.length];
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = items[(index - 1 + items.length) % items.length];
    else if (event.key === "Home") next = items[0];
    else if (event.key === "End") next = items[items.length - 1];
    else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      this.closeMenu();
      return;
    } else return;
    event.preventDefault();
    next?.focus();
  }

  closeMenu(refocus = true) {
    if (!this.menu || this.menu.hidden) return;
    this.menu.hidden = true;
    this.returnFocus?.setAttribute("aria-expanded", "false");
    if (refocus) this.returnFocus?.focus?.();
  }

  place(el, anchor, width, height) {
    const box = anchor.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8));
    const below = box.bottom + 4 + height < window.innerHeight;
    const header = document.querySelector("header.app-header, header.site-header, body > header")?.getBoundingClientRect().bottom || 0;
    el.style.left = `${left}px`;
    el.style.top = `${below ? box.bottom + 4 : Math.max(header + 8, box.top - height - 4)}px`;
  }

  // Opens the picker below `anchor`; `pick(emoji)` receives the choice.
  async open(anchor, pick) {
    if (!this.popover) return;
    this.onPick = pick;
    this.returnFocus = anchor;
    if (!this.picker) {
      await loadPicker();
      const { lang, url } = emojiDataUrl();
      const i18n = (await import(new URL(`i18n/${lang}.js`, VENDOR).href)).default;
      this.picker = document.createElement("emoji-picker");
      this.picker.locale = lang;
      this.picker.dataSource = url;
      this.picker.i18n = i18n;
      this.picker.classList.add("emoji-picker");
      this.picker.addEventListener("emoji-click", (event) => {
        const emoji = event.detail.unicode;
        const callback = this.onPick;
        this.close();
        if (emoji && callback) callback(emoji);
      });
      this.popover.append(this.picker);
    }
    this.popover.hidden = false;
    this.place(this.popover, anchor, Math.min(352, window.innerWidth - 16), this.popover.offsetHeight || 400);
    requestAnimationFrame(() => this.picker.shadowRoot?.querySelector("#search")?.focus());
  }

  close() {
    if (!this.popover || this.popover.hidden) return;
    this.popover.hidden = true;
    this.returnFocus?.focus?.();
    this.returnFocus = null;
  }
}
