from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class PassportConfig(AppConfig):
    name = "passport"
    verbose_name = _("Learning passport")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from passport import privacy, rules

        account_privacy.register("passport", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        rules.connect()
        # However an account goes (the privacy flow, the admin, a script), its credentials are
        # revoked first: the database refuses an award without recipient that is not revoked.
        pre_delete.connect(
            _revoke_before_account_deletion, sender=settings.AUTH_USER_MODEL, dispatch_uid="passport-revoke"
        )


def _revoke_before_account_deletion(sender: Any, instance: Any, **kwargs: Any) -> None:
    from passport import privacy

    privacy.forget(instance)
