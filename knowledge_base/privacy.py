"""The knowledge base's privacy hook: the themes a member follows, and Wagtail's records of who edited what.

Those are editorial records, not a member's personal data (``docs/privacy.md``): they are not
exported, and on deletion Wagtail keeps them or sets the user to NULL (its own ``on_delete``).
The hook is registered anyway so that every relation to the user has an owner that decided.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import CREDENTIAL, EDITORIAL, EXPORTED, record
from knowledge_base.models import ThemeFollow

RELATIONS: dict[str, str] = {
    "wagtailcore.APIToken.user": CREDENTIAL,
    "wagtailusers.UserProfile.user": EDITORIAL,
    "wagtaildocs.Document.uploaded_by_user": EDITORIAL,
    "wagtailimages.Image.uploaded_by_user": EDITORIAL,
    "wagtailadmin.EditingSession.user": EDITORIAL,
    "wagtailadmin.FormState.user": EDITORIAL,
    "wagtailcore.ModelLogEntry.user": EDITORIAL,
    "wagtailcore.Revision.user": EDITORIAL,
    "wagtailcore.UploadedFile.uploaded_by_user": EDITORIAL,
    "wagtailcore.WorkflowState.requested_by": EDITORIAL,
    "wagtailcore.TaskState.finished_by": EDITORIAL,
    "wagtailcore.Page.locked_by": EDITORIAL,
    "wagtailcore.Page.owner": EDITORIAL,
    "wagtailcore.PageLogEntry.user": EDITORIAL,
    "wagtailcore.Comment.user": EDITORIAL,
    "wagtailcore.Comment.resolved_by": EDITORIAL,
    "wagtailcore.CommentReply.user": EDITORIAL,
    "wagtailcore.PageSubscription.user": EDITORIAL,
    # Who proposed a conversation as a lesson and who decided: editorial records of the knowledge base,
    # set to NULL when the account goes (the proposal shows "former member").
    "knowledge_base.LessonProposal.proposer": EDITORIAL,
    "knowledge_base.LessonProposal.decided_by": EDITORIAL,
    # The themes a member follows are theirs (exported; gone with the account by CASCADE).
    "knowledge_base.ThemeFollow.user": EXPORTED,
}


def export(user: User) -> dict[str, Any]:
    """The themes the member follows; editing records are not exported (see the module docstring)."""
    follows = ThemeFollow.objects.filter(user=user).select_related("theme").order_by("pk")
    return {
        "knowledge_base": {
            "followed_themes": [{**record(f), "theme": f.theme.title} for f in follows],
        }
    }


def forget(user: User) -> None:
    """Nothing beyond Wagtail's own ``on_delete`` rules."""
