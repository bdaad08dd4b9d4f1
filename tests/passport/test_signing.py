"""The eddsa-rdfc-2022 Data Integrity proof, checked bit for bit against 1EdTech's published vector.

Source of the vector: tests/passport/vectors/README.md (1EdTech/openbadges-specification,
ob_v3p0/impl/linked-data-proof-ob.html and test-vectors/obv3p0/).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from passport.signing import multibase, proof, status
from passport.signing.loader import UnknownContext

VECTORS = Path(__file__).parent / "vectors"

PUBLIC_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
PRIVATE_HEX = PUBLIC_HEX and (
    "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
    "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
)
VERIFICATION_METHOD = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "url": "https://www.imsglobal.org",
        "name": "Example Corp",
    },
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {
                "narrative": "Team members are nominated for this badge by their peers and recognized upon review "
                "by Example Corp management."
            },
            "description": "This badge recognizes the development of the capacity to collaborate within a group "
            "environment.",
            "name": "Teamwork",
        },
    },
}
CREATED = "2010-01-01T19:23:24Z"
DOCUMENT_HASH = "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
PROOF_HASH = "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
SIGNATURE_HEX = (
    "f7a017acf7d27983267ec362657c0fb08e955549f49dac5bf36a03c4f2c3a4f1"
    "e3738a6c5ecd7ffba7135cb9cd754e6196f4b73082ea8df8e703c8ecd4333503"
)
PROOF_VALUE = "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"


def vector_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(PRIVATE_HEX)[:32])


def resolve(method: str) -> bytes:
    assert method == VERIFICATION_METHOD
    return multibase.public_key_from_multibase(method.split("#", 1)[1])


def test_the_vectors_key_is_its_multikey():
    public = vector_key().public_key().public_bytes_raw()
    assert public.hex() == PUBLIC_HEX
    assert multibase.public_key_multibase(public) == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_1edtech_ob3_vector_canonical_forms_and_hashes_bit_for_bit():
    options = proof.proof_options(verification_method=VERIFICATION_METHOD, created=CREATED)
    hashed = proof.hash_data(CREDENTIAL, options)
    assert hashed.proof_canon == (VECTORS / "ob-v3p0-proof-canon.txt").read_text(encoding="utf-8")
    assert hashed.document_canon == (VECTORS / "ob-v3p0-document-canon.txt").read_text(encoding="utf-8")
    assert hashed.document_hash.hex() == DOCUMENT_HASH
    assert hashed.proof_hash.hex() == PROOF_HASH
    assert hashed.data.hex() == PROOF_HASH + DOCUMENT_HASH


def test_1edtech_ob3_vector_signature_and_proof_value_bit_for_bit():
    signed = proof.sign(CREDENTIAL, private_key=vector_key(), verification_method=VERIFICATION_METHOD, created=CREATED)
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "created": CREATED,
        "verificationMethod": VERIFICATION_METHOD,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "proofValue": PROOF_VALUE,
    }
    assert multibase.decode_base58btc(PROOF_VALUE).hex() == SIGNATURE_HEX
    proof.verify(signed, resolve_key=resolve)
    assert "proof" not in CREDENTIAL


def test_a_tampered_credential_fails():
    signed = proof.sign(CREDENTIAL, private_key=vector_key(), verification_method=VERIFICATION_METHOD, created=CREATED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    with pytest.raises(proof.ProofError, match="does not match"):
        proof.verify(tampered, resolve_key=resolve)
    forged = copy.deepcopy(signed)
    forged["proof"]["created"] = "2011-01-01T19:23:24Z"
    with pytest.raises(proof.ProofError):
        proof.verify(forged, resolve_key=resolve)


def test_another_key_fails():
    signed = proof.sign(CREDENTIAL, private_key=vector_key(), verification_method=VERIFICATION_METHOD, created=CREATED)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(proof.ProofError):
        proof.verify(signed, resolve_key=lambda method: other)


def test_a_context_outside_the_repository_is_never_fetched():
    document = {**CREDENTIAL, "@context": [*CREDENTIAL["@context"], "https://example.org/evil.jsonld"]}
    with pytest.raises(Exception) as caught:
        proof.hash_data(document, proof.proof_options(verification_method=VERIFICATION_METHOD, created=CREATED))
    causes = []
    error: BaseException | None = caught.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or getattr(error, "cause", None)
    assert any(isinstance(cause, UnknownContext) for cause in causes) or "evil.jsonld" in repr(causes)


@pytest.mark.parametrize("data", [b"", b"\0\0\x01", bytes(range(256))])
def test_base58_round_trip(data: bytes):
    assert multibase.b58decode(multibase.b58encode(data)) == data


def test_bitstring_status_list_sets_left_most_bits():
    encoded = status.encode({0, 9, 131_071})
    assert encoded.startswith("u")
    bits = status.decode(encoded)
    assert len(bits) == 16_384
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert status.is_set(encoded, 9) and not status.is_set(encoded, 10)
