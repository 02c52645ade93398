"""The envelope of a message between agencies' systems, X-Road style: who sends it, to whom,
for which service, its id in the sender's system, when it was sent, its body, and the sender's
Ed25519 signature over all of these. The signed bytes are the envelope without its signature in
the ledger's canonical JSON (`core.canonical.dumps`: sorted keys, no whitespace, UTF-8), so any
system can produce and check them (the services' bodies carry text, dates and codes, no
floating-point numbers, whose spelling differs between languages; NaN and Infinity are
refused). The receipt we answer with is signed the same way, with the
system's key (`core.checkpoints.signing_key`, whose public half `GET /api/v1/exchange/key`
gives)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from icjis.core.canonical import dumps

RECEIVER = "ICJIS"


def signed_bytes(envelope: dict[str, Any]) -> bytes:
    return dumps({k: v for k, v in envelope.items() if k != "signature"}).encode()


def sign(envelope: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The signature of `envelope` (base64), as a sender's system makes it."""
    return base64.b64encode(key.sign(signed_bytes(envelope))).decode()


def verifies(envelope: dict[str, Any], public_key_hex: str) -> bool:
    """Whether the envelope's signature is the holder of `public_key_hex`'s over its content."""
    text = envelope.get("signature")
    try:
        signature = base64.b64decode(str(text), validate=True)
        # One spelling of a signature only: another base64 of the same bytes (its spare bits
        # set) would be another request to the idempotency check, and block the sender's retry.
        if len(signature) != 64 or base64.b64encode(signature).decode() != text:
            return False
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(signature, signed_bytes(envelope))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def content_sha256(envelope: dict[str, Any]) -> str:
    """The SHA-256 of what was signed: the receipt names it, so the sender can tell which
    content was received."""
    return hashlib.sha256(signed_bytes(envelope)).hexdigest()
