"""``make screenshots``: Kring's main screens at 1280 and 360 px, into docs/screenshots/.

Starts Kring as ``make run`` does (Daphne, the embedded defaults, the demo content) on a
temporary SQLite database and a free port, logs in as the demo member through the login form
in Debian's Chromium and photographs each screen's first viewport (a 256-colour PNG). Nothing of the
developer's own database is touched.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only topic,home]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"]
SIZES = {1280: 800, 360: 740}
FACILITATOR = "facilitator@kring.test"
MEMBER = "sanne@kring.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Daphne stopped before it answered")
        try:
            with opener.open(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


@contextlib.contextmanager
def kring(workdir: Path) -> Iterator[str]:
    """Migrate, load the demo and serve Kring with Daphne, on a temporary SQLite; yields the address."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env.update(
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        MEDIA_ROOT=str(workdir / "media"),
        SITE_URL=base,
        KRING_REQUIRE_2FA_FOR="",
        LOG_LEVEL="WARNING",
    )
    print("Loading the demo content into a temporary database (about a minute)…", flush=True)
    subprocess.run(  # noqa: S603  (our own scripts, fixed arguments)
        [sys.executable, "scripts/dev_prepare.py", str(workdir / "logins.txt")], cwd=ROOT, env=env, check=True
    )
    os.environ.update({k: env[k] for k in ("SQLITE_PATH", "MEDIA_ROOT", "SITE_URL")})
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    proc = subprocess.Popen(  # noqa: S603
        [str(BIN / "daphne"), "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{base}/healthz", proc)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def screens() -> dict[str, str]:
    """Name -> path of each main screen, picked from the demo (Django set up on the same database)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.urls import reverse

    from accounts.models import User
    from forum.models import MembershipState, Topic
    from knowledge_base.models import LessonIndexPage, LessonPage, PilotPage

    member = User.objects.get(email=MEMBER)
    topic = (
        Topic.objects.filter(
            room__community__memberships__user=member,
            room__community__memberships__state=MembershipState.ACTIVE,
            room__community__visibility="open",
        )
        .select_related("room__community")
        .order_by("-message_count", "pk")
        .first()
    )
    assert topic is not None, "the demo member has a topic to read"
    lesson = LessonPage.objects.live().order_by("path").first()
    assert lesson is not None
    out = {
        "home": "/",
        "directory": reverse("forum:directory"),
        "community": topic.room.community.get_absolute_url(),
        "room": topic.room.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "notifications": reverse("notifications:list"),
        "knowledge-base": reverse("knowledge_base:home"),
        "lesson": lesson.url,
        "lessons": (LessonIndexPage.objects.live().first() or lesson.get_parent()).url,
        "kb-search": reverse("knowledge_base:search") + "?q=mentoren",
        "propose-lesson": reverse("knowledge_base:promote_topic", args=[topic.pk]),
        "mentoring": reverse("mentoring:home"),
        "style": "/stijl/",
        "conversations": reverse("forum:direct_list"),
        "preferences": reverse("notifications:preferences"),
        "members": reverse("forum:members", args=[topic.room.community.slug]),
        "passport": reverse("passport:mine"),
        "api-tokens": reverse("api_tokens:list"),
        "api-docs": reverse("api:docs"),
    }
    from passport.models import Award

    award = Award.objects.filter(recipient=member).order_by("pk").first()
    if award is not None:
        out["credential"] = reverse("passport:credential", args=[award.uuid])
    pilot = PilotPage.objects.live().order_by("path").first()
    if pilot is not None:
        out["pilot"] = pilot.url
    out["mentoring-profile"] = reverse("mentoring:profile_edit") + "?stap=aanbod"
    out["mentoring-suggestions"] = reverse("mentoring:suggestions")
    from django.db.models import Q

    from mentoring.models import Relationship

    pair = Relationship.objects.filter(Q(person_a=member) | Q(person_b=member), status="active").order_by("pk").first()
    if pair is not None:
        out["mentoring-pair"] = pair.get_absolute_url()
        out["mentoring-plan"] = reverse("mentoring:session_plan", args=[pair.pk])
    direct = Topic.objects.filter(room__kind="direct", room__room_members__user=member).order_by("pk").first()
    if direct is not None:
        out["direct"] = direct.get_absolute_url()
        other = direct.room.room_members.exclude(user=member).values_list("user_id", flat=True).first()
        if other is not None:
            out["member-card"] = reverse("forum:member_card", args=[other])
    return out


def facilitator_screens() -> dict[str, str]:
    """Monitoring: the first demo community's dashboard, quick scan and stories, as its facilitator."""
    from django.urls import reverse

    from forum.models import Community

    community = Community.objects.filter(is_system=False).order_by("pk").first()
    if community is None:
        return {}
    return {
        "monitor-dashboard": reverse("monitoring:dashboard", args=[community.slug]),
        "monitor-scan": reverse("monitoring:scan", args=[community.slug]),
        "monitor-stories": reverse("monitoring:stories", args=[community.slug]),
    }


def save_small(png: bytes, target: Path) -> None:
    """A 256-colour PNG: about a third of the size, and an interface has few colours anyway."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(target, optimize=True)


def shoot(base: str, out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    logins = [
        (MEMBER, {name: path for name, path in screens().items() if not only or name in only}),
        (FACILITATOR, {name: path for name, path in facilitator_screens().items() if not only or name in only}),
    ]
    from django.conf import settings

    password = settings.KRING_DEMO_PASSWORD  # the demo's logins only
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for login, targets in logins:
            if not targets:
                continue
            for width, height in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="nl-NL", timezone_id="Europe/Amsterdam"
                )
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.locator("#id_login").fill(login)
                page.locator("#id_password").fill(password)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").first.click()
                for name, path in targets.items():
                    response = page.goto(base + path, wait_until="load")
                    if response is None or response.status == 404:
                        print(f"  {name}: {path} answers 404, left out")
                        continue
                    with contextlib.suppress(Exception):
                        page.wait_for_load_state("networkidle", timeout=3_000)
                    page.evaluate("document.fonts.ready")
                    target = out / f"{name}-{width}.png"
                    save_small(
                        page.screenshot(animations="disabled", caret="hide", full_page=name.startswith("monitor")),
                        target,
                    )
                    written.append(target)
                    print(f"  {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB) {path}")
                context.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", default="", help="comma list of screen names (default: all)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="kring-screenshots-"))
    try:
        with kring(workdir) as base:
            written = shoot(base, out, {x for x in args.only.split(",") if x})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
