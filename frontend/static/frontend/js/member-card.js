// The member card: a click (or Enter) on a member's name or avatar — a message's author, a
// member list's names, any link with data-member-card="<user id>" — opens a dialog with the card
// the server renders (GET /gemeenschappen/lid/<id>/?fragment=1). Esc or the close button closes
// it and focus returns to the name. Without JavaScript the link simply opens the profile.
import { openDialog, toast } from "./ui.js";

const script = document.querySelector("script[data-member-card-url]");
const urlTemplate = script?.dataset.memberCardUrl || "";
let dialog = null;
let pending = null;

function cardUrl(userId) {
  return `${urlTemplate.replace(/\/0\/$/, `/${userId}/`)}?fragment=1`;
}

function userIdOf(link) {
  if (link.dataset.memberCard) return link.dataset.memberCard;
  if (link.matches(".message-author, .message-avatar")) return link.closest("[data-author-id]")?.dataset.authorId || "";
  return "";
}

function ensureDialog() {
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.className = "dialog member-card-dialog";
  dialog.setAttribute("aria-labelledby", "member-card-title");
  document.body.append(dialog);
  return dialog;
}

async function open(link, userId) {
  if (pending) pending.abort();
  const controller = new AbortController();
  pending = controller;
  let html;
  try {
    const response = await fetch(cardUrl(userId), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(String(response.status));
    html = await response.text();
  } catch (error) {
    if (error.name === "AbortError") return;
    location.href = link.href; // the profile page still works
    return;
  } finally {
    if (pending === controller) pending = null;
  }
  const box = ensureDialog();
  if (box.open) box.close();
  box.innerHTML = html;
  link.focus();
  openDialog(box);
  const first = box.querySelector("[data-send-message]") || box.querySelector("[data-dialog-close]");
  if (first) first.focus();
}

document.addEventListener("click", (event) => {
  if (!urlTemplate || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a.message-author, a.message-avatar, a[data-member-card]");
  if (!link) return;
  const userId = userIdOf(link);
  if (!/^\d+$/.test(userId)) return;
  event.preventDefault();
  open(link, userId).catch(() => toast(link.textContent.trim(), { kind: "error" }));
});
