"""Dutch words as PostgreSQL's ``dutch`` text search configuration sees them: Snowball stems, stop words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer

# PostgreSQL's list (tsearch_data/dutch.stop), so that both leave the same words out of a query.
DUTCH_STOP_WORDS = frozenset(
    [
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    ]
)
WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("dutch_porter")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def stem_text(text: str) -> str:
    """The text as its stems, in order (what the SQLite index stores)."""
    return " ".join(stem(w) for w in WORD.findall(text))


def query_stems(query: str) -> list[str]:
    """A query's stems without stop words (all of them when the query is nothing but stop words)."""
    words = [w.lower() for w in WORD.findall(query)]
    kept = [w for w in words if w not in DUTCH_STOP_WORDS] or words
    return [stem(w) for w in kept]
