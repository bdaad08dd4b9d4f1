"""Start the test OpenID Connect provider (tests/peers/oidc/server.mjs, npm ``oidc-provider``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from tests.conftest import require_service

PEER = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "kring"
CLIENT_SECRET = "kring-test-secret"
SCHOOL_PASSWORD = "school-wachtwoord"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_node_peer() -> str:
    """The ``node`` binary; skips the test (fails it in CI) when node or the package is missing."""
    node = shutil.which("node")
    require_service("Node.js", node is not None, "install node (20 or later)")
    require_service("oidc-provider", (PEER / "node_modules" / "oidc-provider").is_dir(), "run `make peers`")
    assert node is not None
    return node


@contextlib.contextmanager
def running_provider(*, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> Iterator[str]:
    """The provider on a free port; yields its issuer URL."""
    node = require_node_peer()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_REDIRECT_URIS": " ".join(redirect_uris),
        "POST_LOGOUT_REDIRECT_URIS": " ".join(post_logout_redirect_uris),
    }
    process = subprocess.Popen(
        [node, "server.mjs"], cwd=PEER, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("ready"), f"the OpenID Connect provider did not start: {line!r}"
        deadline = time.monotonic() + 10
        while requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code != 200:
            assert time.monotonic() < deadline, "the provider's discovery document never answered"
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def provider_settings(issuer: str, *, provider_id: str = "school", name: str = "Mijn school") -> dict[str, Any]:
    """``SOCIALACCOUNT_PROVIDERS`` for Kring as the provider's client, as config/settings.py builds it."""
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": provider_id,
                    "name": name,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": issuer},
                }
            ],
        }
    }
