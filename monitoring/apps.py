from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from forum import sections, services
        from monitoring import permissions, privacy

        # monitor/landelijk/ and monitor/netwerkanalyse/ sit beside monitor/<community>/.
        services.share_slug_space("monitoring.urls")
        # Members find the scan and the stories on their community's page; facilitators the dashboard.
        sections.register(
            sections.CommunitySection(
                key="monitoring-scan",
                label=_("Quick scan"),
                url_name="monitoring:scan",
                visible=permissions.can_take_part,
            )
        )
        sections.register(
            sections.CommunitySection(
                key="monitoring-stories",
                label=_("Stories"),
                url_name="monitoring:stories",
                visible=permissions.can_take_part,
            )
        )
        sections.register(
            sections.CommunitySection(
                key="monitoring-dashboard",
                label=_("Monitoring"),
                url_name="monitoring:dashboard",
                visible=permissions.can_monitor,
                for_facilitators=True,
            )
        )

        account_privacy.register(
            "monitoring", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS
        )
