"""The one message renderer (``forum.message_markup``): the contract markup, every value escaped,
the sanitised body kept as is, grouping, the accepted answer shown again, and no per-message forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.safestring import SafeString

from forum.message_markup import (
    AttachmentView,
    MessageView,
    ReplyView,
    TopicRowView,
    initials,
    render_article,
    render_list,
    render_reactions,
    render_topic_row,
)
from forum.selectors import MessagePage, TopicViewer
from forum.templatetags.forum_messages import message_list

EVIL = "<script>x</script>\"'&"
ESCAPED = "&lt;script&gt;x&lt;/script&gt;&quot;&#x27;&amp;"
T0 = dt.datetime(2026, 12, 3, 8, 23, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def _view(**changes: object) -> MessageView:
    values: dict[str, object] = {
        "pk": 11,
        "seq": 5,
        "author_id": 3,
        "author_name": EVIL,
        "organisation": EVIL,
        "avatar": "",
        "created_at": T0,
        "edited": True,
        "deleted": False,
        "hidden": False,
        "pinned": True,
        "body_html": "<p>veilig <strong>opgemaakt</strong></p>",
        "accepted": True,
        "reply": ReplyView(seq=2, author_name=EVIL, excerpt=EVIL),
        "attachments": [
            AttachmentView(
                pk=1, name=EVIL, size=3400, is_image=True, caption=EVIL, width=640, height=320, has_thumbnail=True
            ),
            AttachmentView(pk=2, name=EVIL, size=10, is_image=False),
        ],
        "reactions": {"👍": [3, 4]},
    }
    values.update(changes)
    return MessageView(**values)  # type: ignore[arg-type]


def test_every_value_is_escaped_and_the_body_kept() -> None:
    html = render_article(_view(), names={3: EVIL, 4: "Henk"})
    assert "<script>" not in html
    # author, organisation, reply author and excerpt, image alt and caption, file name, reactor names
    assert html.count(ESCAPED) >= 7
    assert "<p>veilig <strong>opgemaakt</strong></p>" in html


def test_the_contract_markup() -> None:
    html = render_article(_view(), names={3: "Sanne", 4: "Henk"}, viewer_id=4)
    article = re.match(r"<article ([^>]*)>", html)
    assert article is not None
    attrs = article.group(1)
    for attr in ('class="message"', 'id="m5"', 'data-seq="5"', 'data-message-id="11"', 'data-author-id="3"',
                 'data-created="2026-12-03T', "data-pinned", "data-accepted", 'tabindex="-1"'):  # fmt: skip
        assert attr in attrs
    assert "data-deleted" not in attrs and "data-hidden" not in attrs
    assert (
        f'<a class="message-avatar" href="{reverse("accounts:profile", args=[3])}" tabindex="-1" aria-hidden="true">'
        in html
    )
    assert '<span class="avatar avatar-m" aria-hidden="true">' in html
    assert '<time datetime="2026-12-03T' in html and 'data-format="relative"' in html
    assert '<blockquote class="message-reply" data-reply-seq="2"><a href="#m2">' in html
    assert 'class="message-edited"' in html
    assert (
        '<figure class="attachment-image"><a href="/gemeenschappen/bijlage/1/"><img src="/gemeenschappen/bijlage/1/klein/"'
        in html
    )
    assert 'width="640" height="320" loading="lazy"' in html
    assert '<a class="attachment-file" href="/gemeenschappen/bijlage/2/" download>' in html
    assert (
        '<div class="reactions" data-reactions><button type="button" class="reaction" data-emoji="👍" '
        'data-users="3,4" aria-pressed="true" title="Sanne, Henk">👍 <span>2</span></button></div>'
    ) in html
    # No per-message forms, selects or disclosures: one toolbar, moved by the client.
    assert "<form" not in html and "<select" not in html and "<details" not in html


def test_deleted_and_hidden_show_no_body() -> None:
    for view in (_view(deleted=True), _view(hidden=True)):
        html = render_article(view)
        assert "veilig" not in html and 'class="message-deleted"' in html and "bijlage" not in html
    # A facilitator's page shows the hidden text, marked.
    html = render_article(_view(hidden=True), show_hidden=True)
    assert "veilig" in html and "data-hidden" in html


def test_consecutive_messages_of_one_author_are_grouped() -> None:
    one = _view(pk=1, seq=1, reply=None)
    two = _view(pk=2, seq=2, reply=None, created_at=T0 + dt.timedelta(minutes=4))
    late = _view(pk=3, seq=3, reply=None, created_at=T0 + dt.timedelta(minutes=10))
    other = _view(pk=4, seq=4, reply=None, author_id=9, created_at=T0 + dt.timedelta(minutes=11))
    html = render_list([one, two, late, other])
    classes = re.findall(r'<article class="([^"]*)" id="m(\d)"', html)
    assert classes == [("message", "1"), ("message message-grouped", "2"), ("message", "3"), ("message", "4")]


def test_the_accepted_answer_is_shown_again_after_the_first_message() -> None:
    first = _view(pk=1, seq=1, reply=None, accepted=False)
    answer = _view(pk=2, seq=7, reply=None, author_id=9)
    html = render_list([first, answer], accepted=answer, first_seq=1)
    assert html.index('id="m1"') < html.index('<section class="accepted-answer"') < html.index('id="m7"')
    assert 'id="answer-m7"' in html and html.count('id="m7"') == 1
    # The first message not in this list (an older page holds it): not shown here.
    html = render_list([answer], accepted=answer, first_seq=1)
    assert "accepted-answer" not in html


def test_the_template_tag_wraps_the_renderer() -> None:
    page = MessagePage(messages=[_view(reply=None)], names={3: "Sanne"}, has_older=False)
    viewer = TopicViewer(user_id=3, can_post=True, can_moderate=False, can_manage=False)
    html = message_list({"topic_viewer": viewer}, page)
    assert isinstance(html, SafeString) and 'aria-pressed="true"' in html
    empty = message_list({}, MessagePage(messages=[], names={}, has_older=False))
    assert "empty-state" in empty


def test_reaction_chips_and_topic_rows() -> None:
    assert render_reactions({}) == ""
    assert 'title="A, B"' in render_reactions({"🎉": [1, 2]}, {1: "A", 2: "B"})
    row = render_topic_row(
        TopicRowView(pk=4, title=EVIL, message_count=2, last_seq=9, resolved=True, is_question=True, last_message_at=T0)
    )
    assert row.startswith('<li class="topic-row" data-topic-id="4" data-last-seq="9">')
    assert ESCAPED in row and "<script>" not in row and '<time datetime="2026-12-03T' in row


def test_initials() -> None:
    assert initials("Sanne de Vries") == "SV"
    assert initials("Henk") == "HE"
    assert initials("  ") == "?"
