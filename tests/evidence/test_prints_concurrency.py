"""Two workers doing the fingerprint searches at once (PostgreSQL, real locks): every search is
done once — by one worker, never computed by both — and recorded once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from tests.evidence.test_prints import OTHER, PERSON, card

from icjis.core import acts
from icjis.core.demo import seed_world
from icjis.core.ledger import verify_chains
from icjis.core.models import Event, User
from icjis.evidence import prints
from icjis.evidence.models import PrintSearch

pytestmark = pytest.mark.postgres
WORKERS = 2
SUSPECTS = 4


def test_two_workers_share_the_searches_out(committing_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("locks under real concurrency are checked in the PostgreSQL pass")
    seed_world()
    registrar, head, investigator = (
        User.objects.get(username=u) for u in ("registrar", "unit_head", "investigator")
    )
    report = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
    case = acts.perform(registrar, "registry.report.register", report).result["case"]
    acts.perform(head, "registry.case.assign", {"officer": "investigator"}, case=case)
    acts.perform(investigator, "registry.case.open", {"article": "205", "part": 1}, case=case)
    for n in range(SUSPECTS):
        person = {**(PERSON if n % 2 else OTHER), "given_name": f"Синтетик{n}"}
        added = acts.perform(
            investigator,
            "registry.participant.add",
            {"role": "suspect", "person": person},
            case=case,
        ).result["person"]
        images = card(7300 + n, 0, (2,))
        acts.perform(investigator, "evidence.prints.take", {"person": added, **images}, case=case)
    computed: list[str] = []
    real = prints.run_search

    def counted(search):
        computed.append(search.id)
        return real(search)

    monkeypatch.setattr(prints, "run_search", counted)
    barrier = threading.Barrier(WORKERS)
    done: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            done.append(prints.do_searches())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert sum(done) == SUSPECTS
    assert sorted(computed) == sorted(set(computed)) and len(computed) == SUSPECTS
    assert set(PrintSearch.objects.values_list("status", flat=True)) == {"done"}
    assert Event.objects.filter(kind="evidence.prints.found").count() == SUSPECTS
    _, faults = verify_chains()
    assert faults == []
