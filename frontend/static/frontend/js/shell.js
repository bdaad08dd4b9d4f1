// The app shell: menus, relative times and the off-canvas sidebar below 768 px.
import { formatTimes, initMenus } from "./ui.js";

const NARROW = window.matchMedia("(max-width: 767.98px)");
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function initSidebar() {
  const sidebar = document.getElementById("sidebar");
  const toggle = document.querySelector("[data-sidebar-toggle]");
  const backdrop = document.querySelector("[data-sidebar-backdrop]");
  if (!sidebar || !toggle) return;
  const closeButton = sidebar.querySelector("[data-sidebar-close]");
  const outside = () => [...document.body.children].filter((el) => el !== sidebar.closest(".app-body") && !el.contains(sidebar));

  const isOpen = () => document.body.classList.contains("sidebar-open");

  function open() {
    document.body.classList.add("sidebar-open");
    toggle.setAttribute("aria-expanded", "true");
    if (backdrop) backdrop.hidden = false;
    sidebar.setAttribute("role", "dialog");
    sidebar.setAttribute("aria-modal", "true");
    // Everything but the sidebar is out of reach while it is open.
    outside().forEach((el) => el.setAttribute("inert", ""));
    document.querySelector(".app-content")?.setAttribute("inert", "");
    (closeButton || sidebar.querySelector(FOCUSABLE))?.focus();
  }

  function close({ returnFocus = true } = {}) {
    if (!isOpen()) return;
    document.body.classList.remove("sidebar-open");
    toggle.setAttribute("aria-expanded", "false");
    if (backdrop) backdrop.hidden = true;
    sidebar.removeAttribute("role");
    sidebar.removeAttribute("aria-modal");
    outside().forEach((el) => el.removeAttribute("inert"));
    document.querySelector(".app-content")?.removeAttribute("inert");
    if (returnFocus) toggle.focus();
  }

  toggle.addEventListener("click", () => (isOpen() ? close() : open()));
  closeButton?.addEventListener("click", () => close());
  backdrop?.addEventListener("click", () => close());
  sidebar.addEventListener("click", (event) => {
    if (event.target.closest("a[href]") && isOpen()) close({ returnFocus: false });
  });
  document.addEventListener("keydown", (event) => {
    if (!isOpen()) return;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      // Trap focus inside the open sidebar.
      const items = [...sidebar.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !sidebar.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !sidebar.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  // Growing past 768 px puts the sidebar back in the page.
  NARROW.addEventListener("change", (event) => {
    if (!event.matches) close({ returnFocus: false });
  });
}

// A wide table scrolls inside a .table-wrap, never the page: wrap the tables that came without
// one, and let the keyboard scroll the ones that overflow (tabindex on the wrapper).
function wrapTables(root = document) {
  root.querySelectorAll("main table").forEach((table) => {
    let wrap = table.parentElement;
    if (!wrap.classList.contains("table-wrap")) {
      wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.replaceWith(wrap);
      wrap.append(table);
    }
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      const caption = table.caption?.textContent.trim();
      wrap.setAttribute("aria-label", caption || document.title);
    }
  });
}

initMenus();
formatTimes();
initSidebar();
wrapTables();
