"""The plain-line shortcut renders exactly what the full pipeline (markdown-it, then nh3) renders:
the same HTML, search text and mentions (forum.rendering._plain_paragraph)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum import rendering

# Letters, digits, spaces and every ASCII punctuation mark, a few accented and non-Latin letters,
# quotes, a non-breaking space, a tab and line breaks: the shortcut must refuse what it cannot do.
ALPHABET = st.sampled_from(
    [*"abcXYZ019 .,;:?!'\"@=&<>*_`~#+-|()[]{}\\/%$^", "é", "ß", "ñ", "ü", "Ω", "中", "\xa0", "\t", "\n", "\r", "\0"]
)


# Mostly what chat lines are made of, so that many examples take the shortcut.
PROSE = st.lists(
    st.sampled_from([*"abcdefXYZéΩ中 019,;:?'\"@", "e.", "n. ", " 1.", "  ", "=", "-", "\xa0"]), min_size=1, max_size=30
).map("".join)


def _pipeline(source: str) -> rendering.Rendered:
    return rendering._render_markdown(source, {})


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=40))
@example("Wie komt er dinsdag?")
@example('Zij zei "ja". Echt waar.')
@example("Vraag: wie neemt koffie mee")
@example("a.nl is geen link")
@example("Stap 1. Dan 2")
@example("Heel   veel   spaties")
def test_the_shortcut_gives_the_parsers_html_or_steps_aside(source: str) -> None:
    shortcut = rendering._plain_paragraph(source)
    if shortcut is not None:
        assert shortcut == _pipeline(source)


@settings(max_examples=3000, deadline=None)
@given(PROSE)
def test_prose_lines_too(source: str) -> None:
    shortcut = rendering._plain_paragraph(source)
    if shortcut is not None:
        assert shortcut == _pipeline(source)


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        ("Wie komt er dinsdag?", True),
        ('Zij zei "ja", echt.', True),
        ("Vraag: wie neemt koffie mee", True),
        ("1. eerste punt", False),
        ("- lijstje", False),
        ("# kop", False),
        ("Kijk op *dit*", False),
        ("Twee\nregels", False),
        (" spatie vooraf", False),
        ("@**Sanne** kom je?", False),
    ],
)
def test_the_shortcut_takes_plain_lines_only(source: str, plain: bool) -> None:
    assert (rendering._plain_paragraph(source) is not None) is plain


def test_render_takes_the_shortcut_for_plain_lines_only(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = 'Wie komt er dinsdag? Zij zei "ja".'
    assert rendering.render(plain) == _pipeline(plain)
    assert rendering.render(plain).html == '<p>Wie komt er dinsdag? Zij zei "ja".</p>\n'
    assert rendering.render('Zij zei "ja" & nee').html == '<p>Zij zei "ja" &amp; nee</p>\n'  # & is not plain
    monkeypatch.setattr(rendering, "_render_markdown", lambda source, links: None)
    assert rendering.render(plain) is not None  # the parser was not needed
