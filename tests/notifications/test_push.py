"""Web Push against a real push service (npm ``web-push-testing``, started here): subscribe from
the preferences page's endpoint, receive, no message content unless allowed, a 410 prunes the
subscription, and one failing subscription never stops the others."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid02

from notifications import services
from notifications.models import NotificationKind, Preferences, PushSubscription
from notifications.preferences import Channels
from notifications.services import push

pytestmark = pytest.mark.django_db

SERVER = Path(__file__).resolve().parents[1] / "peers" / "push" / "node_modules" / "web-push-testing" / "src" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(url: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    try:
        return json.loads(text)
    except ValueError:
        return text  # "expire-subscription" answers with no JSON


@pytest.fixture
def push_service() -> Iterator[str]:
    if shutil.which("node") is None or not (SERVER / "server.js").exists():
        pytest.fail("the push peer is missing: run `make peers`")
    port = _free_port()
    process = subprocess.Popen(
        ["node", str(SERVER / "server.js"), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/status", data=b"", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def vapid(settings: Any) -> Iterator[str]:
    key = Vapid02()
    key.generate_keys()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = key.private_pem().decode()
    push.keys.cache_clear()
    yield push.public_key()
    push.keys.cache_clear()


def _device(base: str, public_key: str) -> dict[str, Any]:
    return _call(f"{base}/subscribe", {"userVisibleOnly": "true", "applicationServerKey": public_key})["data"]


def _received(base: str, device: dict[str, Any]) -> list[Any]:
    return _call(f"{base}/get-notifications", {"clientHash": device["clientHash"]})["data"]["messages"]


def test_subscribe_receive_and_a_410_prunes(
    push_service: str, vapid: str, client: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member, actor = make_user(name="Mila"), make_user(name="Ayse")
    phone, laptop = _device(push_service, vapid), _device(push_service, vapid)
    client.force_login(member)
    url = reverse("notifications:push_subscription")
    for device in (phone, laptop):
        body = {"endpoint": device["endpoint"], "keys": device["keys"]}
        assert client.post(url, body, content_type="application/json").status_code == 204
    # A third device whose push service is gone: its failure must not stop the others.
    PushSubscription.objects.create(user=member, endpoint=f"http://localhost:{_free_port()}/gone", p256dh="x", auth="y")
    assert PushSubscription.objects.filter(user=member).count() == 3

    def tell(text: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(recipients=[member], kind=NotificationKind.MENTION, url="/x/#m3", text=text, actor=actor)

    tell("Ayse noemde je in “Geheim plan”")
    [first] = _received(push_service, phone)
    assert len(_received(push_service, laptop)) == 1
    payload = json.loads(first) if isinstance(first, str) else first
    assert payload["url"] == "/x/#m3" and payload["title"]
    assert "Geheim" not in json.dumps(payload)  # no content unless the member allows it

    Preferences.objects.create(user=member, push_content=True)
    tell("Ayse noemde je in “Open plan”")
    second = _received(push_service, phone)[-1]
    assert "Open plan" in (second if isinstance(second, str) else json.dumps(second, ensure_ascii=False))

    _call(f"{push_service}/expire-subscription/{phone['clientHash']}")
    tell("Nog eens")
    endpoints = set(PushSubscription.objects.filter(user=member).values_list("endpoint", flat=True))
    assert phone["endpoint"] not in endpoints and laptop["endpoint"] in endpoints  # 410: pruned
    assert len(_received(push_service, laptop)) == 3  # delivered past the expired and the broken one


def test_push_off_by_choice_or_in_quiet_hours_sends_nothing(
    push_service: str, vapid: str, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = make_user(name="Mila")
    device = _device(push_service, vapid)
    push.subscribe(
        actor=member, endpoint=device["endpoint"], p256dh=device["keys"]["p256dh"], auth=device["keys"]["auth"]
    )
    services.save_kind_settings(
        actor=member, settings={NotificationKind.MENTION: Channels(app=True, email=False, push=False)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[member], kind=NotificationKind.MENTION, url="/x/", text="x")
    assert _received(push_service, device) == []
    assert push.send_push(user_id=member.pk, kind=NotificationKind.MENTION, text="x", url="/x/") == 1
    now = timezone.localtime()
    Preferences.objects.create(
        user=member,
        quiet_from=(now - dt.timedelta(hours=1)).time(),
        quiet_until=(now + dt.timedelta(hours=1)).time(),
    )
    assert push.send_push(user_id=member.pk, kind=NotificationKind.MENTION, text="x", url="/x/") == 0
