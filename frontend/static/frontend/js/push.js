// The preferences page's push section: turn push on or off for this device. Registers the
// service worker (/sw.js), subscribes with the server's VAPID key and posts the
// subscription to Kring; the server checks the login and CSRF token like any form.

const root = document.querySelector("[data-push]");

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function post(body) {
  const response = await fetch(root.dataset.pushUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`push subscription: ${response.status}`);
}

function show(state, message) {
  root.querySelector("[data-push-on]").hidden = state !== "off";
  root.querySelector("[data-push-off]").hidden = state !== "on";
  root.querySelector("[data-push-status]").textContent = message || "";
}

async function start() {
  if (!root) return;
  // The sentences come translated from the page (data-say-*).
  const say = root.dataset;
  const words = { none: say.sayNone, denied: say.sayDenied, failed: say.sayFailed, on: say.sayOn, off: say.sayOff };
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return show("none", words.none);
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  let subscription = await registration.pushManager.getSubscription();
  show(subscription ? "on" : "off", subscription ? words.on : words.off);
  root.querySelector("[data-push-on]").addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") return show("off", words.denied);
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(root.dataset.pushKey) });
      await post(subscription.toJSON());
      show("on", words.on);
    } catch {
      show("off", words.failed);
    }
  });
  root.querySelector("[data-push-off]").addEventListener("click", async () => {
    try {
      if (subscription) {
        await post({ endpoint: subscription.endpoint, remove: true });
        await subscription.unsubscribe();
        subscription = null;
      }
      show("off", words.off);
    } catch {
      show("on", words.failed);
    }
  });
}

start();
