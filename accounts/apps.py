from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import privacy

        privacy.register(
            "accounts",
            export=privacy.export_account,
            forget=privacy.forget_account,
            relations=privacy.ACCOUNT_RELATIONS,
        )
