"""The field node's journal: record an act while the link is down, send the journal when it is
up (module N).

An entry is checked here as far as the node can check it alone — the officer's role allows the
act, its data is what the act's schema takes — and kept with the node's clock, chained to the
entry before by hash. `send` offers every entry not yet received to the central system, in
order, each as a `field-act` message signed with the node's key, and keeps each answer: the act
performed there (its event and case), or refused there (its reason; the entry is received and
kept all the same), or the message rejected, or no answer. It stops at the first entry not
received, since the central system takes a journal only in order; what was not sent is sent
next time, and a message sent twice is received once: an entry's message is made from the
entry alone, so every attempt sends the same bytes. One send at a time (a file lock); a receipt
counts only if the central system's key signed it and it names the entry's message.
"""

from __future__ import annotations

import fcntl
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from icjis.core import clock
from icjis.core.acts import KINDS, ActKind, carries_files, validate
from icjis.core.canonical import iso
from icjis.core.refusals import Conflict, Forbidden, Invalid, Unavailable, say
from icjis.exchange.envelope import RECEIVER, content_sha256, sign, verifies
from icjis.exchange.field import entry_hash
from icjis.exchange.management.commands.exchange import load_key
from icjis.field.models import Answer, JournalEntry

RECEIVED = ("performed", "refused")  # answers after which an entry is not sent again
TIMEOUT = 20  # seconds to wait for the central system's answer to one entry


def kinds_for(user: Any) -> list[ActKind]:
    """The acts the officer may record on the node: those their roles allow, but the system's and
    those that take files (fingerprints …): a journal sent over a poor link carries no images."""
    roles = set(user.roles)
    return [
        k
        for k in KINDS.values()
        if roles & k.roles and k.roles != {"system"} and not carries_files(k)
    ]


def body(entry: JournalEntry) -> dict[str, Any]:
    """The entry as the central system receives it (`exchange.field.FieldAct`)."""
    return {
        "seq": entry.seq,
        "officer": entry.officer,
        "kind": entry.kind,
        "case": entry.case or None,
        "data": entry.data,
        "recorded_at": iso(entry.recorded_at),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def record(user: Any, kind_name: str, case: str | None, data: dict[str, Any], key: str) -> int:
    """Keep an act in the journal; its seq. The same form sent twice (its key) is kept once."""
    kind = KINDS.get(kind_name)
    if kind is None or kind not in kinds_for(user):
        raise Forbidden(say("Your role does not allow the act %(kind)s.", kind=kind_name))
    if kind.target == "case" and not case:
        raise Invalid(
            say("The act %(kind)s needs the case number.", kind=kind.name),
            fields={"field_case": gettext_noop("required")},
        )
    values = validate(kind, data).model_dump(mode="json")
    for _attempt in range(5):
        if (seq := _kept_before(user, kind, case, values, key)) is not None:
            return seq
        try:
            with transaction.atomic():
                return _append(user, kind, case, values, key)
        except IntegrityError:
            continue  # another entry took the seq (or this form's key) at the same moment
    raise Unavailable(say("The journal is busy; send the form again."))


def _kept_before(
    user: Any, kind: ActKind, case: str | None, data: dict[str, Any], key: str
) -> int | None:
    """The seq of this very form kept before (pressed twice), or None; the same key with other
    values or by another officer is refused, so that nothing typed since is taken as kept."""
    earlier = JournalEntry.objects.filter(key=key).first()
    if earlier is None:
        return None
    same = (earlier.officer, earlier.kind, earlier.case, earlier.data) == (
        user.username,
        kind.name,
        case or "",
        data,
    )
    if not same:
        raise Conflict(say("This form was sent before with other values; open it again."))
    return earlier.seq


def _append(user: Any, kind: ActKind, case: str | None, data: dict[str, Any], key: str) -> int:
    last = JournalEntry.objects.order_by("-seq").first()
    entry = JournalEntry(
        seq=(last.seq if last else 0) + 1,
        key=key,
        officer=user.username,
        kind=kind.name,
        case=case or "",
        data=data,
        recorded_at=clock.now().replace(microsecond=0),
        prev_hash=last.hash if last else "",
    )
    entry.hash = entry_hash(body(entry))
    entry.save()
    return entry.seq


def state(entry: JournalEntry) -> Answer | None:
    """The last answer to an entry (None: never sent)."""
    answers = list(entry.answers.all())
    return max(answers, key=lambda a: a.pk) if answers else None


@dataclass
class Sent:
    """What one `send` did: the entries received there now, and why it stopped, if it did."""

    received: list[int] = field(default_factory=list)
    stopped: str = ""  # why, in English (the command says it; a page says it by `reason`)
    reason: str = ""  # not_node | no_key | busy | unreached | rejected | bad_receipt
    stopped_at: int | None = None  # the entry it stopped at
    answer: dict[str, Any] = field(default_factory=dict)  # the error answered, if any
    waiting: int = 0

    def stop(self, reason: str, why: str, entry: int | None = None) -> Sent:
        self.reason, self.stopped, self.stopped_at = reason, why, entry
        return self


def _post(url: str, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"ICJIS_CENTRAL_URL must be an http(s) address, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - its scheme is checked above
        url,
        data=json.dumps(envelope, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


@contextmanager
def _one_sender() -> Iterator[bool]:
    """Whether this process is the only one sending now (a file lock beside the database): two
    at once would offer the same entry twice."""
    path = settings.VAR_DIR / "field-send.lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def send(progress: Callable[[int, int], None] | None = None) -> Sent:
    """Offer every entry not yet received to the central system, in order (see the module)."""
    out = Sent()
    if not settings.FIELD_NODE or not settings.CENTRAL_URL or not settings.CENTRAL_KEY:
        why = "this install is not a field node (ICJIS_FIELD_NODE, ICJIS_CENTRAL_URL/_KEY)"
        return out.stop("not_node", why)
    with _one_sender() as alone:
        if not alone:
            return out.stop("busy", "another send is under way")
        pending = list(waiting().prefetch_related("answers"))
        out.waiting = len(pending)
        if not pending:
            return out
        try:
            key = load_key(settings.FIELD_KEY_FILE)
        except CommandError as exc:
            return out.stop("no_key", str(exc))
        url = f"{settings.CENTRAL_URL}/api/v1/exchange/messages"
        for done, entry in enumerate(pending, 1):
            if not _offer(out, url, entry, key):
                break
            if progress is not None:
                progress(done, len(pending))
    return out


def _offer(out: Sent, url: str, entry: JournalEntry, key: Ed25519PrivateKey) -> bool:
    """Send one entry and keep the answer; whether it was received."""
    message = envelope(entry, key)
    try:
        status, answer = _post(url, message)
    except (OSError, ValueError, HTTPException) as exc:
        failed = {"error": "unreachable", "message": str(exc)[:300]}
        _answer(entry, "unreached", failed, message)
        out.stop("unreached", f"entry {entry.seq}: no answer ({exc})", entry.seq)
        return False
    if status in (200, 201):
        if not _received(entry, answer, message):
            why = f"entry {entry.seq}: the receipt does not name it or does not verify"
            out.stop("bad_receipt", why, entry.seq)
            return False
        out.received.append(entry.seq)
        out.waiting -= 1
        return True
    out.answer = answer if isinstance(answer, dict) else {}
    outcome = "rejected" if 400 <= status < 500 else "unreached"
    _answer(entry, outcome, out.answer, message)
    why = f"entry {entry.seq}: {status} {out.answer.get('message', '')}".strip()
    out.stop(outcome, why, entry.seq)
    return False


def waiting() -> QuerySet[JournalEntry]:
    """The entries the central system has not received, in the journal's order (an entry
    received is answered once more never: it is not sent again)."""
    return JournalEntry.objects.exclude(answers__status__in=RECEIVED).order_by("seq")


def envelope(entry: JournalEntry, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The entry's message, signed. It is made from the entry alone — sent "at" the entry's
    own time — so every attempt sends the same bytes (Ed25519 signs deterministically): one
    received whose answer was lost is known there as received, not taken for another."""
    message = {
        "id": f"{settings.FIELD_NODE}-{entry.seq}",
        "sender": settings.FIELD_NODE,
        "receiver": RECEIVER,
        "service": "field-act",
        "sent_at": iso(entry.recorded_at),
        "body": body(entry),
    }
    return {**message, "signature": sign(message, key)}


def _received(entry: JournalEntry, receipt: dict[str, Any], message: dict[str, Any]) -> bool:
    """Keep a receipt that names this message and entry and is signed by the central system."""
    got = receipt.get("field") or {}
    fits = (
        receipt.get("message") == message["id"]
        and receipt.get("content_sha256") == content_sha256(message)
        and got.get("seq") == entry.seq
        and got.get("hash") == entry.hash
        and any(verifies(receipt, key) for key in settings.CENTRAL_KEY.split(","))
    )
    if not fits:
        bad = {"error": "bad_receipt", "message": "the receipt does not fit"}
        _answer(entry, "rejected", {**bad, "receipt": receipt}, message)
        return False
    _answer(entry, "performed" if "performed" in got else "refused", receipt, message)
    return True


def _answer(
    entry: JournalEntry, status: str, receipt: dict[str, Any], message: dict[str, Any]
) -> None:
    """Keep an answer — but not "no answer" again after "no answer": a node that retries every
    minute while the link is down would fill its append-only journal with them."""
    last = state(entry)
    if status == "unreached" and last is not None and last.status == "unreached":
        return
    Answer.objects.create(
        entry=entry, at=clock.now(), status=status, receipt=receipt, message=message
    )
