// Kring's service worker: shows a push notification and opens its page when clicked.
// Served from /sw.js (the whole site is its scope); the payload is {title, body, url, tag}.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = data.title || "Kring";
  event.waitUntil(self.registration.showNotification(title, { body: data.body || "", tag: data.tag, data: { url: data.url || "/meldingen/" } }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/meldingen/", self.location.origin);
  if (url.origin !== self.location.origin) return; // only pages of this site
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === url.href && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(url.href);
    }),
  );
});
