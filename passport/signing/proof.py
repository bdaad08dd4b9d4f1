"""``DataIntegrityProof`` with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa, section 3.3).

Signing: canonicalise the proof options (with the document's ``@context``) and the document
without its proof with RDFC-1.0, hash each with SHA-256, sign ``hash(proof) + hash(document)``
with Ed25519 and write the signature as multibase base58btc in ``proofValue``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from .loader import document_loader
from .multibase import decode_base58btc, encode_base58btc

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
# pyld names RDFC-1.0 by its older name; the two are the same algorithm for every input without
# duplicate blank-node quads (checked against 1EdTech's and W3C's vectors in the tests).
CANONICALIZATION = "URDNA2015"

PublicKeyResolver = Callable[[str], bytes]


class ProofError(ValueError):
    """The proof is missing, malformed, or does not match the document."""


def canonicalize(document: dict[str, Any]) -> str:
    result: str = jsonld.normalize(
        document,
        {"algorithm": CANONICALIZATION, "format": "application/n-quads", "documentLoader": document_loader},
    )
    return result


@dataclass(frozen=True)
class HashData:
    proof_canon: str
    document_canon: str
    proof_hash: bytes
    document_hash: bytes

    @property
    def data(self) -> bytes:
        return self.proof_hash + self.document_hash


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> HashData:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    config["@context"] = document["@context"]
    proof_canon = canonicalize(config)
    document_canon = canonicalize(unsecured)
    return HashData(
        proof_canon=proof_canon,
        document_canon=document_canon,
        proof_hash=hashlib.sha256(proof_canon.encode("utf-8")).digest(),
        document_hash=hashlib.sha256(document_canon.encode("utf-8")).digest(),
    )


def proof_options(*, verification_method: str, created: str) -> dict[str, Any]:
    return {
        "type": PROOF_TYPE,
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }


def sign(
    document: dict[str, Any], *, private_key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    """A copy of ``document`` with its ``proof``; ``created`` is an XML Schema dateTime string."""
    options = proof_options(verification_method=verification_method, created=created)
    signature = private_key.sign(hash_data(document, options).data)
    signed = copy.deepcopy(document)
    signed["proof"] = {**options, "proofValue": encode_base58btc(signature)}
    return signed


def verify(document: dict[str, Any], *, resolve_key: PublicKeyResolver) -> None:
    """Raise ``ProofError`` unless ``document`` carries a valid proof by a key ``resolve_key`` knows."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("no proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("not an eddsa-rdfc-2022 DataIntegrityProof")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof's purpose is not assertionMethod")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        raise ProofError("the proof has no verificationMethod or proofValue")
    try:
        signature = decode_base58btc(value)
        public_key = Ed25519PublicKey.from_public_bytes(resolve_key(method))
    except (ValueError, LookupError) as error:
        raise ProofError(str(error)) from error
    try:
        public_key.verify(signature, hash_data(document, proof).data)
    except InvalidSignature as error:
        raise ProofError("the signature does not match the document") from error
    except jsonld.JsonLdError as error:
        raise ProofError("the document cannot be canonicalised") from error
