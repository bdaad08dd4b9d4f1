// Kring's small interface kit: toasts, dialogs, menus and relative times.
// Exports exactly: toast, openDialog, closeDialog, initMenus, formatTime, formatTimes.
// No inline styles (strict CSP): state lives in classes, `hidden` and ARIA attributes.

const lang = () => document.documentElement.lang || navigator.language || "nl";

// ---------------------------------------------------------------- toasts

const TOAST_MS = { info: 5000, success: 4000, error: 8000 };

function toastRegion() {
  let region = document.querySelector(".toast-region");
  if (!region) {
    region = document.createElement("div");
    region.className = "toast-region";
    document.body.append(region);
  }
  // Polite for info/success; errors are announced through role="alert" on the toast itself.
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-relevant", "additions");
  return region;
}

/** Show a short message in the corner; it leaves by itself or with its close button. */
export function toast(message, { kind = "info" } = {}) {
  const region = toastRegion();
  const item = document.createElement("div");
  item.className = `toast toast-${kind}`;
  if (kind === "error") item.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.className = "toast-text";
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", lang().startsWith("nl") ? "Sluiten" : "Close");
  close.textContent = "×";
  item.append(text, close);
  region.append(item);
  let timer = 0;
  const remove = () => {
    clearTimeout(timer);
    item.remove();
  };
  const arm = () => {
    timer = window.setTimeout(remove, TOAST_MS[kind] ?? TOAST_MS.info);
  };
  close.addEventListener("click", remove);
  // Hovering or focusing keeps it: nobody should lose a message while reading it.
  item.addEventListener("mouseenter", () => clearTimeout(timer));
  item.addEventListener("mouseleave", arm);
  item.addEventListener("focusin", () => clearTimeout(timer));
  item.addEventListener("focusout", arm);
  arm();
  return item;
}

// ---------------------------------------------------------------- dialogs

const returnFocus = new WeakMap();

/** Open a native <dialog> as a modal; focus goes back to where it was when it closes. */
export function openDialog(dialogEl) {
  if (!dialogEl || dialogEl.open) return;
  returnFocus.set(dialogEl, document.activeElement);
  if (!dialogEl.dataset.uiDialog) {
    dialogEl.dataset.uiDialog = "1";
    dialogEl.addEventListener("close", () => {
      const back = returnFocus.get(dialogEl);
      returnFocus.delete(dialogEl);
      if (back && back.isConnected && typeof back.focus === "function") back.focus();
    });
    dialogEl.addEventListener("click", (event) => {
      // A click on the backdrop (the dialog element itself, outside its content box) closes it.
      if (event.target === dialogEl) {
        const box = dialogEl.getBoundingClientRect();
        const inside =
          event.clientX >= box.left &&
          event.clientX <= box.right &&
          event.clientY >= box.top &&
          event.clientY <= box.bottom;
        if (!inside) dialogEl.close();
      }
      if (event.target.closest("[data-dialog-close]")) dialogEl.close();
    });
  }
  dialogEl.showModal();
  const first = dialogEl.querySelector("[autofocus]");
  if (first) first.focus();
}

/** Close a dialog opened with openDialog (focus returns to its opener). */
export function closeDialog(dialogEl) {
  if (dialogEl && dialogEl.open) dialogEl.close();
}

// ---------------------------------------------------------------- menus

const ITEM = '[role="menuitem"], [role="menuitemradio"], [role="menuitemcheckbox"]';

function menuItems(menu) {
  return [...menu.querySelectorAll(ITEM)].filter((el) => !el.closest("[hidden]") && !el.disabled);
}

function closeMenu(button, { focusButton = false } = {}) {
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  button.setAttribute("aria-expanded", "false");
  if (menu) menu.hidden = true;
  if (focusButton) button.focus();
}

function openMenu(button, focus = "first") {
  document.querySelectorAll('[aria-haspopup="menu"][aria-expanded="true"]').forEach((other) => {
    if (other !== button) closeMenu(other);
  });
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  button.setAttribute("aria-expanded", "true");
  menu.hidden = false;
  const items = menuItems(menu);
  if (items.length) (focus === "last" ? items[items.length - 1] : items[0]).focus();
}

let menusDocumentBound = false;

/**
 * Wire every menu button (aria-haspopup="menu" + aria-controls) under root: click or
 * Enter/Space/ArrowDown opens, arrow keys/Home/End move, Esc closes and returns focus,
 * Tab or a click outside closes. Safe to call again on new content.
 */
export function initMenus(root = document) {
  root.querySelectorAll('[aria-haspopup="menu"][aria-controls]').forEach((button) => {
    if (button.dataset.uiMenu) return;
    button.dataset.uiMenu = "1";
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", "false");
    menu.hidden = true;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-expanded") === "true") closeMenu(button);
      else openMenu(button);
    });
    button.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        openMenu(button, "first");
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        openMenu(button, "last");
      }
    });
    menu.addEventListener("keydown", (event) => {
      const items = menuItems(menu);
      const index = items.indexOf(document.activeElement);
      let next = null;
      if (event.key === "ArrowDown") next = items[(index + 1) % items.length];
      else if (event.key === "ArrowUp") next = items[(index - 1 + items.length) % items.length];
      else if (event.key === "Home") next = items[0];
      else if (event.key === "End") next = items[items.length - 1];
      else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closeMenu(button, { focusButton: true });
        return;
      } else if (event.key === "Tab") {
        closeMenu(button);
        return;
      } else if (event.key.length === 1 && /\S/.test(event.key)) {
        // Type-ahead: the next item starting with that letter.
        const letter = event.key.toLowerCase();
        const order = [...items.slice(index + 1), ...items.slice(0, index + 1)];
        next = order.find((el) => el.textContent.trim().toLowerCase().startsWith(letter)) || null;
      }
      if (next) {
        event.preventDefault();
        next.focus();
      }
    });
    menu.addEventListener("click", (event) => {
      if (event.target.closest(ITEM)) closeMenu(button);
    });
  });
  if (!menusDocumentBound) {
    menusDocumentBound = true;
    document.addEventListener("click", (event) => {
      document.querySelectorAll('[aria-haspopup="menu"][aria-expanded="true"]').forEach((button) => {
        const menu = document.getElementById(button.getAttribute("aria-controls"));
        if (button.contains(event.target) || (menu && menu.contains(event.target))) return;
        closeMenu(button);
      });
    });
  }
}

// ---------------------------------------------------------------- times

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const formatters = new Map();

function fmt(kind, options) {
  const key = `${kind}|${lang()}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) {
    formatters.set(
      key,
      kind === "rel" ? new Intl.RelativeTimeFormat(lang(), options) : new Intl.DateTimeFormat(lang(), options),
    );
  }
  return formatters.get(key);
}

function relativeText(date, now) {
  const diff = date.getTime() - now; // negative: in the past
  const abs = Math.abs(diff);
  const rel = fmt("rel", { numeric: "auto" });
  if (abs < 45_000) return rel.format(0, "second");
  if (abs < HOUR) return rel.format(Math.round(diff / MINUTE), "minute");
  if (abs < DAY) return rel.format(Math.round(diff / HOUR), "hour");
  if (abs < 7 * DAY) return rel.format(Math.round(diff / DAY), "day");
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return fmt("date", sameYear ? { day: "numeric", month: "short" } : { dateStyle: "medium" }).format(date);
}

/** Format one <time datetime data-format="relative">: relative text, the exact time in title. */
export function formatTime(timeEl, now = Date.now()) {
  const value = timeEl.getAttribute("datetime");
  if (!value) return;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return;
  timeEl.textContent = relativeText(date, now);
  timeEl.title = fmt("date", { dateStyle: "full", timeStyle: "short" }).format(date);
}

let ticker = 0;

/** Format every relative <time> under root now, and keep all of them fresh every minute. */
export function formatTimes(root = document) {
  const now = Date.now();
  root.querySelectorAll('time[datetime][data-format="relative"]').forEach((el) => formatTime(el, now));
  if (!ticker) {
    ticker = window.setInterval(() => {
      const at = Date.now();
      document.querySelectorAll('time[datetime][data-format="relative"]').forEach((el) => formatTime(el, at));
    }, MINUTE);
  }
}
