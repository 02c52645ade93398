"""Several registrars passing one offence case on at once (PostgreSQL, real locks): one crime
report is registered, every other is refused with nothing of it written (CoO 516)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from tests.offences.test_orders import ABUSER, PLACE

from icjis.core import acts, clock
from icjis.core.demo import seed_world
from icjis.core.ledger import verify_chains
from icjis.core.models import Case, Event, User
from icjis.core.refusals import Conflict
from icjis.offences.models import OffenceCase

pytestmark = pytest.mark.postgres
N = 4


def test_an_offence_case_passed_on_by_several_at_once_becomes_one_crime_report(committing_db):
    if connection.vendor != "postgresql":
        pytest.skip("locks under real concurrency are checked in the PostgreSQL pass")
    seed_world()
    now = clock.now()
    number = acts.perform(
        User.objects.get(username="offences_officer"),
        "offences.protocol.register",
        {
            "person": ABUSER,
            "article": "130",
            "committed_at": (now - timedelta(hours=3)).isoformat(),
            "protocol_at": (now - timedelta(hours=2)).isoformat(),
            "place": PLACE,
            "description": "Нарушение правопорядка (синтетические данные)",
        },
    ).result["offence"]
    cases = Case.objects.count()
    barrier = threading.Barrier(N)
    outcomes: list[str] = []

    def work() -> None:
        try:
            user = User.objects.get(username="registrar")
            barrier.wait()
            acts.perform(
                user,
                "registry.report.register",
                {
                    "channel": "offence",
                    "reference": number,
                    "summary": "Признаки преступления (синтетические данные)",
                    "place": {"region": "KG-GB"},
                },
            )
            outcomes.append("registered")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["refused"] * (N - 1) + ["registered"]
    assert Case.objects.count() == cases + 1
    assert Event.objects.filter(kind="registry.report.register").count() == 1
    [passed] = Event.objects.filter(kind="offences.case.transfer")
    assert OffenceCase.objects.get(pk=number).crime_case == passed.payload["case"]
    _, faults = verify_chains()
    assert faults == []
