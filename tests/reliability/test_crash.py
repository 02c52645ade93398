"""The server killed with SIGKILL under load and restarted: every acknowledged act is present, no
act is half-applied, `verify-ledger` and `rebuild-projections --check` pass, and retrying the
unanswered requests with their idempotency keys creates no duplicates."""

from __future__ import annotations

import threading
import time

import pytest
from tests.reliability.clients import register_cases, run_clients
from tests.reliability.commands import assert_ledger_and_projections_sound
from tests.reliability.conftest import database_url
from tests.reliability.server import Server, call

from icjis.core.models import ActReceipt, Event, OutboxMessage, Person

pytestmark = pytest.mark.postgres


def test_it_loses_no_acknowledged_act_when_the_server_is_killed_under_load(server):
    registrar, investigator = server.token("registrar"), server.token("investigator")
    cases = register_cases(server.port, registrar, 8)
    stop = threading.Event()
    killed = threading.Event()

    def killer() -> None:
        time.sleep(2.0)
        server.kill()  # SIGKILL to gunicorn's master and every worker, mid-request
        killed.set()
        time.sleep(0.5)
        stop.set()

    threading.Thread(target=killer).start()
    tally = run_clients(server.port, investigator, cases, clients=16, until=stop.is_set)
    assert killed.is_set()
    acknowledged = tally.acknowledged()
    unanswered = [a for a in tally.answers if a.status != 201]
    assert acknowledged, "no act was acknowledged before the kill; the test proved nothing"
    assert unanswered, "the kill did not interrupt the load; the test proved nothing"
    assert {a.status for a in unanswered} <= {0}, "the server answered with an error"

    for a in acknowledged:
        event = a.body["event"]
        stored = Event.objects.get(stream=event["stream"], seq=event["seq"])
        assert stored.hash == event["hash"]
    # No half-applied act: every event of the load has its receipt, its outbox row and its
    # person, written in the same transaction as the event itself.
    added = Event.objects.filter(kind="registry.participant.add")
    assert ActReceipt.objects.filter(event__in=added).count() == added.count()
    assert OutboxMessage.objects.filter(event__in=added).values("event").distinct().count() == (
        added.count()
    )
    assert Person.objects.filter(surname="Свидетелев").count() == added.count()

    url = database_url()
    assert_ledger_and_projections_sound(url)

    restarted = Server(url, server.log).start()
    try:
        for a in unanswered:
            status, _, body = call(restarted.port, "POST", "/api/v1/acts", a.request, investigator)
            assert status == 201, body
    finally:
        restarted.stop()
    keys = {a.key for a in tally.answers}
    assert ActReceipt.objects.filter(key__in=keys).count() == len(keys)
    assert Event.objects.filter(kind="registry.participant.add").count() == len(keys)
    assert_ledger_and_projections_sound(url)
