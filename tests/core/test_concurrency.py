"""Concurrent writers on PostgreSQL: no lost or duplicate seq, chains valid, numbers gap-free."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from icjis.core import acts
from icjis.core.demo import seed_world
from icjis.core.ledger import verify_chains
from icjis.core.models import Case, Event, User

pytestmark = pytest.mark.postgres


def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks under real concurrency are checked in the PostgreSQL pass of make test"
        )


def _run_threads(n: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def runner(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_it_serialises_16_concurrent_writers_on_one_case(committing_db):
    _skip_unless_postgres()
    seed_world()
    registrar = User.objects.get(username="registrar")
    investigator = User.objects.get(username="investigator")
    number = acts.perform(
        registrar,
        "registry.report.register",
        {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}},
    ).result["case"]
    per_writer = 5

    def work(i: int) -> None:
        user = User.objects.get(username="investigator")
        for j in range(per_writer):
            acts.perform(
                user,
                "registry.participant.add",
                {
                    "role": "witness",
                    "person": {"surname": f"Свидетель{i}x{j}", "given_name": "Тест", "sex": "M"},
                },
                case=number,
            )

    errors = _run_threads(16, work)
    assert errors == []
    seqs = list(
        Event.objects.filter(stream=f"case/{number}").order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 16 * per_writer + 2))
    heads, faults = verify_chains()
    assert faults == []
    assert heads[f"case/{number}"][0] == 16 * per_writer + 1
    assert investigator.username == "investigator"


def test_it_gives_gap_free_unique_numbers_to_concurrent_registrations(committing_db):
    _skip_unless_postgres()
    seed_world()

    def work(i: int) -> None:
        user = User.objects.get(username="registrar")
        for _ in range(4):
            acts.perform(
                user,
                "registry.report.register",
                {"channel": "phone", "summary": f"Сообщение {i}", "place": {"region": "KG-GB"}},
            )

    errors = _run_threads(12, work)
    assert errors == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    seqs = sorted(int(n.split("-")[2]) for n in numbers)
    assert seqs == list(range(1, 12 * 4 + 1))
    assert len(set(numbers)) == len(numbers)
