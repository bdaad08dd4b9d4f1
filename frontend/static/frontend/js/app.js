// Kring's one script entry, on every page: live sidebar and header counts, the page title's
// unread count, the room page's topic list, and the conversation view on [data-live-topic].
import { KringLive } from "./live/connection.js";
import { NotificationBadge } from "./live/notifications.js";
import { Sidebar } from "./live/sidebar.js";

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/`;
}

async function start() {
  if (!("WebSocket" in window) || !document.body.dataset.userId) return; // the page works without JavaScript
  const topicRoot = document.querySelector("[data-live-topic]");
  const roomRoot = document.querySelector("[data-live-room]");
  const live = new KringLive({ url: socketUrl() });
  window.kringLive = live;
  if (topicRoot) {
    const { startConversation } = await import("./live/start.js");
    startConversation(topicRoot, live);
  } else if (roomRoot) {
    const { RoomView } = await import("./live/room.js");
    new RoomView(roomRoot, live);
  }
  new Sidebar(live);
  const bell = document.querySelector("[data-notification-count]");
  if (bell) new NotificationBadge(live, bell);
  if (live.rooms.size || bell) live.connect(true);
}

start();
