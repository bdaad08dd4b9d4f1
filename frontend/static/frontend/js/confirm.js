// Ask before a form that cannot be undone posts: <form data-confirm-title data-confirm-text
// data-confirm-button> opens the page's <dialog id="confirm-dialog"> (api/_confirm_dialog.html).
// Cancel, Esc or the backdrop close it and the focus goes back to the button; the confirm button
// posts the form. Without JavaScript the form posts at once.
import { closeDialog, openDialog } from "./ui.js";

const dialog = document.getElementById("confirm-dialog");
let pending = null;

if (dialog) {
  dialog.querySelector("[data-confirm-go]").addEventListener("click", () => {
    const form = pending;
    pending = null;
    closeDialog(dialog);
    if (form) form.submit();
  });
  dialog.addEventListener("close", () => {
    pending = null;
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirmTitle) return;
    event.preventDefault();
    pending = form;
    dialog.querySelector("[data-confirm-title]").textContent = form.dataset.confirmTitle;
    dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirmText || "";
    dialog.querySelector("[data-confirm-go]").textContent = form.dataset.confirmButton || form.dataset.confirmTitle;
    openDialog(dialog);
  });
}
