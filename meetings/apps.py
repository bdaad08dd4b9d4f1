from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from forum import sections
        from meetings import permissions, privacy

        account_privacy.register("meetings", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        # The community's page links its meetings (forum/sections.py: the forum may not import us).
        sections.register(
            sections.CommunitySection(
                key="meetings",
                label=_("Meetings"),
                url_name="meetings:community",
                visible=permissions.can_see_meetings,
            )
        )
