"""Concurrent orders on PostgreSQL: three expertises ordered at once, in three cases, from one
laboratory with three experts of the kind, go to three different experts — each order counts the
loads the others committed, since the laboratory's experts are locked while one chooses."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from icjis.core import acts, seeding
from icjis.core.demo import seed_world
from icjis.core.models import CaseParticipant, User
from icjis.forensics.models import Assignment

pytestmark = pytest.mark.postgres
REPORT = {
    "channel": "in_person",
    "summary": "Угроза убийством",
    "place": {"region": "KG-GB"},
    "applicant": {"surname": "Асанова", "given_name": "Гулина", "sex": "F"},
}


def _case(registrar: User, head: User, investigator: User) -> tuple[str, str]:
    number = acts.perform(registrar, "registry.report.register", REPORT).result["case"]
    acts.perform(head, "registry.case.assign", {"officer": "investigator"}, case=number)
    acts.perform(investigator, "registry.case.open", {"article": "130", "part": 1}, case=number)
    person = CaseParticipant.objects.filter(case_id=number).values_list("person_id", flat=True)[0]
    return number, person


def test_concurrent_orders_choose_different_experts(committing_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked in the PostgreSQL pass")
    seed_world()
    for add_module_data in seeding.WORLD_SEEDERS:
        add_module_data()
    users = {u.username: u for u in User.objects.all()}
    cases = [_case(users["registrar"], users["unit_head"], users["investigator"]) for _ in range(3)]
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []

    def order(number: str, person: str) -> None:
        try:
            barrier.wait()
            data = {
                "kind": "psychiatric",
                "grounds": "Сомнения во вменяемости",
                "questions": ["Страдает ли лицо психическим расстройством?"],
                "person": person,
                "days": 20,
            }
            acts.perform(
                User.objects.get(username="investigator"),
                "forensics.expertise.order",
                data,
                case=number,
            )
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order, args=case) for case in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    chosen = sorted(Assignment.objects.values_list("expert", "load"))
    # Each saw the others' open expertises: the three loads were all 0 only because each
    # expert was still free when chosen, and none was chosen twice.
    assert chosen == [("expert", 0), ("expert_2", 0), ("expert_3", 0)], chosen
