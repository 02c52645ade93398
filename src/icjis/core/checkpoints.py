"""Signed checkpoints: a Merkle root over every stream head, signed with the system's Ed25519
key (kept outside the database), chained to the previous checkpoint."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from icjis.core import clock
from icjis.core.canonical import dumps, iso, sha256_hex
from icjis.core.ledger import GENESIS, Fault, lock_head
from icjis.core.models import Checkpoint, Event, StreamHead

LOCK_STREAM = "~checkpoints"  # a head row used only as the checkpoint lock
Heads = dict[str, tuple[int, str]]


class KeyMissing(Exception):
    """The system signing key file is absent (production never makes one by itself)."""


def signing_key() -> Ed25519PrivateKey:
    path: Path = settings.LEDGER_KEY_FILE
    if not path.exists():
        if settings.PRODUCTION:
            raise KeyMissing(f"The ledger signing key {path} does not exist.")
        _make_key_file(path)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise KeyMissing(f"{path} does not hold an Ed25519 private key.")
    return loaded


def _make_key_file(path: Path) -> None:
    """A new key at `path` (demo and test), written whole under another name and linked into
    place only if no key is there yet: two processes starting at once keep one key, the first
    linked, and neither reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # created 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        with contextlib.suppress(FileExistsError):  # another process made it first: keep theirs
            os.link(draft, path)
    finally:
        os.unlink(draft)


def public_key_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def merkle_root(heads: Heads) -> str:
    """Root over leaves sha256(0x00 ‖ stream ‖ 0x00 ‖ seq ‖ 0x00 ‖ hash), sorted by stream;
    inner nodes sha256(0x01 ‖ left ‖ right); an odd node is promoted unchanged."""
    level = [
        sha256_hex(b"\x00" + f"{s}\x00{seq}\x00{h}".encode())
        for s, (seq, h) in sorted(heads.items())
    ]
    if not level:
        return sha256_hex(b"")
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level), 2):
            if i + 1 < len(level):
                nxt.append(
                    sha256_hex(b"\x01" + bytes.fromhex(level[i]) + bytes.fromhex(level[i + 1]))
                )
            else:
                nxt.append(level[i])
        level = nxt
    return level[0]


def _body(cp: Checkpoint) -> str:
    return dumps(
        {
            "number": cp.number,
            "made_at": iso(cp.made_at),
            "root": cp.root,
            "stream_count": cp.stream_count,
            "event_count": cp.event_count,
            "heads": sha256_hex(cp.heads),
            "simulated": cp.simulated,
            "public_key": cp.public_key,
            "prev_hash": cp.prev_hash,
        }
    )


def folded_heads(checkpoints: list[Checkpoint]) -> Heads:
    heads: Heads = {}
    for cp in checkpoints:
        for stream, (seq, h) in json.loads(cp.heads).items():
            heads[stream] = (seq, h)
    return heads


def make_checkpoint() -> Checkpoint:
    """Sign the current heads. Serialised by a lock so numbers and the chain stay in order."""
    key = signing_key()
    with transaction.atomic():
        lock_head(LOCK_STREAM)
        previous = list(Checkpoint.objects.order_by("number"))
        before = folded_heads(previous)
        now_heads: Heads = {
            s: (seq, h)
            for s, seq, h in StreamHead.objects.filter(seq__gt=0)
            .values_list("stream", "seq", "hash")
            .iterator(chunk_size=10000)
        }
        delta = {s: list(v) for s, v in now_heads.items() if before.get(s) != v}
        cp = Checkpoint(
            number=(previous[-1].number + 1) if previous else 1,
            made_at=clock.now(),
            root=merkle_root(now_heads),
            stream_count=len(now_heads),
            event_count=sum(seq for seq, _ in now_heads.values()),
            heads=dumps(delta),
            simulated=clock.simulated(),
            public_key=public_key_hex(key),
            prev_hash=previous[-1].hash if previous else GENESIS,
        )
        cp.hash = sha256_hex(_body(cp))
        cp.signature = key.sign(bytes.fromhex(cp.hash)).hex()
        cp.save(force_insert=True)
    return cp


def trusted_keys() -> set[str]:
    keys = {k.strip() for k in settings.LEDGER_TRUSTED_KEYS if k.strip()}
    if settings.LEDGER_KEY_FILE.exists():
        keys.add(public_key_hex(signing_key()))
    return keys


@dataclass
class CheckpointReport:
    count: int
    faults: list[str]


def verify_checkpoints(chain_heads: Heads) -> tuple[CheckpointReport, list[Fault]]:
    """Check each checkpoint's hash, signature, key and chain, then that every stream still
    reaches at least the head each checkpoint signed, with the same hash there."""
    problems: list[str] = []
    trusted = trusted_keys()
    previous_hash = GENESIS
    checkpoints = list(Checkpoint.objects.order_by("number"))
    heads: Heads = {}
    for cp in checkpoints:
        label = f"checkpoint {cp.number}"
        if cp.prev_hash != previous_hash:
            problems.append(f"{label}: does not follow the previous checkpoint")
        if sha256_hex(_body(cp)) != cp.hash:
            problems.append(f"{label}: its content does not match its hash")
        if cp.public_key not in trusted:
            problems.append(f"{label}: signed by an untrusted key {cp.public_key[:16]}…")
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(cp.public_key)).verify(
                bytes.fromhex(cp.signature), bytes.fromhex(cp.hash)
            )
        except (InvalidSignature, ValueError):
            problems.append(f"{label}: bad signature")
        for stream, (seq, h) in json.loads(cp.heads).items():
            heads[stream] = (seq, h)
        if merkle_root(heads) != cp.root:
            problems.append(f"{label}: Merkle root does not match its recorded heads")
        previous_hash = cp.hash
    faults: list[Fault] = []
    grown: list[tuple[str, int, str]] = []  # streams past their checkpoint: look the event up
    for stream, (seq, h) in sorted(heads.items()):
        have = chain_heads.get(stream)
        if have is None or have[0] < seq:
            got = have[0] if have else 0
            faults.append(
                Fault(
                    stream, got + 1, f"stream cut back to seq {got}, below checkpointed seq {seq}"
                )
            )
        elif have[0] == seq and have[1] != h:
            faults.append(Fault(stream, seq, "differs from the checkpointed event"))
        elif have[0] > seq:
            grown.append((stream, seq, h))
    for start in range(0, len(grown), 500):
        chunk = grown[start : start + 500]
        wanted = Q()
        for stream, seq, _ in chunk:
            wanted |= Q(stream=stream, seq=seq)
        found = {
            (s, n): h
            for s, n, h in Event.objects.filter(wanted).values_list("stream", "seq", "hash")
        }
        for stream, seq, h in chunk:
            if found.get((stream, seq)) != h:
                faults.append(Fault(stream, seq, "differs from the checkpointed event"))
    faults.sort(key=lambda f: f.stream)
    return CheckpointReport(len(checkpoints), problems), faults
