// Autocomplete in the composer (ARIA combobox with a listbox): @mentions from the members
// endpoint, inserting the unambiguous @**Name|id**, and :emoji shortcodes from the picker's data.
import { emojiDataUrl } from "./reactions.js";
import { t } from "./strings.js";

const MENTION = /(^|[\s(])@([^\s@*][^@\n]{0,39})?$/;
const SHORTCODE = /(^|\s):([a-z0-9_+\-\u00c0-\u024f]{2,30})$/i;

let database = null;
async function emojiDatabase() {
  if (!database) {
    const { default: Database } = await import(new URL("../../vendor/emoji-picker-element/database.js", import.meta.url).href);
    const { lang, url } = emojiDataUrl();
    database = new Database({ locale: lang, dataSource: url });
  }
  return database;
}

export class Autocomplete {
  constructor(textarea, listbox, { membersUrl }) {
    this.textarea = textarea;
    this.listbox = listbox;
    this.membersUrl = membersUrl;
    this.items = [];
    this.active = -1;
    this.match = null;
    this.request = 0;
    this.cache = new Map();
    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-expanded", "false");
    textarea.setAttribute("aria-controls", listbox.id);
    textarea.addEventListener("input", () => this.update());
    textarea.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  get open() {
    return !this.listbox.hidden && this.items.length > 0;
  }

  // Returns true when the key was for the list (the composer then does nothing with it).
  keydown(event) {
    if (!this.open) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.highlight((this.active + step + this.items.length) % this.items.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      this.choose(Math.max(0, this.active));
    } else if (event.key === "Escape") {
      this.close();
    } else {
      return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  async update() {
    const before = this.textarea.value.slice(0, this.textarea.selectionStart);
    const request = ++this.request;
    let found = before.match(MENTION);
    if (found) {
      const query = found[2] || "";
      this.match = { start: before.length - query.length - 1, end: before.length, kind: "mention" };
      const results = await this.members(query);
      if (request !== this.request) return;
      if (!results.length && /\s/.test(query)) return this.close(); // a sentence, not a name
      if (request === this.request) this.render(results.map((r) => ({ ...r, insert: `${r.mention} ` })));
      return;
    }
    found = before.match(SHORTCODE);
    if (found) {
      const query = found[2];
      this.match = { start: before.length - query.length - 1, end: before.length, kind: "emoji" };
      let emojis = [];
      try {
        emojis = (await (await emojiDatabase()).getEmojiBySearchQuery(query)).filter((e) => e.unicode).slice(0, 8);
      } catch {
        emojis = [];
      }
      if (request === this.request) this.render(emojis.map((e) => ({ emoji: e.unicode, name: `:${e.shortcodes?.[0] || e.annotation}:`, insert: e.unicode })));
      return;
    }
    this.close();
  }

  async members(query) {
    const key = query.toLowerCase();
    if (!this.cache.has(key)) {
      this.cache.set(
        key,
        fetch(`${this.membersUrl}?q=${encodeURIComponent(query)}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : { results: [] }))
          .then((data) => data.results || [])
          .catch(() => []),
      );
    }
    return this.cache.get(key);
  }

  render(items) {
    this.items = items;
    this.listbox.replaceChildren(
      ...items.map((item, index) => {
        const option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = `${this.listbox.id}-${index}`;
        option.dataset.index = String(index);
        option.className = "suggestion";
        if (item.emoji) {
          const glyph = document.createElement("span");
          glyph.className = "suggestion-emoji";
          glyph.textContent = item.emoji;
          option.append(glyph, item.name);
        } else {
          let avatar;
          if (item.avatar_url) {
            avatar = document.createElement("img");
            avatar.src = item.avatar_url;
            avatar.alt = "";
            avatar.className = "avatar avatar-s";
          } else {
            avatar = document.createElement("span");
            avatar.className = "avatar avatar-s";
            avatar.setAttribute("aria-hidden", "true");
            avatar.textContent = item.initials || "";
          }
          const name = document.createElement("span");
          name.className = "suggestion-name";
          name.textContent = item.name;
          option.append(avatar, name);
          if (item.organisation) {
            const org = document.createElement("span");
            org.className = "suggestion-detail muted";
            org.textContent = item.organisation;
            option.append(" ", org);
          }
        }
        return option;
      }),
    );
    if (!items.length && this.match?.kind === "mention") {
      const none = document.createElement("li");
      none.className = "suggestion muted";
      none.textContent = t("noMembers", "No member found.");
      this.listbox.append(none);
    }
    this.listbox.hidden = !this.listbox.children.length;
    this.textarea.setAttribute("aria-expanded", String(this.open));
    this.highlight(items.length ? 0 : -1);
  }

  highlight(index) {
    this.active = index;
    for (const option of this.listbox.querySelectorAll("[role=option]")) {
      option.setAttribute("aria-selected", String(Number(option.dataset.index) === index));
    }
    if (index >= 0) {
      this.textarea.setAttribute("aria-activedescendant", `${this.listbox.id}-${index}`);
      this.listbox.querySelector(`#${this.listbox.id}-${index}`)?.scrollIntoView({ block: "nearest" });
    } else {
      this.textarea.removeAttribute("aria-activedescendant");
    }
  }

  choose(index) {
    const item = this.items[index];
    if (!item || !this.match) return this.close();
    const value = this.textarea.value;
    const { start, end } = this.match;
    this.textarea.value = value.slice(0, start) + item.insert + value.slice(end);
    const caret = start + item.insert.length;
    this.textarea.setSelectionRange(caret, caret);
    this.close();
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    this.close();
  }

  close() {
    this.request++;
    this.items = [];
    this.match = null;
    this.listbox.hidden = true;
    this.listbox.replaceChildren();
    this.textarea.setAttribute("aria-expanded", "false");
    this.textarea.removeAttribute("aria-activedescendant");
  }
}
