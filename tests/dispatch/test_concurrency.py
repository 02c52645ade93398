"""Two dispatchers sending one crew at once (PostgreSQL, real row locks): the crew goes to one
incident, every other send is refused, and nothing of the refused ones is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from icjis.core import acts
from icjis.core.demo import seed_world
from icjis.core.ledger import verify_chains
from icjis.core.models import Event, User
from icjis.core.refusals import Conflict
from icjis.dispatch.models import Assignment, Crew

pytestmark = pytest.mark.postgres
N = 6


def test_a_crew_sent_to_several_incidents_at_once_goes_to_one(committing_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked in the PostgreSQL pass")
    seed_world()
    dispatcher = User.objects.get(username="dispatcher")
    acts.perform(
        dispatcher,
        "dispatch.crew.on_duty",
        {"call_sign": "C-1", "kind": "patrol", "lat": 42.87, "lon": 74.57},
    )
    incidents = [
        acts.perform(
            dispatcher,
            "dispatch.call.receive",
            {
                "type": "theft",
                "place": {"region": "KG-GB", "address": f"ул. Ленина, д. {i + 1}"},
                "summary": "Кража",
            },
        ).result["incident"]
        for i in range(N)
    ]
    barrier = threading.Barrier(N)
    outcomes: list[str] = []

    def work(i: int) -> None:
        try:
            user = User.objects.get(username="dispatcher")
            barrier.wait()
            acts.perform(
                user, "dispatch.incident.dispatch", {"incident": incidents[i], "crew": "C-1"}
            )
            outcomes.append("sent")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["refused"] * (N - 1) + ["sent"]
    [sent] = Assignment.objects.all()
    assert Crew.objects.get(pk="C-1").incident == sent.incident_id
    assert Event.objects.filter(kind="dispatch.incident.dispatch").count() == 1
    _, faults = verify_chains()
    assert faults == []
