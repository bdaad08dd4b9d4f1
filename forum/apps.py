from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from forum import events, privacy
        from forum.selectors import notifications as answers
        from notifications import registry

        account_privacy.register("forum", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        registry.register(
            topic_details=answers.topic_details,
            read_in_app=answers.read_in_app,
            communities=answers.communities_of,
            readable_topic=answers.readable_topic,
            announce=events.announce_notifications,
        )
