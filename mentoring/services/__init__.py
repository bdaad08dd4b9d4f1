"""Writes for mentoring. Keyword-only, typed, one transaction each, permission-checked.

One module per action family; callers import this package (``from mentoring import services``).
The acting member is ``actor``. Refusals are ``core.errors`` errors: ``Forbidden`` (not
allowed), ``Invalid`` (bad input, with ``field`` where it belongs to one), ``Conflict`` (not
possible in the pair's current state, or done already).
"""

from mentoring.services.agreements import add_goal, save_agreement, sign_agreement, update_goal
from mentoring.services.milestones import add_milestone, set_milestone_done
from mentoring.services.notifications import mark_notifications_read, notify, without_email
from mentoring.services.profiles import OfferInput, WantInput, ensure_mentoring_profile, save_mentoring_profile
from mentoring.services.programmes import (
    admit_participant,
    invite_participant,
    invite_participants,
    join_programme,
    save_programme,
)
from mentoring.services.relationships import (
    end_early,
    end_pairs_of_departing_member,
    pause,
    propose,
    respond,
    resume,
    set_coordinator_access,
    withdraw,
    write_closing,
)
from mentoring.services.reminders import send_reminders
from mentoring.services.rounds import publish_round, run_matching_round, set_round_pair_state, swap_round_pairs
from mentoring.services.sessions import (
    ReflectionInput,
    cancel_session,
    complete_checkin,
    log_session,
    mark_session_held,
    plan_session,
    reschedule_session,
    save_reflection,
)

__all__ = [
    "OfferInput",
    "ReflectionInput",
    "WantInput",
    "add_goal",
    "add_milestone",
    "admit_participant",
    "cancel_session",
    "complete_checkin",
    "end_early",
    "end_pairs_of_departing_member",
    "ensure_mentoring_profile",
    "invite_participant",
    "invite_participants",
    "join_programme",
    "log_session",
    "mark_notifications_read",
    "mark_session_held",
    "notify",
    "pause",
    "plan_session",
    "propose",
    "publish_round",
    "reschedule_session",
    "respond",
    "resume",
    "run_matching_round",
    "save_agreement",
    "save_mentoring_profile",
    "save_programme",
    "save_reflection",
    "send_reminders",
    "set_coordinator_access",
    "set_milestone_done",
    "set_round_pair_state",
    "sign_agreement",
    "swap_round_pairs",
    "update_goal",
    "withdraw",
    "without_email",
    "write_closing",
]
