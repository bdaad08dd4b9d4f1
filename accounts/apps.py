from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import privacy, sites, two_factor

        privacy.register(
            "accounts",
            export=privacy.export_account,
            forget=privacy.forget_account,
            relations=privacy.ACCOUNT_RELATIONS,
        )

        sites.use_site_domain_for_message_ids()
        # After the last app's post_migrate: Django's sites app creates "example.com" and Wagtail
        # its "localhost:80" site in theirs, which run after ours (INSTALLED_APPS order).
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(sites.sync_sites, sender=last, dispatch_uid="accounts.sync_sites")
        two_factor.connect_signals()
