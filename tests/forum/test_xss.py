"""Markdown and user text render inert: 30+ payloads through messages and other fields."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest

from forum import services

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<marquee onstart=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<table background=javascript:alert(1)>",
    "`<script>alert(1)</script>`",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "img",
}


class LiveMarkup(HTMLParser):
    """Collects what a browser would treat as markup: tags, handlers, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS - {"img"}:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"attribute {name}")
            if name in {"href", "src"} and value and not re.match(r"^(https?:|mailto:|/|#)", value.strip()):
                self.problems.append(f"url {value}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_in_message_html(payload: str, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title=payload[:150])
    message = services.post_message(actor=owner, topic=topic, body=payload, client_id=uuid.uuid4())
    parser = LiveMarkup()
    parser.feed(message.body_html)
    assert not parser.problems, (payload, message.body_html)


def test_topic_title_and_community_text_escaped_on_pages(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community(name="<script>alert('c')</script>")
    topic = services.create_topic(
        actor=owner, room=community.rooms.get(), title="<img src=x onerror=alert(1)>", body=PAYLOADS[0]
    )
    client.force_login(owner)
    for url in [community.get_absolute_url(), topic.get_absolute_url(), "/gemeenschappen/"]:
        body = client.get(url).content.decode()
        assert "<script>alert('c')</script>" not in body
        assert "<img src=x onerror=alert(1)>" not in body
