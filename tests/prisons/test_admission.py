"""The prison register fed from a verdict in force: the convict is expected at the colony of the
region with no re-typing, admitted with a release date crediting every day held, transferred and
released at the end of the term — which closes the case when nothing else remains
(CPC 426(4); CEC 74, 75, 78, 159; CC 80(5), 88(4))."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management import call_command
from django.db import IntegrityError, transaction
from tests.courts.test_verdicts import created, refused
from tests.prisons.conftest import Convict, local, today

from icjis.core import clock
from icjis.core.models import Alert, CaseUnit
from icjis.legal.counting import local_date
from icjis.legal.models import Deadline
from icjis.prisons.models import Calculation, Prisoner


def test_a_verdict_in_force_expects_the_convict_at_the_colony_of_the_region(as_user, fixed_clock):
    con = Convict(as_user)
    ecli = con.convict()
    body = con.enter_into_force()
    expect = [r for r in body["reactions"] if r["event"]["kind"] == "prisons.admission.expect"]
    assert len(expect) == 1
    entry = Prisoner.objects.get(case_id=con.number, person_id=con.person)
    assert (entry.state, entry.expected_unit_id, entry.verdict) == ("expected", "GB-COL", ecli)
    assert entry.sentence["months"] == 36 and entry.sentence["regime"] == "general"
    assert entry.sentence["category"] == "less_grave" and entry.in_custody
    # The colony now holds the case (capacity prison), so its officer can read it.
    assert CaseUnit.objects.filter(case_id=con.number, unit_id="GB-COL", capacity="prison").exists()
    officer = as_user("prison_officer")
    listed = officer.get("/prisons/expected").json()
    assert [e["person"]["id"] for e in listed] == [con.person]
    assert as_user("prison_officer_osh").get("/prisons/expected").json() == []
    case = officer.get(f"/cases/{con.number}")
    assert case.status_code == 200 and case.json()["stage"] == "execution"


def test_admission_credits_the_days_in_ivs_and_in_custody_exactly(as_user, fixed_clock):
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    # Hand computation. Arrested Monday 3 February 2031 at 07:00 (detained_at), custody ordered
    # on Tuesday 4 February; the trial opened on 10 February and the verdict was delivered and
    # served that day, so it entered into force 31 days later, on Thursday 13 March 2031.
    assert (con.arrested_on, con.custody_on, con.in_force_on) == (
        date(2031, 2, 3),
        date(2031, 2, 4),
        date(2031, 3, 13),
    )
    # Held in custody at entry into force, the term starts that day (CC 80(5)).
    # Days in IVS: 3 and 4 February = 2. Days in custody: 5 February to 12 March
    # = 24 (5-28 Feb) + 12 (1-12 Mar) = 36. Held 38 days, credited 1 for 2 (CC 80(5)) = 76.
    # 36 months from 13.03.2031 expire on 13.03.2034; the last day is 12.03.2034 (CEC 159(2)).
    # Less 76 days: 12.03 − 12 = 28.02.2034 (64 left), − 28 = 31.01.2034 (36 left),
    # − 31 = 31.12.2033 (5 left), − 5 = 26.12.2033, a Monday: released that day.
    assert date(2034, 3, 12) - timedelta(days=76) == date(2033, 12, 26)
    assert date(2033, 12, 26).weekday() == 0
    # Parole (less grave, 2/3, CC 88(4)(1)): the term is 1096 days (13.03.2031-13.03.2034, 2032
    # a leap year); 2/3 × 1096 = 730.67 → 731 days to serve, 76 credited: 655 days from the
    # start: 13.03.2031 + 293 days = 31.12.2031, and 655 − 293 = 362 → the 362nd day of 2032
    # (a leap year of 366) = 27.12.2032.
    assert date(2031, 3, 13) + timedelta(days=655) == date(2032, 12, 27)
    before = Deadline.objects.get(case_id=con.number, rule="verdict.execution")
    assert before.state == "running"
    officer = as_user("prison_officer")
    body = created(
        officer.act("prisons.admit", {"person": con.person, "facility": "GB-COL"}, con.number)
    )
    result = body["result"]
    assert result["release_date"] == "2033-12-26"
    assert result["parole_eligible_on"] == "2032-12-27"
    calc = result["calculation"]
    assert calc["inputs"]["ivs_days"] == 2
    assert calc["inputs"]["custody_days"] == 36
    assert calc["inputs"]["house_arrest_days"] == 0
    assert (calc["credit_days"], calc["start"]) == (76, "2031-03-13")
    assert calc["term_end"] == "2034-03-12"
    assert calc["term_last_day"] == "2033-12-26" and calc["rule_version"] == "kg-2021-prisons/1"
    en = "\n".join(calc["breakdown"]["en"])
    assert "Days in temporary detention (IVS): 2." in en
    assert "Days in custody ordered by the judge: 36." in en
    assert "Term: 36 months" in en and "CC 80(5)" in en and "CEC 159(2)" in en
    assert "Дней в ИВС (задержание): 2." in calc["breakdown"]["ru"]
    assert "Убактылуу кармоо жайында (УКЖ) болгон күндөр: 2." in calc["breakdown"]["ky"]
    # Turning the verdict to execution (CPC 426(4)) is met by the admission.
    execution = Deadline.objects.get(case_id=con.number, rule="verdict.execution")
    assert execution.state == "met"
    entry = Prisoner.objects.get(case_id=con.number, person_id=con.person)
    assert (entry.state, entry.facility_id) == ("held", "GB-COL")
    # The officer reads the calculation; the read is logged.
    shown = officer.get(f"/prisons/prisoners/{con.person}").json()
    current = shown["entries"][0]["calculations"][0]
    assert current["release_date"] == "2033-12-26" and current["current"]
    population = officer.get("/prisons/population").json()
    assert [(f["facility"], f["held"], f["expected"]) for f in population] == [("GB-COL", 1, 0)]


def test_house_arrest_is_credited_five_days_for_one_until_entry_into_force(as_user, fixed_clock):
    con = Convict(as_user, at_liberty=True, house_arrest=True)
    con.convict()
    con.enter_into_force()
    # Hand computation. House arrest ordered on Tuesday 4 February 2031; the verdict entered
    # into force on Thursday 13 March with the convict at liberty under house arrest. Days
    # under house arrest until then: 25 (4-28 Feb) + 12 (1-12 Mar) = 37; credited 5 for 1,
    # rounded down (CC 80(6)(1)): 7 days. Admitted a week later, on 20 March 2031: the term
    # starts that day, and the week after entry into force is not credited.
    assert (con.house_arrest_on, con.in_force_on) == (date(2031, 2, 4), date(2031, 3, 13))
    clock.advance(timedelta(days=7))
    assert today() == date(2031, 3, 20)
    # 36 months: last day 19.03.2034; less 7 = 12.03.2034, a Sunday → released on Friday
    # 10.03.2034 (CEC 159(2)). Parole (2/3 of 1096 days = 731, less 7 = 724 days): 286 days
    # to 31.12.2031, 366 in 2032, then the 72nd day of 2033 = 13.03.2033.
    assert date(2034, 3, 12).weekday() == 6
    assert date(2031, 3, 20) + timedelta(days=724) == date(2033, 3, 13)
    officer = as_user("prison_officer")
    admit = {"person": con.person, "facility": "GB-COL"}
    result = created(officer.act("prisons.admit", admit, con.number))["result"]
    calc = result["calculation"]
    assert (calc["inputs"]["ivs_days"], calc["inputs"]["custody_days"]) == (0, 0)
    assert calc["inputs"]["house_arrest_days"] == 37
    assert (calc["house_arrest_credit"], calc["credit_days"]) == (7, 7)
    assert calc["inputs"]["start_reason"] == "admission" and calc["start"] == "2031-03-20"
    assert (result["release_date"], result["parole_eligible_on"]) == ("2034-03-10", "2033-03-13")
    assert "Days under house arrest: 37." in calc["breakdown"]["en"]


def test_transfer_then_release_at_term_closes_the_case(as_user, fixed_clock):
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    gb, osh = as_user("prison_officer"), as_user("prison_officer_osh")
    data = {"person": con.person, "facility": "GB-COL"}
    release_date = created(gb.act("prisons.admit", data, con.number))["result"]["release_date"]

    # Osh's officer cannot yet see the prisoner; after the transfer Osh holds them.
    assert osh.get(f"/prisons/prisoners/{con.person}").status_code == 404
    moved = created(
        gb.act("prisons.transfer", {"person": con.person, "facility": "OSH-COL"}, con.number)
    )
    assert moved["result"] == {
        "prisoner": moved["result"]["prisoner"],
        "from": "GB-COL",
        "facility": "OSH-COL",
    }
    again = refused(
        osh.act("prisons.transfer", {"person": con.person, "facility": "OSH-COL"}, con.number), 409
    )
    assert "already held at OSH-COL" in again["message"]
    assert osh.get(f"/prisons/prisoners/{con.person}").status_code == 200
    # Gone from Bishkek's population.
    assert gb.get("/prisons/population").json()[0]["held"] == 0

    early = refused(
        osh.act("prisons.release", {"person": con.person, "grounds": "end_of_term"}, con.number),
        409,
    )
    assert release_date in early["message"] and "CEC 159" in early["message"]
    clock.set_to(local(*map(int, release_date.split("-")), hour=8))
    released = created(
        osh.act("prisons.release", {"person": con.person, "grounds": "end_of_term"}, con.number)
    )
    assert released["result"]["case_closed"] is True
    assert as_user("prosecutor").get(f"/cases/{con.number}").json()["stage"] == "closed"
    assert Prisoner.objects.get(case_id=con.number).state == "released"
    call_command("rebuild_projections", check=True)


def test_the_register_never_holds_a_person_twice(as_user, fixed_clock):
    first = Convict(as_user)
    first.convict()
    first.enter_into_force()
    officer = as_user("prison_officer")
    created(
        officer.act("prisons.admit", {"person": first.person, "facility": "GB-COL"}, first.number)
    )
    # The same person convicted in a second case (at liberty there): expected, routed to manual
    # calculation (two verdicts to combine), and refused admission while held under the first.
    person = {"id": first.person}
    second = Convict(as_user, accused=(person,), at_liberty=True)
    second.convict()
    second.enter_into_force()
    entry = Prisoner.objects.get(case_id=second.number)
    assert "CC 79" in entry.manual_reason
    assert Alert.objects.filter(kind="prisons.manual_calculation", case_id=second.number).exists()
    answer = refused(
        officer.act("prisons.admit", {"person": first.person, "facility": "GB-COL"}, second.number),
        409,
    )
    assert "already held at GB-COL" in answer["message"] and first.number in answer["message"]
    # The database holds the line too.
    with transaction.atomic(), __import__("pytest").raises(IntegrityError):
        Prisoner.objects.filter(pk=entry.pk).update(state="held")


def test_an_officer_admits_only_to_their_own_colony(as_user, fixed_clock):
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    officer = as_user("prison_officer")
    other = refused(
        officer.act("prisons.admit", {"person": con.person, "facility": "OSH-COL"}, con.number), 403
    )
    assert "OSH-COL" in other["message"]
    # Osh's officer does not even see the case.
    refused(
        as_user("prison_officer_osh").act(
            "prisons.admit", {"person": con.person, "facility": "OSH-COL"}, con.number
        ),
        404,
    )
    assert not Calculation.objects.exists()
    assert local_date(clock.now()) == today()
