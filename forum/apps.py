from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from forum import privacy

        account_privacy.register("forum", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
