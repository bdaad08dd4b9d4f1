"""The order in which apps load their demo content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts import demo as accounts_demo
from forum import demo as forum_demo
from knowledge_base import demo as knowledge_base_demo
from mentoring import demo as mentoring_demo

Step = Callable[[Callable[[str], None]], Any]

STEPS: list[tuple[str, Step]] = [
    ("Accounts", accounts_demo.seed),
    ("Mentoring", mentoring_demo.seed),
    ("Communities", forum_demo.seed),
    ("Knowledge base", knowledge_base_demo.seed),
]
