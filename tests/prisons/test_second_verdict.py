"""A second verdict of imprisonment for a person already in the register: sentences under
several verdicts are combined by the court (CC 79), so the register never calculates them by
its rules; the officer records the combined sentence by hand (also on an entry still expected)
and ends the other entry as merged into the one served, naming the court's decision. Two
admissions of the same person racing on PostgreSQL: one is admitted, the other refused."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from tests.courts.test_verdicts import created, refused
from tests.prisons.conftest import Convict, today

from icjis.core import acts
from icjis.core.ledger import verify_chains
from icjis.core.models import Alert, Case, Event, User
from icjis.core.refusals import Conflict
from icjis.prisons.models import Calculation, Prisoner


def twice(as_user, *, first_held: bool) -> tuple[Convict, Convict]:
    """One person convicted in two cases, both verdicts in force; held under the first when
    `first_held` (in custody there and admitted), else at liberty in both and expected twice."""
    officer = as_user("prison_officer")
    first = Convict(as_user, at_liberty=not first_held)
    first.convict()
    first.enter_into_force()
    if first_held:
        admit = {"person": first.person, "facility": "GB-COL"}
        created(officer.act("prisons.admit", admit, first.number))
    second = Convict(as_user, accused=({"id": first.person},), at_liberty=True)
    second.convict()
    second.enter_into_force()
    return first, second


def decision(first: Convict) -> dict[str, str]:
    return {
        "person": first.person,
        "into_case": first.number,
        "court": "GB-SUD",
        "document": "№ 1-88/2031",
        "document_date": today().isoformat(),
    }


def hand(start: str, release: str, last: str) -> dict[str, str]:
    return {
        "start_date": start,
        "release_date": release,
        "term_last_day": last,
        "explanation": "Sentences of both verdicts combined by the court under CC 79: 48 months.",
    }


def test_a_held_convicts_second_entry_is_merged_into_the_one_served(as_user, fixed_clock):
    first, second = twice(as_user, first_held=True)
    officer = as_user("prison_officer")
    person = first.person
    entry = Prisoner.objects.get(case_id=second.number)
    assert entry.state == "expected" and "CC 79" in entry.manual_reason
    answer = refused(
        officer.act("prisons.admit", {"person": person, "facility": "GB-COL"}, second.number), 409
    )
    assert "prisons.admission.merge" in answer["message"] and first.number in answer["message"]
    # Merged only into an open entry of the same person, by the colony serving it.
    nowhere = refused(
        officer.act(
            "prisons.admission.merge", {**decision(first), "into_case": "X"}, second.number
        ),
        409,
    )
    assert "CC 79" in nowhere["message"]
    osh = as_user("prison_officer_osh")
    assert osh.act("prisons.admission.merge", decision(first), second.number).status_code in (
        403,
        404,
    )
    merged = created(officer.act("prisons.admission.merge", decision(first), second.number))
    held = Prisoner.objects.get(case_id=first.number)
    assert merged["result"]["into"] == held.id and merged["result"]["case_closed"] is True
    assert Prisoner.objects.get(pk=entry.pk).state == "merged"
    assert Case.objects.get(pk=second.number).stage == "closed"
    assert not Alert.objects.filter(
        kind="prisons.manual_calculation", case_id=second.number, state="open"
    ).exists()
    # The combined sentence is recorded by hand on the entry served; the rules' one is kept.
    start = held.start_date.isoformat()
    combined = {"person": person, **hand(start, "2035-02-01", "2035-02-01")}
    created(officer.act("prisons.sentence.record_manual", combined, first.number))
    held.refresh_from_db()
    assert held.release_date.isoformat() == "2035-02-01"
    assert Calculation.objects.filter(prisoner=held).count() == 2
    call_command("rebuild_projections", check=True)


def test_a_sentence_expected_twice_is_calculated_by_hand_and_kept_at_admission(
    as_user, fixed_clock
):
    first, second = twice(as_user, first_held=False)
    officer = as_user("prison_officer")
    person = first.person
    assert Prisoner.objects.filter(person_id=person, state="expected").count() == 2
    # Calculated by hand while still expected, by the colony expecting the convict only.
    start = today().isoformat()
    combined = {"person": person, **hand(start, "2035-03-01", "2035-03-01")}
    osh = as_user("prison_officer_osh")
    assert osh.act("prisons.sentence.record_manual", combined, second.number).status_code in (
        403,
        404,
    )
    created(officer.act("prisons.sentence.record_manual", combined, second.number))
    entry = Prisoner.objects.get(case_id=second.number)
    assert entry.release_date.isoformat() == "2035-03-01" and entry.state == "expected"
    # The first verdict's entry is merged into the second; the admission keeps the hand figures.
    into = {**decision(first), "into_case": second.number}
    created(officer.act("prisons.admission.merge", into, first.number))
    admitted = created(
        officer.act("prisons.admit", {"person": person, "facility": "GB-COL"}, second.number)
    )["result"]
    assert admitted["kept_calculation"] == f"{entry.id}#1"
    assert admitted["release_date"] == "2035-03-01"
    entry.refresh_from_db()
    assert (entry.state, entry.release_date.isoformat()) == ("held", "2035-03-01")
    assert Calculation.objects.filter(prisoner=entry).count() == 1
    call_command("rebuild_projections", check=True)


def test_admission_while_expected_under_another_verdict_goes_to_manual_calculation(
    as_user, fixed_clock
):
    first, second = twice(as_user, first_held=False)
    # The first entry was expected when no other existed: calculated by the rules, unless at
    # admission another verdict is found to combine.
    assert Prisoner.objects.get(case_id=first.number).manual_reason == ""
    officer = as_user("prison_officer")
    body = created(
        officer.act("prisons.admit", {"person": first.person, "facility": "GB-COL"}, first.number)
    )
    result = body["result"]
    assert result["release_date"] is None
    assert "CC 79" in result["manual"] and second.number in result["manual"]
    assert not Calculation.objects.filter(prisoner__case_id=first.number).exists()
    [told] = [a for a in officer.get("/alerts").json() if a["case"] == first.number]
    assert told["kind"] == "prisons.manual_calculation" and "CC 79" in told["message"]
    assert Event.objects.filter(stream=f"case/{first.number}", kind="prisons.admit").count() == 1
    # The prison officer may acknowledge the alerts addressed to them.
    created(officer.act("alerts.acknowledge", {"alert": told["id"], "note": "Запрошен суд"}))
    assert Alert.objects.get(pk=told["id"]).state == "acknowledged"


@pytest.mark.postgres
def test_two_admissions_of_one_person_racing_admit_one(committing_db, as_user, fixed_clock):
    """Two officers admit the same person under two cases at the same instant (each case
    stream has its own lock): one is admitted, the other refused with a sentence to act on;
    the register holds the person once and no event of the refused act is written."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked in the PostgreSQL pass")
    first, second = twice(as_user, first_held=False)
    person = first.person
    outcomes: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def admit(i: int) -> None:
        number = (first, second)[i].number
        try:
            officer = User.objects.get(username="prison_officer")
            barrier.wait()
            data = {"person": person, "facility": "GB-COL"}
            acts.perform(officer, "prisons.admit", data, case=number)
            outcomes[i] = "admitted"
        except Conflict as refusal:
            outcomes[i] = str(refusal)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(outcomes) == [0, 1]
    assert list(outcomes.values()).count("admitted") == 1
    (refusal,) = [m for m in outcomes.values() if m != "admitted"]
    assert "the register holds a person once" in refusal
    assert Prisoner.objects.filter(person_id=person, state="held").count() == 1
    streams = [f"case/{first.number}", f"case/{second.number}"]
    assert Event.objects.filter(stream__in=streams, kind="prisons.admit").count() == 1
    assert verify_chains()[1] == []


def test_the_commission_sends_an_expected_convict_to_another_colony(as_user, fixed_clock):
    """CEC 74(1): the colony is decided by the penitentiary service's commission; the colony of
    the case's region, which the system chose, records the decision and the other admits."""
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    gb, osh = as_user("prison_officer"), as_user("prison_officer_osh")
    admit_osh = {"person": con.person, "facility": "OSH-COL"}
    refused(osh.act("prisons.admit", admit_osh, con.number), 404)  # not theirs to read yet
    sending = {
        "person": con.person,
        "facility": "OSH-COL",
        "decision": "Решение комиссии ГСИН № 17",
        "grounds": "Раздельное содержание",
    }
    refused(osh.act("prisons.admission.redirect", sending, con.number), 404)
    wrong = refused(
        gb.act("prisons.admission.redirect", {**sending, "facility": "GB-SUD"}, con.number), 400
    )
    assert wrong["fields"] == {"facility": "not a prison"}
    created(gb.act("prisons.admission.redirect", sending, con.number))
    entry = Prisoner.objects.get(case_id=con.number)
    assert entry.expected_unit_id == "OSH-COL"
    # The region's colony no longer admits; the commission's colony does.
    answer = refused(gb.act("prisons.admit", {**admit_osh, "facility": "GB-COL"}, con.number), 409)
    assert "OSH-COL" in answer["message"] and "CEC 74(1)" in answer["message"]
    created(osh.act("prisons.admit", admit_osh, con.number))
    assert Prisoner.objects.get(pk=entry.pk).facility_id == "OSH-COL"
    call_command("rebuild_projections", check=True)
