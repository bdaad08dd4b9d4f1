"""Reads for mentoring: the matching pool, suggestions, pages and the dashboard.

One module per kind of read; callers import this package (``from mentoring import selectors``).
"""

from mentoring.selectors.pages import (
    RelationshipPage,
    SessionView,
    flip_reason,
    notifications_for,
    profile_with_skills,
    programmes_for,
    relationship_page,
    relationships_of,
    visible_relationship,
)
from mentoring.selectors.pool import (
    MODE_CODES,
    bump_pool_version,
    candidate_for,
    candidates,
    clear_table_cache,
    open_relationship_counts,
    pool_profiles,
    pool_table,
    pool_version,
    unavailable_for,
    weights_for,
)
from mentoring.selectors.programmes import (
    SMALL_GROUP,
    Dashboard,
    DirectionCount,
    dashboard,
    export_rows,
    goal_directions,
    participation_of,
    programme_list,
    suppress,
)
from mentoring.selectors.suggestions import Suggestion, names_for, suggestions_for

__all__ = [
    "MODE_CODES",
    "SMALL_GROUP",
    "Dashboard",
    "DirectionCount",
    "RelationshipPage",
    "SessionView",
    "Suggestion",
    "bump_pool_version",
    "candidate_for",
    "candidates",
    "clear_table_cache",
    "dashboard",
    "export_rows",
    "flip_reason",
    "goal_directions",
    "names_for",
    "notifications_for",
    "open_relationship_counts",
    "participation_of",
    "pool_profiles",
    "pool_table",
    "pool_version",
    "profile_with_skills",
    "programme_list",
    "programmes_for",
    "relationship_page",
    "relationships_of",
    "suggestions_for",
    "suppress",
    "unavailable_for",
    "visible_relationship",
    "weights_for",
]
