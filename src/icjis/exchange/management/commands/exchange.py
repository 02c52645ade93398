"""`icjis exchange keygen --out KEY` makes a member's Ed25519 key (the private half written to
KEY, 0600; the public half printed, for the administrator to admit the member with);
`icjis exchange sign ENVELOPE --key KEY` prints the envelope (a JSON file, or - for standard
input) with its signature, as a member's system would send it. The tool a member needs to try
its first messages; a member's own system signs the same bytes (`exchange.envelope`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core.checkpoints import public_key_hex
from icjis.exchange.envelope import sign


class Command(BaseCommand):
    help = "Make a member's key (keygen) or sign an envelope with it (sign)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="make an Ed25519 key for a member")
        keygen.add_argument("--out", required=True, help="the file for the private key (PEM)")
        signing = sub.add_parser("sign", help="sign an envelope (JSON) with a member's key")
        signing.add_argument("envelope", help="the JSON file of the envelope, or - for stdin")
        signing.add_argument("--key", required=True, help="the member's private key (PEM)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "keygen":
            key = make_key(Path(options["out"]))
            self.stdout.write(public_key_hex(key))
            return
        key = load_key(Path(options["key"]))
        source = options["envelope"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            envelope = json.loads(text)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{source}: not a JSON envelope ({exc})") from exc
        if not isinstance(envelope, dict):
            raise CommandError(f"{source}: the envelope must be a JSON object")
        envelope.pop("signature", None)
        signed = {**envelope, "signature": sign(envelope, key)}
        self.stdout.write(json.dumps(signed, ensure_ascii=False, indent=1))


def make_key(path: Path) -> Ed25519PrivateKey:
    """A new key written to `path` (refused if a file is there: a key is never overwritten)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CommandError(f"{path} exists; a key is never overwritten") from exc
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: not a readable PEM key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CommandError(f"{path} does not hold an Ed25519 private key")
    return key
