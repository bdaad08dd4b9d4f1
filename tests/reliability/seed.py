"""Seed a private fault-test database; run as ``python -m tests.reliability.seed SPEC_JSON``.

Runs in its own process with the servers' settings and ``DATABASE_URL`` (the pytest
process keeps its own database), and prints JSON: the rooms with their topic and, per
member, the user id and a session cookie the servers accept.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from typing import Any


def main(spec: dict[str, Any]) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client

    from accounts import services as account_services
    from accounts.models import User
    from forum import services
    from forum.models import Membership, MembershipState

    def make_user(n: int, name: str) -> User:
        email = f"fault{n}@example.test"
        user = User.objects.create_user(email=email, password=None)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        account_services.ensure_profile(user=user, display_name=name)
        return user

    owner = make_user(0, "Eigenaar")
    community = services.create_community(
        actor=owner, name="Kring storingen", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    rooms = []
    for r in range(spec["rooms"]):
        room = services.create_room(actor=owner, community=community, name=f"Zaal {r + 1}")
        topic = services.create_topic(actor=owner, room=room, title=f"Onderwerp {r + 1}")
        rooms.append((room, topic))
    prefill = int(spec.get("prefill", 0))
    if prefill:  # big messages in the first room, for the slow reader to be sent
        body = "Lange tekst over warmtepompen. " * (int(spec.get("prefill_chars", 8000)) // 31)
        for _ in range(prefill):
            services.post_message(actor=owner, topic=rooms[0][1], body=body, client_id=uuid.uuid4())
    members = []
    for i in range(spec["members"]):
        user = make_user(i + 1, f"Lid {i + 1}")
        Membership.objects.create(community=community, user=user, state=MembershipState.ACTIVE)
        client = Client()  # one per member: a second login on one client would end the first session
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        members.append({"user": user.pk, "cookie": cookie})
    return {"rooms": [{"room": r.pk, "topic": t.pk} for r, t in rooms], "members": members}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
