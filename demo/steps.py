"""The order in which apps load their demo content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demo import accounts as accounts_demo
from demo import api as api_demo
from demo import forum as forum_demo
from demo import knowledge_base as knowledge_base_demo
from demo import meetings as meetings_demo
from demo import mentoring as mentoring_demo
from demo import monitoring as monitoring_demo
from demo import passport as passport_demo

Step = Callable[[Callable[[str], None]], Any]

STEPS: list[tuple[str, Step]] = [
    ("Accounts", accounts_demo.seed),
    ("Mentoring", mentoring_demo.seed),
    ("Communities", forum_demo.seed),
    ("Knowledge base", knowledge_base_demo.seed),
    ("Learning passport", passport_demo.seed),
    ("Monitoring", monitoring_demo.seed),
    ("Meetings", meetings_demo.seed),
    ("API tokens", api_demo.seed),
    ("Connected apps", api_demo.seed_apps),
    ("Webhooks", api_demo.seed_webhooks),
]
