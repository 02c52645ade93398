"""One message delivered several times at once (PostgreSQL, real row locks): it is received
once, one case is registered, and every delivery gets the same receipt."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from tests.exchange.test_exchange import KEY, envelope, public_hex

from icjis.core import acts
from icjis.core.demo import seed_world
from icjis.core.models import Case, User
from icjis.exchange.acts import intake
from icjis.exchange.api import receipt
from icjis.exchange.models import Message

pytestmark = pytest.mark.postgres
N = 6


def test_a_message_delivered_at_once_several_times_is_received_once(committing_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked in the PostgreSQL pass")
    seed_world()
    member = {
        "code": "GKNB-CASES",
        "name": "Учёт дел другого ведомства",
        "public_key": public_hex(KEY),
        "services": ["crime-report"],
        "unit": "GB-UVD",
    }
    acts.perform(User.objects.get(username="admin"), "exchange.member.register", member)
    message = envelope()
    barrier = threading.Barrier(N)
    receipts: list[dict] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            receipts.append(receipt(intake(message)))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(receipts) == N and all(r == receipts[0] for r in receipts)
    assert Message.objects.count() == 1
    assert Case.objects.filter(details__channel="transfer").count() == 1
