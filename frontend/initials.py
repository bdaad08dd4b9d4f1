"""Initials for an avatar without a picture."""

from __future__ import annotations


def initials(name: str) -> str:
    """Up to two letters: of the first and the last word ("Sanne de Vries" → "SV")."""
    words = [w for w in name.replace("<", " ").replace(">", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
