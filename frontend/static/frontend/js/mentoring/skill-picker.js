// The profile's skill picker: an ARIA combobox that filters the shared skill list as you type;
// choosing a skill adds its row (level, note) at once. Without JavaScript the same form works
// through the server: "Add" posts the typed name, "Remove" posts the row's skill.
function norm(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
}

class SkillPicker {
  constructor(root) {
    this.root = root;
    this.input = root.querySelector("[role=combobox]");
    this.listbox = root.querySelector("[role=listbox]");
    this.rows = root.querySelector("[data-skill-rows]");
    this.template = root.querySelector("template[data-skill-row-template]");
    this.options = [...this.listbox.querySelectorAll("[role=option]")];
    this.active = -1;
    this.input.addEventListener("input", () => this.filter());
    this.input.addEventListener("focus", () => this.filter());
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
    this.listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(option);
    });
    this.rows.addEventListener("click", (event) => {
      const button = event.target.closest("[data-skill-remove]");
      if (!button) return;
      event.preventDefault();
      const row = button.closest("[data-skill-row]");
      const next = row.nextElementSibling?.querySelector("select, input:not([type=hidden])");
      row.remove();
      (next || this.input).focus();
    });
  }

  chosen() {
    return new Set([...this.rows.querySelectorAll("input[name=skill]")].map((input) => input.value));
  }

  visible() {
    return this.options.filter((option) => !option.hidden);
  }

  filter() {
    const query = norm(this.input.value);
    const chosen = this.chosen();
    let shown = 0;
    for (const option of this.options) {
      const match = !chosen.has(option.dataset.skill) && (!query || norm(option.textContent).includes(query));
      option.hidden = !match || shown >= 12;
      if (match) shown += 1;
    }
    this.setActive(-1);
    const open = shown > 0 && document.activeElement === this.input;
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  }

  setActive(index) {
    const visible = this.visible();
    this.active = index;
    visible.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0 && visible[index]) {
      this.input.setAttribute("aria-activedescendant", visible[index].id);
      visible[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  key(event) {
    const visible = this.visible();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.listbox.hidden) this.filter();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const count = this.visible().length;
      if (count) this.setActive((this.active + step + count) % count);
    } else if (event.key === "Enter") {
      const option = visible[this.active] || (visible.length === 1 ? visible[0] : null);
      if (option && !this.listbox.hidden) {
        event.preventDefault();
        this.choose(option);
      }
    } else if (event.key === "Escape" && !this.listbox.hidden) {
      event.preventDefault();
      this.close();
    }
  }

  choose(option) {
    const id = option.dataset.skill;
    const name = option.firstChild.textContent.trim();
    if (!this.chosen().has(id)) {
      const html = this.template.innerHTML.replaceAll("__id__", id).replaceAll("__name__", name);
      const holder = document.createElement("ul");
      holder.innerHTML = html;
      const row = holder.firstElementChild;
      this.rows.insertBefore(row, this.rows.querySelector(".skill-rows-empty"));
    }
    this.input.value = "";
    this.close();
    this.input.focus();
  }
}

for (const root of document.querySelectorAll("[data-skill-picker]")) new SkillPicker(root);
