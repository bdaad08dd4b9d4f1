"""The documented production layout, running: Debian's nginx with deploy/nginx/kring.conf in front of
two Daphne processes started with deploy/systemd/kring@.service's ExecStart line, on Unix sockets,
with deploy/kring.env.example's settings, against PostgreSQL and Redis.

Only paths and ports of those files are changed here. nginx is installed by ``make test``
(scripts/ensure-nginx); in CI a missing nginx fails this test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from websockets.asyncio.client import ClientConnection, connect

from accounts.models import Profile
from forum import services
from forum.models import Membership, MembershipState
from tests.conftest import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
NGINX = "/usr/sbin/nginx"
HOST = "kring.example.nl"  # server_name and ALLOWED_HOSTS of the documented files
PASSWORD = "lang-genoeg-wachtwoord-2026"
PROCESSES = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """HTTPS to nginx on 127.0.0.1 as https://kring.example.nl:<port>, keeping cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60)
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin  # as a browser does; Django's CSRF check compares it with Host
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **kw)

    def login(self, email: str, password: str, headers: dict[str, str] | None = None) -> int:
        status, _h, page = self.get("/accounts/login/")
        assert status == 200, page[:500]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        status, _h, _body = self.request(
            "POST",
            "/accounts/login/",
            form={"login": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()},
            headers=headers,
        )
        return status


def _env_file() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "kring.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    require_service("nginx", Path(NGINX).exists(), "Debian's nginx: scripts/ensure-nginx (make test runs it)")
    require_service("openssl", shutil.which("openssl") is not None, "apt-get install openssl")
    paths = {name: tmp_path / name for name in ("run", "static", "log", "nginx", "tls")}
    for path in paths.values():
        path.mkdir()
    paths["media"] = Path(settings.MEDIA_ROOT)  # where this test's uploads land (tests/conftest.py)
    paths["media"].mkdir(parents=True, exist_ok=True)
    return paths


def _server_env(paths: dict[str, Path]) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("EMAIL_HOST", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    documented = _env_file()
    documented.pop("EMAIL_HOST", None)  # mail goes to the console here
    env.update(documented)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "test-" + uuid.uuid4().hex * 2,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            # Redis pub/sub channels are shared by every database number: a prefix of our own.
            "CHANNEL_PREFIX": f"deploytest{uuid.uuid4().hex[:8]}",
            "MEDIA_ROOT": str(paths["media"]),
            "STATIC_ROOT": str(paths["static"]),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _daphne_command(index: int, paths: dict[str, Path]) -> list[str]:
    unit = (DEPLOY / "systemd" / "kring@.service").read_text()
    line = next(v for v in unit.splitlines() if v.startswith("ExecStart="))[len("ExecStart=") :]
    line = (
        line.replace("%i", str(index))
        .replace("/srv/kring/.venv/", f"{REPO}/.venv/")
        .replace("/run/kring/", f"{paths['run']}/")
        .replace("/var/log/kring/", f"{paths['log']}/")
    )
    return shlex.split(line)


def _nginx_config(paths: dict[str, Path], port: int, plain_port: int) -> Path:
    site = (DEPLOY / "nginx" / "kring.conf").read_text()
    site = "\n".join(line for line in site.splitlines() if "[::]:" not in line)  # no IPv6 needed here
    for documented, here in {
        "/run/kring/": f"{paths['run']}/",
        "/srv/kring/staticfiles/": f"{paths['static']}/",
        "/srv/kring/media/": f"{paths['media']}/",
        "/etc/letsencrypt/live/kring.example.nl/": f"{paths['tls']}/",
        "/var/log/nginx/": f"{paths['log']}/",
        "listen 443 ": f"listen 127.0.0.1:{port} ",
        "listen 80;": f"listen 127.0.0.1:{plain_port};",
    }.items():
        assert documented in site, documented
        site = site.replace(documented, here)
    (paths["nginx"] / "kring.conf").write_text(site)
    temp = paths["nginx"]
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {temp}/nginx.pid;
error_log {paths["log"]}/nginx-main.error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {temp}/kring.conf;
}}
"""
    (paths["nginx"] / "nginx.conf").write_text(main)
    return paths["nginx"] / "nginx.conf"


def _wait_for(check: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def world(make_user: Any, settings: Any) -> dict[str, Any]:
    # Daphne runs config.settings, whose hashers do not include the tests' fast MD5 one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    owner = make_user(name="Olga Owner", password=PASSWORD)
    member = make_user(name="Mo Member", password=PASSWORD)
    outsider = make_user(name="Otto Outsider", password=PASSWORD)
    late = make_user(name="Laura Late", password=PASSWORD)
    community = services.create_community(
        actor=owner, name="Kring achter nginx", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    room = services.create_room(actor=owner, community=community, name="Zaal")
    topic = services.create_topic(actor=owner, room=room, title="Onderwerp")
    pdf = b"%PDF-1.4\n% Kring deployment test " + uuid.uuid4().hex.encode()
    message = services.post_message(
        actor=owner,
        topic=topic,
        body="Het verslag",
        client_id=uuid.uuid4(),
        attachments=[SimpleUploadedFile("verslag mei.pdf", pdf, content_type="application/pdf")],
    )
    profile = Profile.objects.get(user=owner)
    avatar = b"\xff\xd8\xff\xe0 avatar " + uuid.uuid4().hex.encode()
    profile.avatar.save("x.jpg", ContentFile(avatar), save=True)
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "late": late,
        "room": room,
        "topic": topic,
        "attachment": message.attachments.get(),
        "pdf": pdf,
        "avatar_url": profile.avatar.url,
        "avatar": avatar,
    }


@pytest.fixture
def stack(layout: dict[str, Path], world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    env = _server_env(layout)
    collect = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr[-2000:]
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"),
            *("-keyout", str(layout["tls"] / "privkey.pem"), "-out", str(layout["tls"] / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port, plain_port = _free_port(), _free_port()
    config = _nginx_config(layout, port, plain_port)
    checked = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for index in range(1, PROCESSES + 1):
            log = open(layout["log"] / f"daphne-{index}.out", "wb")  # noqa: SIM115  (closed below)
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    _daphne_command(index, layout), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        nginx_log = open(layout["log"] / "nginx.out", "wb")  # noqa: SIM115
        logs.append(nginx_log)
        procs.append(subprocess.Popen([NGINX, "-c", str(config)], stdout=nginx_log, stderr=subprocess.STDOUT))
        for index in range(1, PROCESSES + 1):
            sock = layout["run"] / f"daphne-{index}.sock"
            _wait_for(sock.exists, f"{sock} (log: {layout['log']})")
        _wait_for(lambda: _reachable(port), "nginx")
        yield {"port": port, "plain_port": plain_port, "paths": layout, "procs": procs, **world}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for log in logs:
            log.close()


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _access_lines(paths: dict[str, Path], index: int) -> list[str]:
    path = paths["log"] / f"daphne-{index}.access.log"
    return path.read_text().splitlines() if path.exists() else []


async def _ws(port: int, cookie: str) -> ClientConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    ws = await connect(
        f"wss://{HOST}:{port}/ws/",
        host="127.0.0.1",
        port=port,
        ssl=context,
        server_hostname=HOST,
        additional_headers={"Cookie": cookie, "Origin": f"https://{HOST}:{port}"},
        proxy=None,
        open_timeout=30,
    )
    hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
    assert hello["type"] == "hello", hello
    return ws


async def _subscribe(ws: ClientConnection, room: int) -> None:
    await ws.send(json.dumps({"type": "subscribe", "room": room, "after_seq": 0, "ref": "s"}))
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        if frame["type"] == "caught_up":
            return
        assert frame["type"] in {"subscribed", "message", "presence", "read_state"}, frame


async def _until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        if frame["type"] == kind:
            return frame
        assert frame["type"] != "error", frame


def _process_of_new_socket(paths: dict[str, Path], before: list[int]) -> int:
    """Which Daphne accepted the socket just opened: the one whose access log gained a WSCONNECT."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for index in range(1, PROCESSES + 1):
            if sum("WSCONNECT" in line for line in _access_lines(paths, index)) > before[index - 1]:
                return index
        time.sleep(0.1)
    raise AssertionError("no Daphne logged the WebSocket connection")


def _ws_counts(paths: dict[str, Path]) -> list[int]:
    return [sum("WSCONNECT" in line for line in _access_lines(paths, i)) for i in range(1, PROCESSES + 1)]


async def _message_across_processes(stack: dict[str, Any], owner_cookie: str, member_cookie: str) -> None:
    paths, port, room, topic = stack["paths"], stack["port"], stack["room"], stack["topic"]
    before = _ws_counts(paths)
    sender = await _ws(port, owner_cookie)
    sender_process = _process_of_new_socket(paths, before)
    receiver = None
    for _attempt in range(8):  # nginx balances round robin; reconnect until the other process has it
        before = _ws_counts(paths)
        candidate = await _ws(port, member_cookie)
        if _process_of_new_socket(paths, before) != sender_process:
            receiver = candidate
            break
        await candidate.close()
    assert receiver is not None, "nginx never sent a WebSocket to the second Daphne process"
    try:
        await _subscribe(sender, room.pk)
        await _subscribe(receiver, room.pk)
        client_id = str(uuid.uuid4())
        body = f"Over twee processen {client_id[:8]}"
        post = {"type": "post", "room": room.pk, "topic": topic.pk, "body": body, "client_id": client_id, "ref": "p"}
        await sender.send(json.dumps(post))
        ack = await _until(sender, "ack")
        assert ack["client_id"] == client_id
        frame = await _until(receiver, "message")
        assert frame["client_id"] == client_id and frame["seq"] == ack["seq"]
        assert body in json.dumps(frame, ensure_ascii=False)
    finally:
        await sender.close()
        await receiver.close()


def test_nginx_two_daphne_processes_documented_layout(stack: dict[str, Any]) -> None:
    port, paths = stack["port"], stack["paths"]
    anonymous = Browser(port)
    for _ in range(PROCESSES):  # round robin: both processes answer
        status, _h, body = anonymous.get("/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"]["channel_layer"] == "ok"
    assert all(any("/healthz" in line for line in _access_lines(paths, i)) for i in range(1, PROCESSES + 1))

    # --- login through nginx (without --proxy-headers this answered 403 on a Unix socket) ------------
    owner, member, outsider = Browser(port), Browser(port), Browser(port)
    for browser, user in ((owner, stack["owner"]), (member, stack["member"]), (outsider, stack["outsider"])):
        assert browser.login(user.email, PASSWORD) == 302
        assert "sessionid" in browser.cookies
    status, _h, page = owner.get("/")
    assert status == 200 and b"Olga Owner" in page
    # Daphne saw the client's address (nginx's $remote_addr), not an empty one.
    assert any(line.startswith("127.0.0.1:") for line in _access_lines(paths, 1) + _access_lines(paths, 2))

    # --- a WebSocket message posted on one process reaches a socket on the other ---------------------
    asyncio.run(
        _message_across_processes(
            stack, f"sessionid={owner.cookies['sessionid']}", f"sessionid={member.cookies['sessionid']}"
        )
    )

    # --- static files and the avatar come from nginx, not from Kring ---------------------------------
    status, headers, body = anonymous.get(stack["avatar_url"])
    assert status == 200 and body == stack["avatar"]
    assert headers["x-content-type-options"] == "nosniff"
    status, _h, css = owner.get("/")
    static = re.search(rb'href="(/static/[^"]+\.css)"', css)
    assert static is not None
    status, _h, _css = anonymous.get(static.group(1).decode())
    assert status == 200
    served_by_daphne = "\n".join(_access_lines(paths, 1) + _access_lines(paths, 2))
    assert "/media/" not in served_by_daphne and "/static/" not in served_by_daphne

    # --- the attachment: after Kring's permission check, sent by nginx -------------------------------
    attachment = stack["attachment"]
    url = f"/gemeenschappen/bijlage/{attachment.pk}/"
    status, headers, body = member.get(url)
    assert status == 200 and body == stack["pdf"]
    assert "x-accel-redirect" not in headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("attachment")
    assert headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]
    status, _h, body = outsider.get(url)
    assert status in (403, 404) and stack["pdf"] not in body
    status, _h, body = anonymous.get(url)
    assert status == 302 and stack["pdf"] not in body  # to the login page
    for direct in (f"/_kring_protected/{attachment.file.name}", f"/media/{attachment.file.name}"):
        status, _h, body = member.get(direct)
        assert status == 404 and stack["pdf"] not in body, direct

    # --- the login rate limit holds with a spoofed X-Forwarded-For -----------------------------------
    # allauth allows 10 failed logins a minute per address. Before: nginx appended the spoofed
    # address and Daphne took it as the client's, so each attempt counted for a new address.
    attacker = Browser(port)
    refused_at = None
    for attempt in range(1, 12):
        spoofed = {"X-Forwarded-For": f"203.0.113.{attempt}", "X-Real-IP": f"203.0.113.{attempt}"}
        status = attacker.login(f"nobody{attempt}@example.test", "wrong-password-123", headers=spoofed)
        assert status in (200, 429), status
        if status == 429:
            refused_at = attempt
            break
    # The 11th attempt (or earlier) is refused even with the right password of a real account.
    status = attacker.login(stack["late"].email, PASSWORD, headers={"X-Forwarded-For": "198.51.100.77"})
    assert status != 302 and "sessionid" not in attacker.cookies, f"logged in past the rate limit ({refused_at=})"
    for proc in stack["procs"]:
        assert proc.poll() is None, "a server process died"
    for index in range(1, PROCESSES + 1):
        out = (paths["log"] / f"daphne-{index}.out").read_text(errors="replace")
        assert "Traceback" not in out and "proxy" not in out.lower(), out[-3000:]
