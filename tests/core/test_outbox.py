"""The outbox and `icjis worker`: rows written with the act, delivered to the pull feed and to
NATS JetStream, retried with back-off, never lost, surfaced when they keep failing."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from icjis.core import acts, clock, outbox, projections
from icjis.core.demo import seed_world
from icjis.core.models import Event, FeedEntry, OutboxMessage, User

REPORT = {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}}
NATS_URL = "nats://127.0.0.1:4222"
CLOSED_PORT = "nats://127.0.0.1:1"


@pytest.fixture
def world(db):
    """The core demo world only: module seeders record acts (advocates, rosters) whose outbox
    rows would blur the counts and feed positions these tests check."""
    from icjis.core.demo import seed_world

    return {u.username: u for u in seed_world()}


def register(api: Any) -> dict[str, Any]:
    response = api.act("registry.report.register", REPORT)
    assert response.status_code == 201, response.content
    return response.json()


def run_worker(*args: str) -> str:
    out = StringIO()
    call_command("worker", "--once", *args, stdout=out)
    return out.getvalue()


def event_of(body: dict[str, Any]) -> Event:
    return Event.objects.get(stream=body["event"]["stream"], seq=body["event"]["seq"])


def make_due(row: OutboxMessage) -> None:
    """Let the back-off run out (the worker uses the wall clock, so move the row, not time)."""
    OutboxMessage.objects.filter(pk=row.pk).update(
        next_attempt_at=clock.wall() - timedelta(seconds=1)
    )


# --- written with the act -----------------------------------------------------------------------


def test_it_writes_one_outbox_row_per_target_with_the_act(as_user, settings):
    settings.NATS_URL = CLOSED_PORT  # only decides the targets; nothing is delivered here
    body = register(as_user("registrar"))
    rows = OutboxMessage.objects.filter(event=event_of(body))
    assert sorted(rows.values_list("target", flat=True)) == ["feed", "nats"]
    for row in rows:
        assert (row.state, row.attempts, row.topic) == ("pending", 0, "registry.report.register")


def test_it_writes_only_the_feed_row_when_nats_is_off(as_user, settings):
    settings.NATS_URL = ""
    body = register(as_user("registrar"))
    targets = OutboxMessage.objects.filter(event=event_of(body)).values_list("target", flat=True)
    assert list(targets) == ["feed"]


def test_it_writes_no_outbox_row_for_a_refused_act(as_user):
    response = as_user("analyst").act("registry.report.register", REPORT)
    assert response.status_code == 403
    assert OutboxMessage.objects.count() == 0
    assert Event.objects.count() == 0


def test_it_rolls_back_the_outbox_rows_with_an_act_that_fails_after_writing_them(
    world, monkeypatch
):
    # The outbox rows are written with the event; the projection runs after them.
    projected = projections.project

    def fail_after_the_outbox(event: Event, data: dict) -> dict:
        assert OutboxMessage.objects.filter(event=event).exists()
        projected(event, data)
        raise RuntimeError("the act fails after its outbox rows were written")

    monkeypatch.setattr(projections, "project", fail_after_the_outbox)
    with pytest.raises(RuntimeError, match="after its outbox rows"):
        acts.perform(world["registrar"], "registry.report.register", REPORT)
    assert OutboxMessage.objects.count() == 0
    assert Event.objects.count() == 0


# --- the pull feed ------------------------------------------------------------------------------


def test_it_delivers_to_the_feed_at_gap_free_positions_in_order(as_user, settings):
    settings.NATS_URL = ""
    registrar = as_user("registrar")
    bodies = [register(registrar) for _ in range(3)]
    output = run_worker()
    assert "delivered 3, retried 0, alerted 0, pending 0" in output
    entries = list(FeedEntry.objects.order_by("position"))
    first = entries[0].position
    assert [e.position for e in entries] == [first, first + 1, first + 2]
    assert [e.event.hash for e in entries] == [b["event"]["hash"] for b in bodies]
    assert [e.case_number for e in entries] == [b["result"]["case"] for b in bodies]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"delivered"}


def test_it_delivers_nothing_twice_when_the_worker_runs_again(as_user, settings):
    settings.NATS_URL = ""
    register(as_user("registrar"))
    run_worker()
    assert "delivered 0, retried 0, alerted 0, pending 0" in run_worker()
    assert FeedEntry.objects.count() == 1


def test_it_continues_the_positions_across_passes(as_user, settings):
    settings.NATS_URL = ""
    registrar = as_user("registrar")
    register(registrar)
    run_worker()
    register(registrar)
    register(registrar)
    run_worker("--batch", "1")
    positions = list(FeedEntry.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(positions[0], positions[0] + 3))


def test_it_serves_the_feed_after_the_cursor_to_an_entitled_user(as_user, settings):
    settings.NATS_URL = ""
    registrar = as_user("registrar")
    bodies = [register(registrar) for _ in range(3)]
    run_worker()
    first = FeedEntry.objects.order_by("position").first().position
    response = as_user("auditor").get("/feed", after=first)
    assert response.status_code == 200, response.content
    feed = response.json()
    assert [i["position"] for i in feed["items"]] == [first + 1, first + 2]
    assert [i["hash"] for i in feed["items"]] == [b["event"]["hash"] for b in bodies[1:]]
    assert feed["items"][0]["topic"] == "registry.report.register"
    assert feed["cursor"] == first + 2
    assert as_user("auditor").get("/feed", after=first + 2).json()["items"] == []


def test_it_refuses_the_feed_to_a_role_without_case_scope(as_user, settings):
    settings.NATS_URL = ""
    register(as_user("registrar"))
    run_worker()
    response = as_user("analyst").get("/feed", after=0)
    assert response.status_code == 403
    assert "items" not in response.json()


def test_it_shows_no_feed_entry_of_a_case_outside_the_users_scope(as_user, settings):
    settings.NATS_URL = ""
    register(as_user("registrar"))
    run_worker()
    response = as_user("registrar_osh").get("/feed", after=0)
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- failure, back-off, alert -------------------------------------------------------------------


def test_it_retries_a_failing_target_with_growing_backoff_and_surfaces_it(
    as_user, settings, caplog
):
    settings.NATS_URL = CLOSED_PORT
    settings.OUTBOX_ALERT_AFTER_ATTEMPTS = 3
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 20
    register(as_user("registrar"))
    caplog.set_level(logging.WARNING, logger="icjis.outbox")

    waits = []
    outputs = []
    for attempt in range(1, 6):
        row = OutboxMessage.objects.get(target="nats")
        make_due(row)
        before = clock.wall()
        outputs.append(run_worker())
        after = clock.wall()
        row.refresh_from_db()
        assert row.attempts == attempt
        assert row.state == "pending"
        assert row.last_error.startswith("NoServersError: ")
        assert before + outbox.backoff(attempt) <= row.next_attempt_at
        assert row.next_attempt_at <= after + outbox.backoff(attempt)
        waits.append(outbox.backoff(attempt).total_seconds())

    assert waits == [5, 10, 20, 20, 20]  # doubles, then holds at OUTBOX_MAX_BACKOFF_SECONDS
    assert "delivered 1, retried 1, alerted 0, pending 1" in outputs[0]  # the feed went through
    assert "retried 1, alerted 0" in outputs[1]
    assert "retried 1, alerted 1" in outputs[2]
    assert "retried 1, alerted 0" in outputs[3]  # alerted once, still retried
    warnings = [r for r in caplog.records if r.name == "icjis.outbox"]
    assert len(warnings) == 1
    assert "failed 3 times" in warnings[0].getMessage()
    assert OutboxMessage.objects.count() == 2  # nothing deleted
    [problem] = outbox.problems()
    assert problem["id"] == row.pk
    assert (problem["target"], problem["topic"]) == ("nats", "registry.report.register")
    assert problem["attempts"] == 5
    assert problem["reason"] == "alerted"
    assert problem["last_error"].startswith("NoServersError: ")
    assert problem["next_attempt_at"] is not None


def test_it_does_not_try_a_message_before_its_backoff_has_run(as_user, settings):
    settings.NATS_URL = CLOSED_PORT
    register(as_user("registrar"))
    run_worker()
    assert "delivered 0, retried 0, alerted 0, pending 1" in run_worker()
    assert OutboxMessage.objects.get(target="nats").attempts == 1


def test_it_keeps_the_error_free_of_the_events_data(as_user, settings):
    settings.NATS_URL = CLOSED_PORT
    register(as_user("registrar"))
    run_worker()
    error = OutboxMessage.objects.get(target="nats").last_error
    assert "велосипед" not in error
    assert "\n" not in error


def test_it_lists_a_message_no_worker_has_tried_for_long_as_stuck(as_user, settings):
    settings.NATS_URL = ""
    register(as_user("registrar"))
    OutboxMessage.objects.update(next_attempt_at=clock.wall() - outbox.STUCK_AFTER * 2)
    [problem] = outbox.problems()
    assert (problem["reason"], problem["attempts"], problem["target"]) == ("stuck", 0, "feed")
    run_worker()
    assert outbox.problems() == []


def test_it_stops_after_the_current_batch_on_sigterm(as_user, settings):
    settings.NATS_URL = ""
    register(as_user("registrar"))
    original = signal.getsignal(signal.SIGTERM)

    def terminate_once_listening() -> None:
        deadline = time.monotonic() + 10
        while signal.getsignal(signal.SIGTERM) is original and time.monotonic() < deadline:
            time.sleep(0.01)
        if signal.getsignal(signal.SIGTERM) is not original:  # never kill pytest itself
            time.sleep(0.3)
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_listening)
    killer.start()
    out = StringIO()
    call_command("worker", "--interval", "30", stdout=out)
    killer.join()
    assert "delivered 1" in out.getvalue()
    assert "stopped by signal" in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is original
    assert OutboxMessage.objects.get().state == "delivered"


# --- NATS JetStream -----------------------------------------------------------------------------


def _nats_answering() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def jetstream(settings) -> Any:
    """A stream of this test's own on the real NATS server, removed afterwards. Its subjects get
    a unique prefix too: JetStream refuses two streams over the same subjects."""
    if not _nats_answering():
        pytest.skip(
            "NATS is not answering on 127.0.0.1:4222 (bash scripts/ensure-services.sh nats)"
        )
    tag = uuid.uuid4().hex[:12]
    settings.NATS_URL = NATS_URL
    settings.NATS_STREAM = f"ICJIS_TEST_{tag}"
    settings.NATS_SUBJECT_PREFIX = f"icjistest{tag}"
    yield settings.NATS_STREAM
    asyncio.run(_delete_stream(settings.NATS_STREAM))


async def _delete_stream(name: str) -> None:
    import nats
    from nats.js.errors import NotFoundError

    nc = await nats.connect(NATS_URL)
    try:
        await nc.jetstream().delete_stream(name)
    except NotFoundError:
        pass
    finally:
        await nc.close()


async def _read_stream(name: str, subjects: str) -> tuple[list[Any], int]:
    """Read every message of the stream with an ephemeral pull consumer; and the stream's count."""
    import nats

    nc = await nats.connect(NATS_URL)
    try:
        js = nc.jetstream()
        count = (await js.stream_info(name)).state.messages
        sub = await js.pull_subscribe(subjects, stream=name)
        messages = await sub.fetch(count, timeout=5) if count else []
        for message in messages:
            await message.ack()
        return messages, count
    finally:
        await nc.close()


@pytest.mark.nats
def test_it_publishes_the_event_to_jetstream(as_user, settings, jetstream):
    body = register(as_user("registrar"))
    assert "delivered 2, retried 0, alerted 0, pending 0" in run_worker()
    messages, count = asyncio.run(_read_stream(jetstream, f"{settings.NATS_SUBJECT_PREFIX}.>"))
    assert count == 1
    [message] = messages
    assert message.subject == f"{settings.NATS_SUBJECT_PREFIX}.registry.report.register"
    event = json.loads(message.data)
    assert (event["stream"], event["seq"], event["hash"]) == (
        body["event"]["stream"],
        body["event"]["seq"],
        body["event"]["hash"],
    )
    assert event["data"]["summary"] == "Кража велосипеда"
    assert "receipt_hash" not in event["data"]
    assert message.headers["Nats-Msg-Id"] == f"{event['stream']}#{event['seq']}"


@pytest.mark.nats
def test_it_lets_jetstream_drop_a_repeated_publish_of_the_same_event(as_user, settings, jetstream):
    register(as_user("registrar"))
    run_worker()
    # As if the worker had published and then lost its database transaction.
    OutboxMessage.objects.filter(target="nats").update(state="pending", delivered_at=None)
    assert "delivered 1, retried 0" in run_worker()
    _, count = asyncio.run(_read_stream(jetstream, f"{settings.NATS_SUBJECT_PREFIX}.>"))
    assert count == 1


@pytest.mark.nats
def test_it_delivers_a_failed_message_once_nats_is_back(as_user, settings, jetstream):
    settings.NATS_URL = CLOSED_PORT
    register(as_user("registrar"))
    run_worker()
    row = OutboxMessage.objects.get(target="nats")
    assert row.attempts == 1
    settings.NATS_URL = NATS_URL
    make_due(row)
    assert "delivered 1, retried 0, alerted 0, pending 0" in run_worker()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 1)
    _, count = asyncio.run(_read_stream(jetstream, f"{settings.NATS_SUBJECT_PREFIX}.>"))
    assert count == 1


# --- concurrent workers (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED claims between concurrent workers are checked in the PostgreSQL pass",
)
def test_it_never_delivers_one_row_twice_with_two_workers_claiming_at_once(committing_db, settings):
    settings.NATS_URL = ""
    seed_world()
    registrar = User.objects.get(username="registrar")
    events = [acts.perform(registrar, "registry.report.register", REPORT).event for _ in range(40)]

    reports: list[outbox.PassReport] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            barrier.wait()
            reports.append(outbox.run_pass(batch_size=3))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)

    assert errors == []
    assert sum(r.delivered for r in reports) == len(events)
    assert sum(r.retried for r in reports) == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"delivered"}
    positions = list(FeedEntry.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(events) + 1))
    delivered = set(FeedEntry.objects.values_list("event_id", flat=True))
    assert delivered == {e.pk for e in events}


def test_only_admins_and_auditors_see_delivery_problems(as_user):
    assert as_user("auditor").get("/outbox/problems").status_code == 200
    assert as_user("admin").get("/outbox/problems").status_code == 200
    r = as_user("investigator").get("/outbox/problems")
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


def test_a_read_of_the_feed_names_the_persons_its_events_carry(as_user, settings):
    """The feed carries whole person records (a report's applicant): its read is logged with
    them, as a list's is."""
    from icjis.core.models import PersonSighting

    settings.NATS_URL = ""
    applicant = {"surname": "Токтогулова", "given_name": "Айгүл", "sex": "F"}
    r = as_user("registrar").act("registry.report.register", {**REPORT, "applicant": applicant})
    assert r.status_code == 201, r.content
    number = r.json()["result"]["case"]
    run_worker()
    items = as_user("auditor").get("/feed", after=0).json()["items"]
    [opening] = [i for i in items if i["stream"] == f"case/{number}"]
    person = opening["data"]["applicant"]["id"]
    [seen] = PersonSighting.objects.filter(actor="auditor", subject_type="feed")
    assert (seen.person, seen.subject) == (person, "after:0")
