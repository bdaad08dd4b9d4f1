// Wires the conversation view's parts together on a topic page.
import { formatTimes } from "../ui.js";
import { Composer, InlineEditor } from "./composer.js";
import { ConversationView } from "./conversation.js";
import { Reactions } from "./reactions.js";
import { Shortcuts } from "./shortcuts.js";
import { Toolbar } from "./toolbar.js";
import { UnreadTracker } from "./unread.js";

export function startConversation(root, live) {
  const view = new ConversationView(root);
  live.view = view;
  live.addRoom(view.roomId, Number(view.data.headSeq), true);
  formatTimes(view.list);
  view.markOwnReactions(view.list);
  const reactions = new Reactions(view, live);
  const composer = new Composer(view, live);
  composer.reactions = reactions;
  const editor = new InlineEditor(view, live);
  const toolbar = new Toolbar(view, live, { reactions, composer, editor });
  const shortcuts = new Shortcuts(view, { composer, editor, toolbar });
  const unread = new UnreadTracker(view, live);
  // Posts not yet acknowledged before a reload are shown again; they are resent on connect.
  for (const [clientId, post] of live.pending) {
    if (post.topic === view.topicId) view.pendingMessage(clientId, post.body);
  }
  unread.open();
  root.dataset.ready = "true";
  return { view, composer, toolbar, shortcuts, unread, reactions };
}
