"""Posting: the forum's one write path for messages, whichever transport brought them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.limits import MAX_MESSAGE_BODY
from core.text import text_problem
from forum import _sql as sql
from forum import events, permissions, signals
from forum.errors import SLOW_MODE, Conflict, Forbidden, ForumError, Invalid, NotFound, RateLimited
from forum.message_markup import MessageView, ReplyView, render_article
from forum.models import (
    Attachment,
    Message,
    ReadState,
    Room,
    Topic,
    TopicReadState,
)
from forum.rendering import Mention, Rendered, render
from forum.serializers import attachment_view, message_frame
from forum.services.attachments import MAX_ATTACHMENTS, PreparedFile, prepare_attachment, store_thumbnail
from forum.services.mentions import MentionTargets, mention_links, mention_targets
from forum.services.notifications import Written, notify_direct, notify_mentions, notify_participants
from forum.services.replies import ReplyTarget, reply_targets

MAX_BODY = MAX_MESSAGE_BODY


def _check_slow_mode(actor: Actor, room: Room, *, posted_now: bool = False) -> None:
    if room.slow_mode_seconds <= 0 or permissions.can_moderate_community(actor, room.community):
        return
    last: datetime | None = timezone.now()  # when an earlier post of this batch was accepted
    if not posted_now:
        mine = Message.objects.filter(room=room, author_id=actor.pk).order_by("-seq")
        last = mine.values_list("created_at", flat=True).first()
    if last is None:
        return
    wait = room.slow_mode_seconds - (timezone.now() - last).total_seconds()
    if wait > 0:
        raise RateLimited(
            _("Slow mode: wait %(seconds)d seconds before your next message.") % {"seconds": int(wait) + 1},
            wait_seconds=round(wait, 1),
            code=SLOW_MODE,
        )


def render_for_room(room: Room, body: str) -> Rendered:
    """``body`` rendered as in ``room``: mentions linked to the members who can read it (one post;
    batches resolve their mentions together in ``PostBatch``)."""
    mentions = render(body).mentions
    targets = mention_targets({room.pk: room}, {room.pk: set(mentions)}).get(room.pk, MentionTargets())
    return render(body, mention_links(targets, mentions))


def preview_html(*, room: Room, body: str) -> str:
    """The composer's preview: checked by the same rules as a post, rendered as one; nothing is stored."""
    validate_body(body)
    return render_for_room(room, body).html


def validate_body(body: str, *, attachments: bool = False) -> str:
    """A message's text; empty only when the message brings attachments."""
    if (not body or not body.strip()) and attachments:
        return ""
    if not body or not body.strip():
        raise Invalid(_("Write a message first."), field="body")
    if len(body) > MAX_BODY:
        raise Invalid(_("Messages are at most 10,000 characters."), field="body")
    if text_problem(body, multiline=True):  # the shared rule (core/text.py), as forum's own error
        raise Invalid(_("The message contains characters that are not allowed."), field="body")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: not text
        raise Invalid(_("The message contains characters that are not allowed."), field="body") from exc
    return body


@dataclass(frozen=True)
class NewMessage:
    """One message to post, whichever transport brought it (reply form or post frame).

    ``room_id`` is the room the poster named; a topic that is not in it is refused.
    ``actor`` is the poster (a bare user is taken as a new actor): the batch checks each
    post against the memberships it loads itself, in one query, however old the user
    object (a socket's lives for hours) and whatever the actor had loaded.
    """

    actor: Actor | User
    room_id: int
    topic_id: int
    body: str
    client_id: uuid.UUID
    attachments: Sequence[UploadedFile] = ()
    captions: Sequence[str] = ()  # one per attachment, "" for none
    reply_to: int | None = None  # the id of the message this one answers, in the same topic

    @property
    def author_id(self) -> int | None:
        return self.actor.pk


Answer: TypeAlias = Message | ForumError


def post_message(
    *,
    actor: Actor | User,
    topic: Topic,
    body: str,
    client_id: uuid.UUID,
    attachments: Sequence[UploadedFile] = (),
    captions: Sequence[str] = (),
    reply_to: int | None = None,
) -> Message:
    """Post a message. Posting twice with the same (author, client_id) returns the first.

    The seq is taken from the room row, locked for the rest of the transaction, so seqs
    are 1, 2, 3 … per room with no gaps or duplicates whatever the number of writers.
    """
    post = NewMessage(
        actor=actor,
        room_id=topic.room_id,
        topic_id=topic.pk,
        body=body,
        client_id=client_id,
        attachments=attachments,
        captions=captions,
        reply_to=reply_to,
    )
    result = post_messages(posts=[post])[0]
    if isinstance(result, ForumError):
        raise result
    return result


def _reused(post: NewMessage, stored: Message) -> Conflict | None:
    """A client_id is the idempotency key of one post in one room (issue 22).

    The same key again in the same room is a retry: it is answered with the stored message.
    The same key in another room is a different post that the client numbered wrongly:
    answering with the stored message would ack a post that was never stored.
    """
    if stored.room_id == post.room_id:
        return None
    return Conflict(
        _("This client_id was already used for a message in another room: send this post with a new client_id."),
        field="client_id",
        code="client_id_reused",
    )


def post_messages(*, posts: Sequence[NewMessage]) -> list[Answer]:
    """Post several messages, to one room or many, in one transaction: the one write path.

    Group commit: when many members post at once, in one room or across rooms, the rooms'
    rows are locked once (in id order, so concurrent batches cannot deadlock) and the
    messages, counters, read states and notifications are written in a fixed number of
    statements for the whole batch instead of per message or per room. Each post is
    checked on its own (access, body, slow mode) and gets its own answer, in order: the
    stored message, or the ``ForumError`` that refused it. A database fault raises and
    nothing is stored.

    A post sent again (the same author and client_id: a retry after a lost answer) is answered
    with the stored message, before any check. Whether a batch holds one is asked in the batch's
    first statement; only when it does are the stored messages looked up and the batch started
    again without them (nothing was written yet).
    """
    try:
        return _post_messages(posts, None)
    except _RetriesInBatch:
        return _post_messages(posts, _existing_messages(posts))


class _RetriesInBatch(Exception):
    """The batch's first statement found a message with a post's author and client_id."""


def _post_messages(
    posts: Sequence[NewMessage], existing: dict[tuple[int | None, uuid.UUID], Message] | None
) -> list[Answer]:
    """``post_messages`` with the retried posts known (``existing``) or still to be asked (None)."""
    results: list[Answer | None] = [None] * len(posts)
    first_of: dict[tuple[int | None, uuid.UUID], int] = {}
    fresh: list[int] = []
    for i, post in enumerate(posts):
        key = (post.author_id, post.client_id)
        if existing is not None and key in existing:
            results[i] = _reused(post, existing[key]) or existing[key]
        elif key not in first_of:
            first_of[key] = i
            fresh.append(i)
    if fresh:
        written: list[Answer]
        try:
            with transaction.atomic():
                written = PostBatch([posts[i] for i in fresh], ask_for_retries=existing is None).run()
        except IntegrityError:
            if len(fresh) == 1:
                # A concurrent retry with the same client id won the race: answer with its message.
                post = posts[fresh[0]]
                found = _existing_messages([post])
                if not found:
                    raise
                written = [_reused(post, stored) or stored for stored in found.values()]
            else:  # one of the batch raced a retry: give each post its own transaction
                written = [post_messages(posts=[posts[i]])[0] for i in fresh]
        for i, result in zip(fresh, written, strict=True):
            results[i] = result
    for i, post in enumerate(posts):
        if results[i] is None:  # the same key twice in one batch: the same answer, if for the same room
            first = first_of[(post.author_id, post.client_id)]
            earlier = results[first]
            if isinstance(earlier, Message):
                results[i] = _reused(post, earlier) or earlier
            else:
                results[i] = earlier
    return [r for r in results if r is not None]


def existing_messages_query(posts: Sequence[NewMessage]) -> QuerySet[Message]:
    """The messages already stored for these posts' (author, client_id) pairs (and a few more).

    Both columns, so the (author, client_id) unique index answers; client_id alone would
    scan every message ever written (measured: 226 ms at 1,000,000 messages).
    """
    return Message.objects.filter(
        author_id__in={p.author_id for p in posts}, client_id__in={p.client_id for p in posts}
    )


def _existing_messages(posts: Sequence[NewMessage]) -> dict[tuple[int | None, uuid.UUID], Message]:
    """Retried posts: keys first (nearly always none), whole messages only for the hits.

    The keys' query is ``existing_messages_query`` as plain SQL (see ``_sql``). It runs only when
    the batch's first statement saw a possible retry, or an insert met a concurrent one.
    """
    wanted = {(p.author_id, p.client_id) for p in posts}
    authors = {p.author_id for p in posts}
    client_ids = {p.client_id for p in posts}
    keys = sql.rows(
        f"SELECT {sql.column(Message, 'author')}, {sql.column(Message, 'client_id')}, {sql.column(Message, 'id')}"  # noqa: S608
        f" FROM {sql.table(Message)} WHERE {sql.column(Message, 'author')} IN ({sql.placeholders(authors)})"
        f" AND {sql.column(Message, 'client_id')} IN ({sql.placeholders(client_ids)})",
        [*authors, *(sql.prep(Message, "client_id", c) for c in client_ids)],
    )
    hits = [pk for author_id, client_id, pk in keys if (author_id, _as_uuid(client_id)) in wanted]
    if not hits:
        return {}
    found = Message.objects.filter(pk__in=hits).select_related("room", "topic")
    return {(m.author_id, m.client_id): m for m in found if m.author_id is not None}


def _as_uuid(value: Any) -> uuid.UUID:
    """A client_id as the database returned it (a UUID, or hex text on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@dataclass(slots=True)
class _Post:
    """One post of a batch on its way through the phases."""

    request: NewMessage
    actor: Actor
    room: Room | None
    topic: Topic | None
    answer: Answer | None = None  # the refusal (check phase) or the stored message (insert phase)
    rendered: Rendered | None = None
    files: list[PreparedFile] = field(default_factory=list)
    message: Message | None = None
    reply: ReplyTarget | None = None
    mentioned: set[int] = field(default_factory=set)  # the members this post mentions (readers only)
    attachments: list[Attachment] = field(default_factory=list)


class PostBatch:
    """One transaction's posts, written in named phases, in this order:

    check → allocate seqs → insert → counters → attachments → read state → notify → announce

    The rooms are locked when the batch loads (in id order, so concurrent batches cannot
    deadlock), so the seqs it allocates are the next ones, without gaps. Each phase works on
    every accepted post at once, in a fixed number of statements whatever the batch's size.
    Run it inside ``transaction.atomic()``; the announcement goes out after commit.
    """

    def __init__(self, requests: Sequence[NewMessage], *, ask_for_retries: bool = False) -> None:
        # One actor per author for this batch, whatever the request brought: fresh memberships,
        # loaded with the topics and their locked rooms in one statement.
        actors: dict[int | None, Actor] = {}
        for request in requests:
            if request.author_id not in actors:
                actors[request.author_id] = Actor(user=as_actor(request.actor).user)
        authors = [a.pk for a in actors.values() if a.pk is not None]
        # One author (a post alone, the usual case): the memberships join the topics' statement,
        # at most one per topic row. Several: the join would repeat every topic row per author
        # (measured: 100 rooms × 10 lost half its rate), so their memberships come in a second one.
        retry_keys = (
            ({r.author_id for r in requests}, {sql.prep(Message, "client_id", r.client_id) for r in requests})
            if ask_for_retries
            else None
        )
        locked = sql.topics_in_locked_rooms(
            {p.topic_id for p in requests}, authors[0] if len(authors) == 1 else None, retry_keys
        )
        if locked.retries:
            raise _RetriesInBatch  # rolls back: only the rooms' locks were taken
        topics, memberships = locked.topics, locked.memberships
        self.cards = locked.cards  # the one author's line for the live article (none for several)
        self.topics: dict[int, Topic] = {t.pk: t for t in topics}
        self.rooms: dict[int, Room] = {t.room.pk: t.room for t in topics}
        communities = {r.community_id for r in self.rooms.values()}
        if len(authors) == 1:
            permissions.fill_memberships(list(actors.values()), communities, memberships)
        else:
            permissions.load_memberships(list(actors.values()), communities)
        self.posts = [
            _Post(
                request=request,
                actor=actors[request.author_id],
                room=self.rooms.get(request.room_id),
                topic=self.topics.get(request.topic_id),
            )
            for request in requests
        ]
        self.accepted: list[_Post] = []
        self.now = timezone.now()
        self.replies = reply_targets({r.reply_to for r in requests if r.reply_to is not None})
        self.targets: dict[int, MentionTargets] = {}
        self.notified: set[int] = set()
        self.writes: list[tuple[str, list[Any]]] = []  # statements the counters and read state phases queue

    def run(self) -> list[Answer]:
        """Every phase; returns one answer per request, in order."""
        self.check()
        if self.accepted:
            self.allocate_seqs()  # may refuse posts with an ambiguous mention
        if self.accepted:
            self.insert()
            self.count()
            self.attach()
            self.mark_read()
            sql.together(self.writes)  # the counters' and read states' statements, as one where possible
            self.notify()
            self.announce()
            stored = [p.message for p in self.accepted if p.message is not None]
            signals.messages_posted.send(sender=Message, messages=stored)
        return [p.answer for p in self.posts if p.answer is not None]

    def check(self) -> None:
        """Access, body, slow mode and attachments, per post; a refused post gets its error."""
        posted_now: set[tuple[int, int | None]] = set()  # (room, author) with a post accepted in this batch
        for post in self.posts:
            request, room, topic = post.request, post.room, post.topic
            try:
                if (
                    room is None
                    or topic is None
                    or topic.room_id != room.pk
                    or not permissions.can_read_room(post.actor, room)
                ):
                    raise NotFound(_("This topic does not exist in this room."))
                if not permissions.can_post_in_room(post.actor, room):
                    refusal = permissions.direct_refusal(post.actor, room) if room.is_direct else None
                    if refusal is not None:  # a direct conversation says why: blocked, not accepted
                        raise Forbidden(permissions.refusal_message(refusal), code=refusal)
                    raise Forbidden(_("You cannot post in this room."))
                validate_body(request.body, attachments=bool(request.attachments))
                if request.reply_to is not None:
                    post.reply = self.replies.get(request.reply_to)
                    if post.reply is None or post.reply.topic_id != topic.pk:
                        raise Invalid(_("You can only reply to a message in this topic."), field="reply_to")
                _check_slow_mode(post.actor, room, posted_now=(room.pk, post.actor.pk) in posted_now)
                if len(request.attachments) > MAX_ATTACHMENTS:
                    raise Invalid(
                        _("Attach at most %(count)d files to one message.") % {"count": MAX_ATTACHMENTS},
                        field="attachments",
                    )
                post.files = [prepare_attachment(upload) for upload in request.attachments]
                for caption in request.captions:
                    if len(caption) > 300 or text_problem(caption, multiline=False):
                        raise Invalid(_("A caption is at most 300 characters of plain text."), field="caption")
            except ForumError as exc:
                post.answer = exc
                continue
            posted_now.add((room.pk, post.actor.pk))
            post.rendered = render(request.body)
            self.accepted.append(post)

    def allocate_seqs(self) -> None:
        """The next seqs of each locked room, in arrival order; mentions linked to who may read them.

        A post whose plain ``@**Name**`` matches several readers is refused here (``Invalid``, field
        "body") before it takes a seq.
        """
        mentions_by_room: dict[int, set[Mention]] = {}
        for post in self.accepted:
            assert post.rendered is not None
            if post.rendered.mentions:
                mentions_by_room.setdefault(post.request.room_id, set()).update(post.rendered.mentions)
        self.targets = mention_targets(self.rooms, mentions_by_room)
        kept = []
        for post in self.accepted:
            room, topic, rendered = post.room, post.topic, post.rendered
            assert room is not None and topic is not None and rendered is not None
            if rendered.mentions:
                try:
                    links, post.mentioned = self.targets.get(room.pk, MentionTargets()).resolve(rendered.mentions)
                except ForumError as exc:
                    post.answer = exc
                    continue
                rendered = post.rendered = render(post.request.body, links)
            kept.append(post)
            room.last_seq += 1
            post.message = Message(
                room=room,
                topic=topic,
                seq=room.last_seq,
                author=post.actor.member,
                client_id=post.request.client_id,
                body=post.request.body,
                body_html=rendered.html,
                search_text=f"{topic.title}\n{rendered.text}",
                created_at=self.now,
                reply_to_id=post.reply.pk if post.reply is not None else None,
            )
        self.accepted = kept

    @property
    def messages(self) -> list[Message]:
        return [p.message for p in self.accepted if p.message is not None]

    def insert(self) -> None:
        """All messages in one statement."""
        sql.insert(Message, self.messages)
        for post in self.accepted:
            post.answer = post.message

    def count(self) -> None:
        """The rooms' last seq and the topics' counters, one statement per table."""
        changed = {m.room_id: self.rooms[m.room_id].last_seq for m in self.messages}
        by_topic: dict[int, tuple[int, int]] = {}
        for m in self.messages:
            n, _seq = by_topic.get(m.topic_id, (0, 0))
            by_topic[m.topic_id] = (n + 1, m.seq)
        self.writes += sql.counter_statements(changed, by_topic, self.now)

    def attach(self) -> None:
        """Each post's checked files, stored with their message."""
        for post in self.accepted:
            captions = list(post.request.captions)
            for i, prepared in enumerate(post.files):
                attachment = Attachment(
                    message=post.message,
                    original_name=prepared.name,
                    content_type=prepared.content_type,
                    size=len(prepared.content),
                    caption=" ".join(captions[i].split()) if i < len(captions) else "",
                    is_image=prepared.is_image,
                    width=prepared.width,
                    height=prepared.height,
                )
                attachment.file.save(prepared.name, ContentFile(prepared.content), save=False)
                if prepared.thumbnail is not None:
                    store_thumbnail(attachment, prepared)
                attachment.save()
                post.attachments.append(attachment)

    def mark_read(self) -> None:
        """Authors have read their own messages: one upsert per table for the whole batch."""
        own_room = {(m.author_id, m.room_id): m.seq for m in self.messages if m.author_id is not None}
        own_topic = {(m.author_id, m.topic_id): m.seq for m in self.messages if m.author_id is not None}
        self.writes.append(
            sql.upsert_statement(
                ReadState,
                ["user", "room", "last_read_seq", "updated_at"],
                ["user", "room"],
                "last_read_seq",
                [(uid, rid, seq, self.now) for (uid, rid), seq in own_room.items()],
            )
        )
        self.writes.append(
            sql.upsert_statement(
                TopicReadState,
                ["user", "topic", "last_read_seq"],
                ["user", "topic"],
                "last_read_seq",
                [(uid, tid, seq) for (uid, tid), seq in own_topic.items()],
            )
        )

    def notify(self) -> None:
        """Mentioned readers, the authors replied to, then earlier participants of each topic."""
        written: list[Written] = []
        by_topic: dict[int, list[Written]] = {}
        for post in self.accepted:
            assert post.message is not None
            replied = post.reply.author_id if post.reply is not None else None
            entry = Written(post.message, frozenset(post.mentioned), replied)
            written.append(entry)
            by_topic.setdefault(post.message.topic_id, []).append(entry)
        direct = {tid: ws for tid, ws in by_topic.items() if self.topics[tid].room.is_direct}
        in_rooms = {t: ws for t, ws in by_topic.items() if t not in direct}
        self.notified = notify_mentions([w for w in written if w.message.topic_id not in direct])
        if in_rooms:
            self.notified |= notify_participants(self.topics, in_rooms)
        # A direct conversation tells every other participant of every message (kind
        # direct_message, mailed by default); replies and mentions there would say it twice.
        if direct:
            self.notified |= notify_direct(self.topics, direct)

    def announce(self) -> None:
        """After commit: one layer event per room (each message's article rendered once), one per notified member."""
        authors = {p.actor.pk for p in self.accepted if p.actor.pk is not None}
        profiles = dict(self.cards)
        if authors - profiles.keys():  # several authors (or one without a profile): one more statement
            profiles.update((uid, (org or "", avatar or "")) for uid, org, avatar in sql.author_cards(authors))
        frames: dict[int, list[dict[str, Any]]] = {}
        for post in self.accepted:
            message = post.message
            assert message is not None
            name = post.actor.member.display_name
            organisation, avatar = profiles.get(post.actor.pk or 0, ("", ""))
            view = MessageView(
                pk=message.pk,
                seq=message.seq,
                author_id=message.author_id,
                author_name=name,
                organisation=organisation,
                avatar=avatar,
                created_at=message.created_at,
                edited=False,
                deleted=False,
                hidden=False,
                pinned=False,
                body_html=message.body_html,
                reply=ReplyView(post.reply.seq, post.reply.author_name, post.reply.excerpt)
                if post.reply is not None
                else None,
                attachments=[attachment_view(a) for a in post.attachments],
            )
            frames.setdefault(message.room_id, []).append(
                message_frame(
                    message,
                    author_name=name,
                    article=render_article(view),
                    reply_to_seq=post.reply.seq if post.reply is not None else None,
                )
            )
        events.announce_batch(frames, self.notified)
