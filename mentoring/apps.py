from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from mentoring import privacy

        account_privacy.register("mentoring", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        _watch_member_profiles()


def _watch_member_profiles() -> None:
    """Matching reads the member profile too (languages, region, organisation, sectors): a change
    there must reach the cached score tables at once, not after their minute is up."""
    from django.db import transaction
    from django.db.models.signals import m2m_changed, post_save

    from accounts.models import Profile
    from mentoring.selectors import bump_pool_version

    def changed(**_kwargs: object) -> None:
        transaction.on_commit(bump_pool_version)

    post_save.connect(changed, sender=Profile, dispatch_uid="mentoring-pool-profile", weak=False)
    for through in (Profile.languages.through, Profile.sectors.through):
        m2m_changed.connect(changed, sender=through, dispatch_uid=f"mentoring-pool-{through.__name__}", weak=False)
