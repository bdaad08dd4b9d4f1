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
MENTION = re.compile(r"@\*\*([^*\n]{1,80})\*\*")


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    mentioned_names: frozenset[str]


def mentioned_names(source: str) -> frozenset[str]:
    return frozenset(name.strip() for name in MENTION.findall(source))


def render(source: str, mentions: dict[str, str] | None = None) -> Rendered:
    """Render Markdown; ``mentions`` maps display names to profile URLs."""
    mentions = mentions or {}

    def link(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        url = mentions.get(name)
        if url is None:
            return match.group(0)
        return f"[@{name}]({url})"

    html = _markdown.render(MENTION.sub(link, source))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    text = htmllib.unescape(nh3.clean(html, tags=set())).strip()
    return Rendered(html=clean, text=text, mentioned_names=mentioned_names(source))
