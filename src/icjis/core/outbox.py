"""Outbox delivery: claim due messages, deliver each to its target, record what happened.

Acts write one `OutboxMessage` per target with their event (`acts.outbox_rows`, written by
`ledger.append`); `icjis worker` calls `run_pass` here. A batch is claimed and delivered inside
ONE transaction:

- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint batches and
  a worker that dies mid-batch leaves its rows pending (its transaction rolls back) for the next.
- SQLite: a plain transaction; the project's connections begin it IMMEDIATE, so workers (and
  acts) take turns as writers.

Targets:
- `feed` — a `FeedEntry` with the next gap-free position. The position is taken under a lock
  held until commit, so two workers never give the same one and positions are committed in
  order: a consumer reading `after=<cursor>` never misses an entry that committed late.
- `nats` — published to JetStream (`settings.NATS_STREAM`, subject `icjis.<kind>`) with the
  header `Nats-Msg-Id: <stream>#<seq>`: if the database rolls back after a publish, the repeat
  publish is dropped by JetStream's de-duplication window.

A delivery that fails is never dropped or deleted: `attempts` grows, `last_error` says what went
wrong (class and first line of the message only — never the event's data), the next attempt
backs off exponentially up to `OUTBOX_MAX_BACKOFF_SECONDS`, and after
`OUTBOX_ALERT_AFTER_ATTEMPTS` the message is `alerted` (a warning is logged once) and listed by
`problems()` while it keeps being retried. Operational time is `clock.wall()`, never the
simulation clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q

from icjis.core import clock
from icjis.core.canonical import dumps, iso
from icjis.core.models import FeedEntry, OutboxMessage
from icjis.core.serialise import event_json

log = logging.getLogger("icjis.outbox")

BACKOFF_BASE_SECONDS = 5
# A pending message this far past its due time means no worker is running (or it is wedged).
STUCK_AFTER = timedelta(minutes=10)
NATS_CONNECT_TIMEOUT = 2.0
NATS_PUBLISH_TIMEOUT = 5.0
# PostgreSQL advisory lock that serialises feed positions ("icjis.feed" as a 64-bit key).
FEED_LOCK_KEY = 0x6963_6A69_7366_6564
ERROR_MAX_CHARS = 500


@dataclass
class PassReport:
    """What one batch (or one pass of several batches) did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    alerted: int = 0
    pending: int = 0  # pending messages left in the outbox afterwards (due now or later)

    def add(self, other: PassReport) -> None:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.retried += other.retried
        self.alerted += other.alerted

    def summary(self) -> str:
        return (
            f"outbox: delivered {self.delivered}, retried {self.retried}, "
            f"alerted {self.alerted}, pending {self.pending}"
        )


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failures: 5 s, 10 s, 20 s … capped."""
    cap = max(1, settings.OUTBOX_MAX_BACKOFF_SECONDS)
    exponent = min(max(attempts, 1) - 1, 32)
    return timedelta(seconds=min(cap, BACKOFF_BASE_SECONDS * 2**exponent))


def describe(exc: BaseException) -> str:
    """The exception's class and the first line of its message. Database drivers put row values
    on later lines (DETAIL: Failing row contains …), and those may hold personal data."""
    text = str(exc).strip().splitlines()
    name = type(exc).__name__
    return (f"{name}: {text[0]}" if text else name)[:ERROR_MAX_CHARS]


def case_number_of(stream: str) -> str:
    """`case/<number>` → `<number>`; other streams are not cases."""
    return stream.removeprefix("case/") if stream.startswith("case/") else ""


def subject_for(kind: str) -> str:
    """JetStream subject of an event kind: `icjis.<kind>`. The prefix is a setting only so that
    tests can run beside a live `icjis.>` stream (JetStream refuses overlapping streams)."""
    return f"{subject_prefix()}.{kind}"


def subject_prefix() -> str:
    return str(getattr(settings, "NATS_SUBJECT_PREFIX", "") or "icjis")


# --- claiming and delivery --------------------------------------------------------------------


def run_pass(
    batch_size: int = 100,
    *,
    publisher: NatsPublisher | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassReport:
    """Deliver every message due when the pass starts, batch by batch. A message that fails is
    due again only after its back-off, so a pass always ends; `should_stop` is asked between
    batches (a batch, once claimed, is always finished)."""
    started = clock.wall()
    own_publisher = publisher is None
    publisher = publisher or NatsPublisher()
    report = PassReport()
    try:
        while True:
            batch = deliver_batch(batch_size, due_before=started, publisher=publisher)
            report.add(batch)
            if batch.claimed < batch_size or should_stop():
                break
    finally:
        if own_publisher:
            publisher.close()
    report.pending = pending_count()
    return report


def deliver_batch(
    batch_size: int = 100,
    *,
    due_before: datetime | None = None,
    publisher: NatsPublisher | None = None,
) -> PassReport:
    """Claim up to `batch_size` due pending messages and deliver them, in one transaction."""
    report = PassReport()
    own_publisher = publisher is None
    publisher = publisher or NatsPublisher()
    try:
        with transaction.atomic():
            rows = _claim(batch_size, due_before or clock.wall())
            report.claimed = len(rows)
            if not rows:
                return report
            failures: dict[int, BaseException] = {}
            by_target: dict[str, list[OutboxMessage]] = {}
            for row in rows:
                by_target.setdefault(row.target, []).append(row)
            for target, group in by_target.items():
                if target not in ("feed", "nats"):
                    error = LookupError(f"no delivery target called {target!r}")
                    failures.update((row.pk, error) for row in group)
            if "nats" in by_target:
                failures.update(publisher.publish(by_target["nats"]))
            if "feed" in by_target:
                # Last, so the feed lock is held only for the moments before commit.
                failures.update(_deliver_to_feed(by_target["feed"]))
            now = clock.wall()
            delivered = [row.pk for row in rows if row.pk not in failures]
            if delivered:
                OutboxMessage.objects.filter(pk__in=delivered).update(
                    state="delivered", delivered_at=now
                )
            report.delivered = len(delivered)
            for row in rows:
                if row.pk in failures:
                    report.retried += 1
                    report.alerted += _record_failure(row, failures[row.pk], now)
    finally:
        if own_publisher:
            publisher.close()
    return report


def _claim(batch_size: int, due_before: datetime) -> list[OutboxMessage]:
    qs = (
        OutboxMessage.objects.filter(state="pending", next_attempt_at__lte=due_before)
        .select_related("event")
        .order_by("next_attempt_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        # Another worker's batch is locked: skip it rather than wait, and never take it twice.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:batch_size])


def _deliver_to_feed(rows: list[OutboxMessage]) -> dict[int, BaseException]:
    """Append the rows' events to the feed at the next gap-free positions. All or none: in a
    savepoint, so a failure here leaves the batch's other outcomes to be recorded."""
    try:
        with transaction.atomic():
            _lock_feed()
            last = FeedEntry.objects.aggregate(last=Max("position"))["last"] or 0
            FeedEntry.objects.bulk_create(
                [
                    FeedEntry(
                        position=last + offset,
                        event=row.event,
                        topic=row.topic,
                        case_number=case_number_of(row.event.stream),
                    )
                    for offset, row in enumerate(rows, start=1)
                ]
            )
    except Exception as exc:  # any failure is recorded on the rows and retried, never lost
        return {row.pk: exc for row in rows}
    return {}


def _lock_feed() -> None:
    """Serialise feed appends until commit. PostgreSQL: a transaction-scoped advisory lock, taken
    before reading the last position (READ COMMITTED then sees every earlier append). SQLite: the
    IMMEDIATE transaction already holds the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])


def _record_failure(row: OutboxMessage, exc: BaseException, now: datetime) -> bool:
    """Count the failed attempt and schedule the next; True if this failure raised the alert."""
    row.attempts += 1
    row.last_error = describe(exc)
    row.next_attempt_at = now + backoff(row.attempts)
    raised = not row.alerted and row.attempts >= settings.OUTBOX_ALERT_AFTER_ATTEMPTS
    if raised:
        row.alerted = True
        log.warning(
            "outbox message %s (%s, %s) has failed %s times and keeps being retried: %s",
            row.pk,
            row.target,
            row.topic,
            row.attempts,
            row.last_error,
        )
    row.save(update_fields=["attempts", "last_error", "next_attempt_at", "alerted"])
    return raised


def pending_count() -> int:
    return OutboxMessage.objects.filter(state="pending").count()


def problems(limit: int = 200) -> list[dict[str, Any]]:
    """Messages an operator must look at: alerted (failed too often) or stuck (long overdue, so
    no worker is delivering). For `GET /api/v1/outbox/problems` and the admin pages."""
    now = clock.wall()
    rows = (
        OutboxMessage.objects.filter(state="pending")
        .filter(Q(alerted=True) | Q(next_attempt_at__lt=now - STUCK_AFTER))
        .order_by("next_attempt_at", "id")[: max(1, limit)]
    )
    return [
        {
            "id": row.pk,
            "target": row.target,
            "topic": row.topic,
            "attempts": row.attempts,
            "last_error": row.last_error,
            "next_attempt_at": iso(row.next_attempt_at),
            "alerted": row.alerted,
            "reason": "alerted" if row.alerted else "stuck",
        }
        for row in rows
    ]


# --- NATS JetStream ---------------------------------------------------------------------------


class NatsPublisher:
    """Publishes outbox messages to JetStream over one connection, kept across the passes of a
    long-running worker and reopened when it fails or the settings change. nats-py is asyncio;
    the worker is not, so the publisher owns an event loop and runs it only while publishing
    (never around database calls)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nc: Any = None
        self._js: Any = None
        self._key: tuple[str, str, str] | None = None

    def publish(self, rows: Iterable[OutboxMessage]) -> dict[int, BaseException]:
        """Publish each row's event and await its PubAck; return the failures by row id."""
        # Payloads are built here, outside the event loop: Django refuses ORM calls inside one.
        messages = [
            (
                row.pk,
                subject_for(row.event.kind),
                f"{row.event.stream}#{row.event.seq}",
                dumps(event_json(row.event)).encode("utf-8"),
            )
            for row in rows
        ]
        if not settings.NATS_URL:
            error = RuntimeError("NATS_URL is not set; the message waits until it is")
            return {pk: error for pk, *_ in messages}
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(self._publish(messages))

    async def _publish(
        self, messages: list[tuple[int, str, str, bytes]]
    ) -> dict[int, BaseException]:
        failures: dict[int, BaseException] = {}
        try:
            js = await self._jetstream()
        except Exception as exc:  # cannot connect: every message waits for the next attempt
            await self._drop_connection()
            return {pk: exc for pk, *_ in messages}
        for index, (pk, subject, msg_id, payload) in enumerate(messages):
            try:
                await js.publish(
                    subject,
                    payload,
                    timeout=NATS_PUBLISH_TIMEOUT,
                    stream=settings.NATS_STREAM,
                    headers={"Nats-Msg-Id": msg_id},
                )
            except Exception as exc:
                if isinstance(exc, OSError) or not self._nc.is_connected:
                    # The connection failed, not the message (timeouts are OSErrors too): the
                    # rest wait for the next attempt, so a hung server costs one timeout per
                    # batch, not one per message (SQLite's write lock is held meanwhile).
                    failures.update((later, exc) for later, *_ in messages[index:])
                    await self._drop_connection()
                    break
                failures[pk] = exc  # this message only (e.g. too large); the rest go on
        return failures

    async def _jetstream(self) -> Any:
        import nats
        from nats.js.errors import NotFoundError

        key = (settings.NATS_URL, settings.NATS_STREAM, subject_prefix())
        if self._nc is not None and (self._key != key or not self._nc.is_connected):
            await self._drop_connection()
        if self._js is not None:
            return self._js

        async def quiet(exc: Exception) -> None:
            log.debug("nats: %s", describe(exc))

        # max_reconnect_attempts=1: nats-py otherwise retries an unreachable server forever.
        nc = await asyncio.wait_for(
            nats.connect(
                servers=[settings.NATS_URL],
                name="icjis-worker",
                connect_timeout=NATS_CONNECT_TIMEOUT,
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0.1,
                error_cb=quiet,
            ),
            timeout=3 * NATS_CONNECT_TIMEOUT,
        )
        js = nc.jetstream()
        try:
            try:
                await js.stream_info(settings.NATS_STREAM)
            except NotFoundError:
                await js.add_stream(name=settings.NATS_STREAM, subjects=[f"{subject_prefix()}.>"])
        except BaseException:
            await nc.close()
            raise
        self._nc, self._js, self._key = nc, js, key
        return js

    async def _drop_connection(self) -> None:
        nc, self._nc, self._js, self._key = self._nc, None, None, None
        if nc is not None and not nc.is_closed:
            try:
                await nc.close()
            except Exception as exc:  # closing a broken connection may fail; it is gone anyway
                log.debug("nats close: %s", describe(exc))

    def close(self) -> None:
        """Close the connection and the event loop (safe to call twice)."""
        if self._loop is None:
            return
        self._loop.run_until_complete(self._drop_connection())
        self._loop.close()
        self._loop = None
