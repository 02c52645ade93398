"""Releases on the grounds of CEC 158, each with its document: parole by the court's decision
(handing the parolee to probation with the end of the unserved part), amnesty, pardon; the
case closes only when nothing else remains to be served (CEC 158-160; CC 88, 90, 93, 94)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from tests.courts.test_verdicts import created, refused
from tests.prisons.conftest import ACCUSED, PRISON, SECOND, Convict, today

from icjis.core import clock
from icjis.core.models import Event
from icjis.prisons.models import Prisoner


def admitted(as_user, **kw) -> Convict:
    con = Convict(as_user, **kw)
    con.convict()
    con.enter_into_force()
    officer = as_user("prison_officer")
    for person in con.persons:
        created(officer.act("prisons.admit", {"person": person, "facility": "GB-COL"}, con.number))
    return con


def test_parole_needs_the_courts_decision_and_hands_the_parolee_to_probation(as_user, fixed_clock):
    con = admitted(as_user)
    officer = as_user("prison_officer")
    bare = {"person": con.person, "grounds": "parole"}
    missing = refused(officer.act("prisons.release", bare, con.number), 400)
    assert set(missing["fields"]) == {"court", "document", "document_date"}
    assert "court's decision on parole" in missing["message"]
    assert missing["message"].endswith(": give court, document, document_date.")
    future = {
        **bare,
        "court": "GB-SUD",
        "document": "№ 4-512/2032",
        "document_date": (today() + timedelta(days=1)).isoformat(),
    }
    assert refused(officer.act("prisons.release", future, con.number), 400)["fields"] == {
        "document_date": "in the future"
    }
    entry = Prisoner.objects.get(case_id=con.number)
    # The court grants parole once the part is served (the register does not second-guess it).
    clock.set_to(clock.now() + timedelta(days=(entry.parole_date - today()).days))
    decision = {**future, "document_date": today().isoformat()}
    body = created(officer.act("prisons.release", decision, con.number))
    result = body["result"]
    # Supervision runs to the end of the unserved part: the term's last day after credit
    # (26.12.2033, see test_admission), within three years of release (CC 90(2)).
    assert result["supervision_until"] == "2033-12-26"
    assert result["case_closed"] is False
    event = Event.objects.get(stream=f"case/{con.number}", kind="prisons.release")
    data = event.payload
    assert (data["person"], data["supervision_until"], data["grounds"]) == (
        con.person,
        "2033-12-26",
        "parole",
    )
    assert data["court"] == "GB-SUD" and data["document"] == "№ 4-512/2032"
    kinds = [r["event"]["kind"] for r in body["reactions"]]
    assert "probation.register" in kinds
    assert as_user("prosecutor").get(f"/cases/{con.number}").json()["stage"] == "execution"
    call_command("rebuild_projections", check=True)


def test_parole_supervision_is_at_most_three_years_even_when_given(as_user, fixed_clock):
    """CC 90(2): within the unserved part of the term "but not more than three years" — a date
    the officer gives is held to the same cap as the one the system computes."""
    # Murder under aggravating circumstances (CC 122(2), especially grave): 15 years, parole
    # after three quarters, so more than three years remain unserved at parole.
    con = Convict(as_user)
    row = {"outcome": "convicted", "article": "122", "part": 2}
    con.convict(rows=[{"person": con.person, **row, "sentence": {**PRISON, "months": 180}}])
    con.enter_into_force()
    created(
        as_user("prison_officer").act(
            "prisons.admit", {"person": con.person, "facility": "GB-COL"}, con.number
        )
    )
    officer = as_user("prison_officer")
    entry = Prisoner.objects.get(case_id=con.number)
    clock.set_to(clock.now() + timedelta(days=(entry.parole_date - today()).days))
    released = today()
    assert (entry.release_date - released).days > 3 * 366  # the unserved part exceeds the cap
    cap = released.replace(year=released.year + 3)
    decision = {
        "person": con.person,
        "grounds": "parole",
        "court": "GB-SUD",
        "document": "№ 4-77/2035",
        "document_date": released.isoformat(),
    }
    beyond = {**decision, "supervision_until": (cap + timedelta(days=1)).isoformat()}
    body = refused(officer.act("prisons.release", beyond, con.number), 400)
    assert "CC 90(2)" in body["message"] and cap.isoformat() in body["message"]
    assert not Event.objects.filter(stream=f"case/{con.number}", kind="prisons.release").exists()
    given = {**decision, "supervision_until": cap.isoformat()}
    assert (
        created(officer.act("prisons.release", given, con.number))["result"]["supervision_until"]
        == cap.isoformat()
    )


def test_amnesty_and_pardon_each_need_their_act_and_close_the_case_after_the_last(
    as_user, fixed_clock
):
    con = admitted(as_user, accused=(ACCUSED, SECOND))
    first, second = con.persons
    officer = as_user("prison_officer")
    no_act = refused(
        officer.act("prisons.release", {"person": first, "grounds": "amnesty"}, con.number), 400
    )
    assert "act of amnesty" in no_act["message"] and "CC 93" in no_act["message"]
    amnesty = {
        "person": first,
        "grounds": "amnesty",
        "document": "Закон КР об амнистии № 12",
        "document_date": today().isoformat(),
    }
    one = created(officer.act("prisons.release", amnesty, con.number))["result"]
    assert one["case_closed"] is False  # the second convict still serves
    assert as_user("prosecutor").get(f"/cases/{con.number}").json()["stage"] == "execution"
    again = refused(officer.act("prisons.release", amnesty, con.number), 409)
    assert "not held" in again["message"]

    no_decree = refused(
        officer.act("prisons.release", {"person": second, "grounds": "pardon"}, con.number), 400
    )
    assert "CC 94" in no_decree["message"]
    pardon = {
        "person": second,
        "grounds": "pardon",
        "document": "Указ Президента № УП-77",
        "document_date": today().isoformat(),
    }
    two = created(officer.act("prisons.release", pardon, con.number))["result"]
    assert two["case_closed"] is True
    assert as_user("prosecutor").get(f"/cases/{con.number}").json()["stage"] == "closed"
    call_command("rebuild_projections", check=True)


def test_releases_due_lists_prisoners_by_their_release_date(as_user, fixed_clock):
    con = admitted(as_user)
    officer = as_user("prison_officer")
    entry = Prisoner.objects.get(case_id=con.number)
    clock.set_to(clock.now() + timedelta(days=(entry.release_date - today()).days - 10))
    days = (entry.release_date - today()).days
    assert days == 10
    assert officer.get("/prisons/releases-due", days=days - 1).json() == []
    due = officer.get("/prisons/releases-due", days=days).json()
    assert [(d["person"]["id"], d["release_date"]) for d in due] == [
        (con.person, entry.release_date.isoformat())
    ]
    assert as_user("prison_officer_osh").get("/prisons/releases-due", days=days).json() == []
