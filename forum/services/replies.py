"""The messages a batch's posts reply to, as the posting batch needs them."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import display_name_of
from forum.message_markup import excerpt_of
from forum.models import Message


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    pk: int
    topic_id: int
    seq: int
    author_id: int | None
    author_name: str
    excerpt: str


def reply_targets(ids: set[int]) -> dict[int, ReplyTarget]:
    """The messages a batch's posts answer (not deleted or hidden): one query, only when some post replies."""
    if not ids:
        return {}
    rows = Message.objects.filter(pk__in=ids, deleted_at__isnull=True, is_hidden=False).values_list(
        "pk",
        "topic_id",
        "seq",
        "author_id",
        "author__email",
        "author__first_name",
        "author__last_name",
        "author__profile__display_name",
        "search_text",
    )
    return {
        pk: ReplyTarget(
            pk=pk,
            topic_id=topic_id,
            seq=seq,
            author_id=author_id,
            author_name=display_name_of(profile_name, first, last, email) if author_id is not None else "",
            excerpt=excerpt_of(search_text),
        )
        for pk, topic_id, seq, author_id, email, first, last, profile_name, search_text in rows
    }
