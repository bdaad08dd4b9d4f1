"""Lighthouse on Kring's main pages, beside a static baseline page (``make lighthouse``; part of ``make bench``).

Kring runs production-like: Daphne, ``DEBUG=false``, static files collected and served by
WhiteNoise (compressed, hashed names), the demo content in a database of its own
(``<bench database>_lighthouse``, loaded once) plus a topic of 200 messages. Lighthouse (npm,
pinned in ``bench/node/package.json``) drives Debian's Chromium on:

- the topic page with 200 messages and the home page, as the demo member (sanne@kring.test:
  the app shell with her communities and live unread counts);
- the home page, the community directory and a knowledge-base lesson, as a visitor;
- ``baseline``: ``bench/baselines/static_page.py``, a plain HTML page of 200 messages with a
  little CSS and no script, served by uvicorn in the same run — what Lighthouse gives on this
  machine for a page with nothing to improve, so a low score on Kring's pages can be told
  apart from a busy machine.

The member's pages run in a Chromium that logged in through the real login form (started with
a remote-debugging port, handed to Lighthouse with ``--port``): a cookie given with
``--extra-headers`` would not reach the WebSocket, whose refusal would then show as console
errors. Lighthouse's settings are its defaults (mobile, simulated throttling) unless
``--preset desktop``.

    python -m bench.lighthouse [--runs 3] [--preset desktop]   # prints the rows, writes JSON
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.common import PY, ROOT, bench_env, ensure_database, free_port, spawn, stop, wait_port

LIGHTHOUSE = ROOT / "bench" / "node" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
WORK = ROOT / "bench" / ".lighthouse"  # media, collected static files, reports, logs (not in git)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}
METRICS = {
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "speed-index": "si_ms",
    "cumulative-layout-shift": "cls",
}
TOPIC_TITLE = "Lighthouse: tweehonderd berichten over stages"
MEMBER_EMAIL = "sanne@kring.test"


def lighthouse_env() -> dict[str, str]:
    """The environment of the Lighthouse database (the bench database's name + ``_lighthouse``)."""
    env = bench_env()
    url = urlparse(env["DATABASE_URL"])
    env["DATABASE_URL"] = url._replace(path=url.path.rstrip("/") + "_lighthouse").geturl()
    env["MEDIA_ROOT"] = str(WORK / "media")
    env["STATIC_ROOT"] = str(WORK / "static")
    env["KRING_REQUIRE_2FA_FOR"] = ""
    env.pop("DEBUG", None)
    return env


# --- data (runs as ``python -m bench.lighthouse seed`` in the Lighthouse environment) ------------


def seed() -> dict[str, Any]:
    """Migrate, load the demo (a no-op when loaded), add the 200-message topic once; return paths."""
    import io
    import logging
    import uuid

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    logging.disable(logging.INFO)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    from accounts.models import User
    from forum import services
    from forum.models import MembershipState, Room, Topic
    from knowledge_base.models import LessonPage

    member = User.objects.get(email=MEMBER_EMAIL)
    topic = Topic.objects.filter(title=TOPIC_TITLE).first()
    if topic is None:
        room = (
            Room.objects.filter(
                community__memberships__user=member,
                community__memberships__state=MembershipState.ACTIVE,
                community__visibility="open",
                is_restricted=False,
            )
            .order_by("pk")
            .first()
        )
        assert room is not None, "the demo member belongs to an open community"
        authors = list(
            User.objects.filter(
                memberships__community=room.community, memberships__state=MembershipState.ACTIVE
            ).order_by("pk")[:12]
        )
        topic = services.create_topic(actor=authors[0], room=room, title=TOPIC_TITLE)
        bodies = [
            "Wij laten studenten in de eerste week meelopen met een vakman uit het bedrijf.",
            "Goed idee. Hoe houden jullie bij wat ze in die week **leren**?",
            "Met een kort logboek: drie regels per dag. De begeleider leest mee.",
            "Bij ons werkt een vaste *buddy* beter dan een rooster met wisselende collega's.",
            "Zie ook de les over scaffolding in de kennisbank: eerst voordoen, dan samen doen, dan zelf.",
            "Wie heeft ervaring met stages in kleine bedrijven, met maar twee of drie mensen?\n\n"
            "- wie begeleidt dan?\n- hoeveel tijd kost het?",
        ]
        posts = [
            services.NewMessage(
                actor=authors[i % len(authors)],
                room_id=room.pk,
                topic_id=topic.pk,
                body=f"{bodies[i % len(bodies)]} ({i + 1})",
                client_id=uuid.uuid4(),
            )
            for i in range(200)
        ]
        for start in range(0, len(posts), 50):
            services.post_messages(posts=posts[start : start + 50])
        # The member has read the first 180: the page opens at the first unread, as it would.
        read_up_to = topic.messages.order_by("seq")[179]
        services.mark_read(actor=member, room=room, topic=topic, seq=read_up_to.seq)
    lesson = LessonPage.objects.live().order_by("path").first()
    assert lesson is not None, "the demo has a live lesson"
    return {
        "topic_id": topic.pk,
        "topic_path": topic.get_absolute_url(),
        "lesson_path": lesson.url,
        "password": settings.KRING_DEMO_PASSWORD,
    }


# --- servers --------------------------------------------------------------------------------------


@contextlib.contextmanager
def kring(env: dict[str, str], log: Path) -> Iterator[str]:
    """Daphne with DEBUG off and the static files collected, on a free port; yields its address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **env,
        "DEBUG": "false",
        "SITE_URL": base,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": base,
        # Plain HTTP on the loopback: no redirect to HTTPS, no HSTS (Chromium treats 127.0.0.1 as a
        # secure context, so the secure cookies still work).
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "KRING_SERVE_MEDIA": "true",
    }
    for step in (["manage.py", "translations", "compile"], ["manage.py", "collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([PY, *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    daphne = str(Path(PY).with_name("daphne"))
    proc = spawn([daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"], cpus=None, env=env, log=log)
    try:
        wait_port(port, 60, proc)
        yield base
    finally:
        stop(proc)


@contextlib.contextmanager
def baseline(log: Path) -> Iterator[str]:
    port = free_port()
    uvicorn = str(Path(PY).with_name("uvicorn"))
    args = [uvicorn, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = spawn([*args, "bench.baselines.static_page:application"], cpus=None, env=bench_env(), log=log)
    try:
        wait_port(port, 30, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


@contextlib.contextmanager
def logged_in_chromium(base: str, email: str, password: str) -> Iterator[int]:
    """Debian's Chromium with a remote-debugging port, logged in through the login form."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = tempfile.mkdtemp(prefix="kring-lighthouse-")
    proc = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_port(port, 30)
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
            page = browser.contexts[0].new_page()
            page.goto(f"{base}/accounts/login/")
            page.locator("#id_login").fill(email)
            page.locator("#id_password").fill(password)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()
            if "/accounts/login/" in page.url:
                raise RuntimeError(f"{email} could not log in for Lighthouse")
            page.close()
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


# --- Lighthouse -----------------------------------------------------------------------------------


def run_lighthouse(url: str, out: Path, *, port: int | None, preset: str) -> dict[str, Any]:
    """One Lighthouse run; returns the summary (scores 0-100, metrics, console errors)."""
    args = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--max-wait-for-load=60000",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    if port is None:
        args.append(f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}")
    else:
        args.append(f"--port={port}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed ({done.returncode}): {done.stderr[-600:]}")
    return summarize(json.loads(out.read_text()))


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]
    scores = {
        name: (
            round(100 * report["categories"][name]["score"])
            if report["categories"][name]["score"] is not None
            else None
        )
        for name in CATEGORIES
    }
    metrics = {
        key: round(audits[audit]["numericValue"], 3 if key == "cls" else 0)
        for audit, key in METRICS.items()
        if audits.get(audit, {}).get("numericValue") is not None
    }
    console = [
        f"{item.get('source', '')}: {str(item.get('description', ''))[:160]}"
        for item in (audits.get("errors-in-console", {}).get("details") or {}).get("items", [])
    ]
    failing = sorted(
        f"{name}: {audit_id}"
        for name in CATEGORIES
        if name != "performance"
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight", 0) > 0
        and (audit_id := ref["id"]) in audits
        and audits[audit_id].get("score") is not None
        and audits[audit_id]["score"] < 1
    )
    weight = audits.get("total-byte-weight", {}).get("numericValue")
    return {
        "scores": scores,
        "metrics": metrics,
        "console_errors": console,
        "failing_audits": failing,
        "total_byte_weight": round(weight) if weight is not None else None,
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
        "lighthouse": report.get("lighthouseVersion"),
        "form_factor": report.get("configSettings", {}).get("formFactor"),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median performance score (Lighthouse's advice for noisy machines)."""
    ordered = sorted(runs, key=lambda r: r["scores"]["performance"] or 0)
    chosen = dict(ordered[len(ordered) // 2])
    chosen["performance_runs"] = [r["scores"]["performance"] for r in runs]
    return chosen


def run(runs: int = 1, preset: str = "mobile", log: Any = print) -> dict[str, Any]:
    if not LIGHTHOUSE.exists():
        raise RuntimeError("Lighthouse is not installed: make lighthouse-deps (npm ci --prefix bench/node)")
    WORK.mkdir(parents=True, exist_ok=True)
    env = lighthouse_env()
    if env["DATABASE_URL"].startswith("postgres"):
        ensure_database(env["DATABASE_URL"])
    started = time.monotonic()
    seeded = subprocess.run(
        [PY, "-m", "bench.lighthouse", "seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    paths = json.loads(seeded.stdout.strip().splitlines()[-1])
    log(f"  demo and the 200-message topic ready ({time.monotonic() - started:.0f}s)")
    password = paths["password"]  # the demo logins' (config.settings.KRING_DEMO_PASSWORD)
    out: dict[str, Any] = {"preset": preset, "runs": runs, "pages": {}}
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    # (key for the report files, row name, path, as the member)
    pages = [
        ("topic", "topic (200 messages, member)", paths["topic_path"], True),
        ("home-member", "home (member)", "/", True),
        ("home", "home", "/", False),
        ("directory", "directory", "/gemeenschappen/", False),
        ("lesson", "lesson", urlparse(paths["lesson_path"]).path, False),
    ]

    def measure(key: str, name: str, url: str, port: int | None) -> None:
        results = []
        for i in range(runs):
            report = WORK / f"{stamp}-{key}-{i}.report.json"
            try:
                try:
                    results.append(run_lighthouse(url, report, port=port, preset=preset))
                except RuntimeError as exc:  # Lighthouse's own flakes (NO_NAVSTART …): once more
                    log(f"  {name}: {exc!r}"[:300] + "; trying again")
                    results.append(run_lighthouse(url, report, port=port, preset=preset))
            except Exception as exc:  # one page failing must not end the others
                out["pages"][name] = {"error": repr(exc)[:600], "url": url}
                log(f"  {name}: {exc!r}"[:400])
                return
        out["pages"][name] = {**median_run(results), "url": url}
        s = out["pages"][name]
        log(f"  {name}: {s['scores']} console errors {len(s['console_errors'])}")

    with baseline(WORK / "baseline.log") as url:
        measure("baseline", "baseline (static page)", url, None)
    with kring(env, WORK / "daphne.log") as base:
        with logged_in_chromium(base, MEMBER_EMAIL, password) as port:
            for key, name, path, member in pages:
                if member:
                    measure(key, name, base + path, port)
        for key, name, path, member in pages:
            if not member:
                measure(key, name, base + path, None)
    out["elapsed_s"] = round(time.monotonic() - started, 1)
    return out


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", default="run", choices=["run", "seed"])
    p.add_argument("--runs", type=int, default=1, help="runs per page; the median performance run is kept")
    p.add_argument("--preset", default="mobile", choices=["mobile", "desktop"])
    return p.parse_args()


def main() -> int:
    args = parse()
    if args.command == "seed":
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        print(json.dumps(seed()))
        return 0
    result = run(args.runs, args.preset)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
