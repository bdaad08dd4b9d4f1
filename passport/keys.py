"""The platform's ``did:web`` issuer and its Ed25519 keys (rotatable; old keys stay published)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from passport.models import IssuerKey
from passport.signing import loader
from passport.signing.multibase import public_key_from_multibase, public_key_multibase


def issuer_did() -> str:
    """``did:web`` of ``SITE_URL``'s host (a port is percent-encoded, as the method says)."""
    host = urlsplit(settings.SITE_URL).netloc
    return "did:web:" + quote(host, safe="")


def verification_method(key: IssuerKey) -> str:
    return f"{issuer_did()}#{key.public_multibase}"


def _new_key() -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    return IssuerKey.objects.create(
        public_multibase=public_key_multibase(private.public_key().public_bytes_raw()),
        private_seed=private.private_bytes_raw(),
        active=True,
    )


def active_key() -> IssuerKey:
    """The key that signs now; the first one is made on first use."""
    key = IssuerKey.objects.filter(active=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        # Two first signers at once: the partial unique index lets one of them win.
        key = IssuerKey.objects.select_for_update().filter(active=True).first()
        return key or _new_key()


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    if key.private_seed is None:
        raise ValueError("a rotated key no longer signs")
    return Ed25519PrivateKey.from_private_bytes(bytes(key.private_seed))


@transaction.atomic
def rotate() -> IssuerKey:
    """Retire the active key (its private half is erased, its public half stays) and make a new one."""
    IssuerKey.objects.select_for_update().filter(active=True).update(
        active=False, private_seed=None, retired_at=timezone.now()
    )
    return _new_key()


def did_document() -> dict[str, Any]:
    did = issuer_did()
    keys = list(IssuerKey.objects.order_by("created_at", "pk"))
    methods = [
        {
            "id": f"{did}#{key.public_multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
        }
        for key in keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": [loader.DID_V1, loader.MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def resolve_public_key(method: str) -> bytes:
    """The public key for a verification method of this issuer (rotated keys included)."""
    did, _, fragment = method.partition("#")
    if did != issuer_did() or not fragment:
        raise LookupError("not a key of this issuer")
    if not IssuerKey.objects.filter(public_multibase=fragment).exists():
        raise LookupError("unknown key")
    return public_key_from_multibase(fragment)
