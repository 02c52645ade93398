"""The database goes away under load (for this server only: it reaches PostgreSQL through a proxy
that the test cuts): clients get 503 with Retry-After and a JSON {error, message}, never a 500;
retries with the same idempotency key after the database is back create no duplicates."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from tests.reliability.clients import register_cases, run_clients
from tests.reliability.commands import assert_ledger_and_projections_sound
from tests.reliability.conftest import LOG_DIR, database_url
from tests.reliability.server import Proxy, Server, call

from icjis.core.models import ActReceipt, Event

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxied_server(pg_world):
    s = connection.settings_dict
    proxy = Proxy(s.get("HOST") or "127.0.0.1", int(s.get("PORT") or 5432)).start()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / "database_outage.log"
    log.unlink(missing_ok=True)
    server = Server(database_url(proxy.port), log).start()
    yield server, proxy
    server.stop()
    proxy.cut()


def test_it_answers_503_with_retry_after_while_the_database_is_away(proxied_server):
    server, proxy = proxied_server
    registrar, investigator = server.token("registrar"), server.token("investigator")
    cases = register_cases(server.port, registrar, 8)
    stop = threading.Event()

    def outage() -> None:
        time.sleep(1.0)
        proxy.cut()
        time.sleep(2.0)
        proxy.restore()
        time.sleep(1.0)
        stop.set()

    threading.Thread(target=outage).start()
    tally = run_clients(server.port, investigator, cases, clients=16, until=stop.is_set)

    assert tally.errors == [], "the server itself stopped answering"
    statuses = {a.status for a in tally.answers}
    assert 500 not in statuses
    assert statuses <= {201, 503}, statuses
    refused = [a for a in tally.answers if a.status == 503]
    assert refused, "no request met the outage; the test proved nothing"
    assert any(a.status == 201 for a in tally.answers)
    for a in refused:
        assert int(a.headers["retry-after"]) > 0
        assert a.body["error"] == "unavailable" and a.body["message"]

    # Some of the refused acts may have committed before their connection was cut: retrying
    # with the same key must answer with that act, not record it twice.
    for a in refused:
        status, _, body = call(server.port, "POST", "/api/v1/acts", a.request, investigator)
        assert status == 201, body
    keys = {a.key for a in tally.answers}
    assert ActReceipt.objects.filter(key__in=keys).count() == len(keys)
    assert Event.objects.filter(kind="registry.participant.add").count() == len(keys)
    assert_ledger_and_projections_sound(database_url())
