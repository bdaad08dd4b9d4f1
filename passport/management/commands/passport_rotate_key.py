"""Rotate the issuer's signing key: new credentials are signed with a new key; the old key's
private half is erased and its public half stays in the DID document, so issued credentials verify."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from passport import keys


class Command(BaseCommand):
    help = "Rotate the learning passport's Ed25519 signing key (did:web issuer)."

    def handle(self, *args: Any, **options: Any) -> None:
        key = keys.rotate()
        self.stdout.write(f"new signing key: {keys.verification_method(key)}")
