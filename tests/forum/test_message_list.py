"""The topic page's message list escapes every value of a row, and keeps the sanitised body as is."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from forum.selectors import AttachmentRow, MessageRow
from forum.templatetags.forum_messages import message_list

EVIL = "<script>x</script>\"'&"
ESCAPED = "&lt;script&gt;x&lt;/script&gt;&quot;&#x27;&amp;"


class _Topic:
    pk = 7


def _row(**changes: object) -> MessageRow:
    values: dict[str, object] = {
        "pk": EVIL,
        "seq": EVIL,
        "author_name": EVIL,
        "author_url": EVIL,
        "created_iso": EVIL,
        "created_label": EVIL,
        "history_url": EVIL,
        "is_pinned": True,
        "is_hidden": False,
        "is_accepted": True,
        "is_deleted": False,
        "hidden_from_viewer": False,
        "body_html": mark_safe("<p>veilig <strong>opgemaakt</strong></p>"),
        "attachments": [AttachmentRow(EVIL, EVIL, EVIL)],
        "reactions": [(EVIL, 3)],
        "actions": True,
        "react_url": EVIL,
        "edit_url": EVIL,
        "delete_url": EVIL,
        "pin_url": EVIL,
        "hide_url": EVIL,
        "can_accept": True,
        "flag_url": EVIL,
    }
    values.update(changes)
    return MessageRow(**values)  # type: ignore[arg-type]


def test_every_row_value_is_escaped() -> None:
    context = {"csrf_input": mark_safe('<input type="hidden">'), "react_options": mark_safe("<option>👍</option>")}
    html = message_list({**context, "topic": _Topic()}, [_row()])
    assert isinstance(html, SafeString)
    assert "<script>" not in html
    # pk, seq (x3), author, url, dates (x2), history, attachment (x3), reaction, seven action URLs, ids
    assert html.count(ESCAPED) >= 20
    assert "<p>veilig <strong>opgemaakt</strong></p>" in html
    assert '<input type="hidden">' in html and "<option>👍</option>" in html
    assert f'<span class="tag">{ESCAPED} 3</span>' in html


def test_deleted_and_hidden_rows_show_no_body() -> None:
    context = {"csrf_input": SafeString(""), "react_options": SafeString(""), "topic": _Topic()}
    for row in (_row(is_deleted=True), _row(hidden_from_viewer=True)):
        html = message_list(context, [row])
        assert "veilig" not in html and 'class="message-deleted"' in html
