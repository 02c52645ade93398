"""Pins the number of database round trips of one `registry.participant.add` act, so that a
change which adds a query to the hot path of `perform()` is noticed (benchmarks/RESULTS.md,
performance pass). The count is taken on the database the suite runs on; the simulation clock is
read once per act, inside the head lock's statement (demo/test only; production reads no clock
row)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icjis.core.acts import perform
from icjis.core.models import CaseParticipant, Event, Person
from icjis.core.refusals import Conflict

REPORT = {"channel": "in_person", "summary": "Грабёж", "place": {"region": "KG-GB"}}
NEW_PERSON = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}

# One participant act with a new person makes these round trips (the test's own transaction turns
# perform()'s BEGIN/COMMIT into SAVEPOINT/RELEASE): the head lock (which also reads the
# simulation clock), the case with its access check, the duplicate-person query, the event insert
# with the head update and the outbox rows (one statement on PostgreSQL, three on SQLite), and
# the person insert with its duplicate flags, the participant and the case's last movement (one
# statement on PostgreSQL, four on SQLite: there are no flags here, so bulk_create writes none).
# Before the performance pass of issue 8 the projector also read the case again and used
# get_or_create for the participant (a read and a savepoint pair): 16 in all; then 12, with the
# clock read on its own and the event, head, participant and case written one statement each;
# then 9, with the outbox and the person each in a statement of their own. Lower this when a trip
# goes; raise it only with a reason written here.
EXPECTED_QUERIES = {"postgresql": 7, "sqlite": 11}


def _open_case(world: dict[str, Any]) -> str:
    number = perform(world["registrar"], "registry.report.register", REPORT).result["case"]
    perform(world["unit_head"], "registry.case.assign", {"officer": "investigator"}, case=number)
    perform(world["investigator"], "registry.case.open", {"article": "205", "part": 1}, case=number)
    return number


def test_adding_a_new_participant_makes_a_fixed_number_of_round_trips(
    world: dict[str, Any],
) -> None:
    number = _open_case(world)
    body = {"role": "suspect", "person": NEW_PERSON}
    with CaptureQueriesContext(connection) as queries:
        outcome = perform(world["investigator"], "registry.participant.add", body, case=number)
    sql = [q["sql"] for q in queries.captured_queries]
    pid = outcome.result["person"]
    assert Person.objects.filter(pk=pid).exists()
    assert CaseParticipant.objects.filter(case_id=number, person_id=pid, role="suspect").exists()
    added = Event.objects.filter(stream=f"case/{number}", kind="registry.participant.add")
    assert added.count() == 1
    # One transaction (its savepoint pair here), nothing nested inside it.
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1, sql
    # The head row is locked (SQLite has no FOR UPDATE; there the transaction serialises).
    if connection.vendor == "postgresql":
        assert any("core_streamhead" in s and "FOR UPDATE" in s for s in sql), sql
    # The case is read once, by the access check, not again by the projector.
    assert sum(s.startswith("SELECT") and 'FROM "core_case"' in s for s in sql) == 1, sql
    assert len(sql) == EXPECTED_QUERIES[connection.vendor], "\n".join(sql)
    if connection.vendor == "postgresql":
        (appended,) = [s for s in sql if "INSERT INTO core_event" in s]
        assert "INSERT INTO core_outboxmessage" in appended, appended
        (added,) = [s for s in sql if "INSERT INTO core_caseparticipant" in s]
        assert "INSERT INTO core_person" in added and "core_duplicateflag" in added, added
    # The clock is read once, within the head lock's statement, not in a round trip of its own.
    clock_reads = [s for s in sql if "core_simclock" in s]
    assert len(clock_reads) == 1 and "core_streamhead" in clock_reads[0], clock_reads


def test_adding_a_known_person_again_in_the_same_role_is_still_refused(
    world: dict[str, Any],
) -> None:
    number = _open_case(world)
    body = {"role": "witness", "person": NEW_PERSON}
    pid = perform(world["investigator"], "registry.participant.add", body, case=number).result[
        "person"
    ]
    again = {"role": "witness", "person": {"id": pid}}
    with pytest.raises(Conflict):
        perform(world["investigator"], "registry.participant.add", again, case=number)
    as_victim = {"role": "victim", "person": {"id": pid}}
    perform(world["investigator"], "registry.participant.add", as_victim, case=number)
    roles = set(
        CaseParticipant.objects.filter(case_id=number, person_id=pid).values_list("role", flat=True)
    )
    assert roles == {"witness", "victim"}


def test_a_keyed_act_adds_only_its_receipt_and_a_retry_still_gets_the_first_answer(
    world: dict[str, Any],
) -> None:
    number = _open_case(world)
    investigator = world["investigator"]
    pid = perform(
        investigator,
        "registry.participant.add",
        {"role": "witness", "person": NEW_PERSON},
        case=number,
    ).result["person"]
    unkeyed = {"role": "victim", "person": {"id": pid}}
    with CaptureQueriesContext(connection) as plain:
        perform(investigator, "registry.participant.add", unkeyed, case=number)
    keyed = {"role": "suspect", "person": {"id": pid}}
    with CaptureQueriesContext(connection) as queries:
        first = perform(
            investigator, "registry.participant.add", keyed, case=number, idempotency_key="k-7"
        )
    sql = [q["sql"] for q in queries.captured_queries]
    # The receipt is written, never read first: one statement more than the same act unkeyed.
    assert len(sql) == len(plain.captured_queries) + 1, "\n".join(sql)
    assert [s for s in sql if "core_actreceipt" in s][0].startswith("INSERT"), sql
    assert not any(s.startswith("SELECT") and "core_actreceipt" in s for s in sql), sql
    # The retry would now be refused (the person is already a suspect here), and is answered
    # with the first answer; nothing is written twice.
    events = Event.objects.filter(stream=f"case/{number}").count()
    again = perform(
        investigator, "registry.participant.add", keyed, case=number, idempotency_key="k-7"
    )
    assert again.as_json() == first.as_json(for_storage=True)
    assert Event.objects.filter(stream=f"case/{number}").count() == events
    # Another act under the same key is a conflict, whether it would succeed or be refused.
    for other in (
        {"role": "witness", "person": {"id": pid}},
        {"role": "accused", "person": NEW_PERSON},
    ):
        with pytest.raises(Conflict, match="already used"):
            perform(
                investigator, "registry.participant.add", other, case=number, idempotency_key="k-7"
            )
    assert Event.objects.filter(stream=f"case/{number}").count() == events


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_an_act_s_statements_may_take_generic_plans_and_the_mode_ends_with_it(
    committing_db: None, world: dict[str, Any]
) -> None:
    """The connection plans every prepared statement for its values (settings:
    DB_PLAN_CACHE_MODE); an act's own transaction lets PostgreSQL choose (DB_ACT_PLAN_CACHE_MODE,
    set in the head lock's statement), and the mode ends with the act's transaction."""
    from django.conf import settings

    def mode() -> str:
        with connection.cursor() as cur:
            cur.execute("SELECT current_setting('plan_cache_mode')")
            return cur.fetchone()[0]

    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert settings.ACT_PLAN_CACHE_MODE == ("" if threshold is None else "auto")
    if threshold is None:  # nothing is prepared, so no plan is kept to choose between
        return
    number = _open_case(world)
    for n in range(threshold + 10):  # ten runs prepared: past PostgreSQL's five custom plans
        body = {"role": "witness", "person": {**NEW_PERSON, "given_name": f"Бакыт{n}"}}
        perform(world["investigator"], "registry.participant.add", body, case=number)
        assert mode() == "force_custom_plan"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "core_case" c WHERE c.number =%'],
        )
        assert cur.fetchone()[0] > 0
