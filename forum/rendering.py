"""Markdown to safe HTML, once, at write time. The source is kept beside it."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# ``@**Name**`` (by name) or ``@**Name|id**`` (by identity: exactly that member).
MENTION = re.compile(r"@\*\*([^*\n]{1,80})\*\*")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+!|~-]")
# Characters with a meaning somewhere in CommonMark (and the table and strikethrough rules):
# a line without any of them, starting with a letter, is one plain paragraph.
_NOT_PLAIN = frozenset("\\`*_{}[]()<>#+-!|~&=")


@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """One mention as written: a name, and the member's id when written by identity."""

    name: str
    user_id: int | None = None


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    mentions: frozenset[Mention]

    @property
    def mentioned_names(self) -> frozenset[str]:
        return frozenset(m.name for m in self.mentions)


def _mention(inner: str) -> Mention | None:
    name, bar, ident = inner.rpartition("|")
    if bar and ident.strip().isdigit() and name.strip():
        return Mention(name=name.strip(), user_id=int(ident.strip()))
    if inner.strip():
        return Mention(name=inner.strip())
    return None


def mentions_in(source: str) -> frozenset[Mention]:
    return frozenset(m for m in (_mention(inner) for inner in MENTION.findall(source)) if m is not None)


def mentioned_names(source: str) -> frozenset[str]:
    return frozenset(m.name for m in mentions_in(source))


def render(source: str, links: dict[Mention, tuple[str, str]] | None = None) -> Rendered:
    """Render Markdown; ``links`` maps a mention to (the member's name, their profile URL)."""
    return _plain_paragraph(source) or _render_markdown(source, links or {})


def _render_markdown(source: str, links: dict[Mention, tuple[str, str]]) -> Rendered:

    def link(match: re.Match[str]) -> str:
        mention = _mention(match.group(1))
        found = links.get(mention) if mention is not None else None
        if found is None:
            return match.group(0)
        name, url = found
        escaped = _MARKDOWN_SPECIAL.sub(lambda c: "\\" + c.group(0), name)
        return f"[@{escaped}](<{url}>)"

    html = _markdown.render(MENTION.sub(link, source))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    text = htmllib.unescape(nh3.clean(html, tags=set())).strip()
    return Rendered(html=clean, text=text, mentions=mentions_in(source))


def _plain_paragraph(source: str) -> Rendered | None:
    """What ``_render_markdown`` makes of a one-line post without markup ("Wie komt er dinsdag?"),
    without the parser and the sanitiser: most chat posts are such lines, and those two were a
    sixth of a post's CPU. None for anything else. ``tests/forum/test_rendering.py`` holds it to
    the full pipeline's output. A line starting with a letter cannot open a block (list, heading,
    quote, code); printable means no line break, tab, NUL or non-breaking space; without the
    characters in ``_NOT_PLAIN`` nothing inline applies (links are not made from bare addresses:
    linkify is off) and nothing needs escaping; a mention needs ``**``.
    """
    if not source or not source[0].isalpha() or source != source.strip() or not source.isprintable():
        return None
    if not _NOT_PLAIN.isdisjoint(source):
        return None
    return Rendered(html=f"<p>{source}</p>\n", text=source, mentions=frozenset())
