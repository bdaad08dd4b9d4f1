"""Kring's credentials verified by an independent verifier: Digital Bazaar's vc with the
eddsa-rdfc-2022 cryptosuite (tests/peers/verifier, installed by ``make peers``), every context
and the DID document served offline from the test."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from passport import credentials, keys, selectors, services
from passport.signing import loader, schema

PEER = Path(__file__).resolve().parents[1] / "peers" / "verifier"

pytestmark = pytest.mark.skipif(
    not (PEER / "node_modules").exists() or shutil.which("node") is None, reason="make peers installs the verifier"
)


def peer_verify(tmp_path: Path, credential: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    (tmp_path / "credential.json").write_text(json.dumps(credential))
    (tmp_path / "did.json").write_text(json.dumps(keys.did_document()))
    contexts = {url: str(loader.CONTEXTS_DIR / name) for url, name in loader.CONTEXT_FILES.items()}
    (tmp_path / "contexts.json").write_text(json.dumps(contexts))
    if status is not None:
        (tmp_path / "status.json").write_text(json.dumps(status))
    done = subprocess.run(
        ["node", str(PEER / "verify.js"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def status_document() -> dict[str, Any]:
    return credentials.status_list_credential(selectors.revoked_indices(), size=selectors.highest_status_index() + 1)


@pytest.mark.django_db
def test_an_award_verifies_with_the_peer_and_fits_the_schema(tmp_path, achievement, member, facilitator):
    award = services.award(
        actor=facilitator, achievement=achievement, recipient=member, evidence_urls=[("/kennisbank/", "Les")]
    )
    assert schema.errors(award.credential) == []
    result = peer_verify(tmp_path, award.credential, status_document())
    assert result["errors"] == [] and result["verified"] is True
    assert result["statusVerified"] is True and result["revoked"] is False


@pytest.mark.django_db
def test_a_tampered_credential_fails_with_the_peer(tmp_path, achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    tampered = copy.deepcopy(award.credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Iets anders"
    result = peer_verify(tmp_path, tampered)
    assert result["verified"] is False and result["proofVerified"] is False


@pytest.mark.django_db
def test_a_revoked_credential_fails_the_status_check_with_the_peer(tmp_path, achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    services.revoke(actor=facilitator, award=award, reason="Toegekend aan de verkeerde persoon")
    result = peer_verify(tmp_path, award.credential, status_document())
    assert result["proofVerified"] is True
    assert result["verified"] is False and result["revoked"] is True


@pytest.mark.django_db
def test_credentials_signed_before_a_key_rotation_still_verify(tmp_path, achievement, member, facilitator, community):
    old = services.award(actor=facilitator, achievement=achievement, recipient=member)
    keys.rotate()
    other = services.define_achievement(
        actor=facilitator, community=community, name="Tweede", description="Tweede prestatie.", criteria="Iets doen."
    )
    new = services.award(actor=facilitator, achievement=other, recipient=member)
    assert old.credential["proof"]["verificationMethod"] != new.credential["proof"]["verificationMethod"]
    assert len(keys.did_document()["verificationMethod"]) == 2
    for award in (old, new):
        credentials.verify(award.credential)
        assert peer_verify(tmp_path, award.credential, status_document())["verified"] is True


@pytest.mark.django_db
def test_the_did_document_and_status_list_are_served(client: Client, achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    did = client.get("/.well-known/did.json").json()
    assert did["id"] == keys.issuer_did()
    assert award.credential["proof"]["verificationMethod"] in did["assertionMethod"]
    status = json.loads(client.get("/paspoort/status/intrekking.json").content)
    credentials.verify(status)
    assert status["credentialSubject"]["type"] == "BitstringStatusList"
