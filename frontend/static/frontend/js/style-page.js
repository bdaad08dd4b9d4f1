// The living style page (/stijl/): buttons that open its example dialog and toasts.
import { openDialog, toast } from "./ui.js";

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) openDialog(document.getElementById(opener.dataset.openDialog));
  const toaster = event.target.closest("[data-toast]");
  if (toaster) toast(toaster.dataset.toast, { kind: toaster.dataset.toastKind || "info" });
});
