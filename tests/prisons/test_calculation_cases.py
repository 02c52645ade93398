"""Calculations beyond the plain case: a verdict modified on appeal, a recalculation that keeps
the calculation it replaces, and sentences the rules do not cover, routed to the prison officer
with the reason and calculated by hand (CPC 417, 426(2); CC 78-80, 88; CEC 159(2))."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management import call_command
from tests.courts.test_verdicts import THEFT, created, refused
from tests.prisons.conftest import PRISON, Convict, today

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.models import Alert
from icjis.courts.models import VerdictDefendant
from icjis.prisons.acts import recalculate_on_appeal
from icjis.prisons.models import Calculation, Prisoner
from icjis.prisons.sentence import MANUAL_REASONS


def test_a_sentence_modified_on_appeal_is_the_one_the_colony_expects(as_user, fixed_clock):
    con = Convict(as_user)
    ecli = con.convict()
    appeal = {"person": con.person, "grounds": "Чрезмерно сурово (CPC 422)"}
    filed = created(as_user("lawyer").act("courts.appeal.file", appeal, con.number))
    clock.advance(timedelta(days=31))
    created(as_user("court_clerk").act("courts.appeal.send", {}, con.number))
    milder = {"person": con.person, "outcome": "convicted", **THEFT}
    milder["sentence"] = {**PRISON, "months": 30}
    decision = {"appeal": filed["result"]["appeal"], "outcome": "modified", "changes": [milder]}
    body = created(as_user("appeal_judge").act("courts.appeal.decide", decision, con.number))
    in_force = body["reactions"][0]
    assert in_force["event"]["kind"] == "courts.verdict.enter_into_force"
    kinds = [r["event"]["kind"] for r in in_force["reactions"]]
    assert "prisons.admission.expect" in kinds
    entry = Prisoner.objects.get(case_id=con.number)
    assert (entry.verdict, entry.sentence["months"]) == (ecli, 30)
    # Built from the modified verdict, the expectation needs no recalculation.
    assert not [r for r in body["reactions"] if r["event"]["kind"].startswith("prisons.sentence")]
    result = created(
        as_user("prison_officer").act(
            "prisons.admit", {"person": con.person, "facility": "GB-COL"}, con.number
        )
    )["result"]
    assert result["calculation"]["breakdown"]["en"][0].startswith("Term: 30 months")
    call_command("rebuild_projections", check=True)


def test_a_recalculation_keeps_the_calculation_it_replaces(as_user, fixed_clock):
    con = Convict(as_user)
    ecli = con.convict()
    con.enter_into_force()
    officer = as_user("prison_officer")
    data = {"person": con.person, "facility": "GB-COL"}
    first = created(officer.act("prisons.admit", data, con.number))["result"]
    # A later review of the verdict (cassation, which the courts module has not built yet)
    # changes the term to 24 months; the register row stands in for its decision here.
    row = VerdictDefendant.objects.get(verdict_id=ecli, person_id=con.person)
    VerdictDefendant.objects.filter(pk=row.pk).update(months=24)
    case = Prisoner.objects.get(case_id=con.number).case
    ctx = acts.Context(
        user=SYSTEM_USER, actor=None, kind=None, input=None, now=clock.now(), case=case
    )
    decided = {"outcome": "modified", "verdict": ecli, "appeal": "AP-X-1"}
    caused = list(
        recalculate_on_appeal(ctx, None, {**decided, "changes": [{"person": con.person}]})
    )
    assert [(r.kind, r.data["reason"]) for r in caused] == [
        ("prisons.sentence.recalculate", "appeal_modified")
    ]
    outcome = acts.perform(SYSTEM_USER, caused[0].kind, caused[0].data, case=con.number)
    new = outcome.result["calculation"]
    assert outcome.result["supersedes"].endswith("#1")
    # 12 months fewer: 26.12.2033 − 12 months' worth of the term. 24 months from 13.03.2031
    # end on 12.03.2033; less the same 76 days credited = 26.12.2032, a Sunday → Friday
    # 24.12.2032 (CEC 159(2)).
    assert date(2033, 3, 12) - timedelta(days=76) == date(2032, 12, 26)
    assert new["term_last_day"] == "2032-12-26" and new["release_date"] == "2032-12-24"
    assert first["release_date"] == "2033-12-26"
    calcs = list(Calculation.objects.filter(prisoner__case_id=con.number).order_by("n"))
    assert [(c.n, c.reason, c.superseded_at is None) for c in calcs] == [
        (1, "admission", False),
        (2, "appeal_modified", True),
    ]
    shown = officer.get(f"/prisons/prisoners/{con.person}").json()["entries"][0]
    assert [c["release_date"] for c in shown["calculations"]] == ["2032-12-24", "2033-12-26"]
    assert shown["release_date"] == "2032-12-24"
    # The officer may record a correction by hand too; the earlier ones are kept.
    created(officer.act("prisons.sentence.recalculate", {"person": con.person}, con.number))
    assert Calculation.objects.filter(prisoner__case_id=con.number).count() == 3


def test_imprisonment_under_several_articles_goes_to_manual_calculation(as_user, fixed_clock):
    con = Convict(as_user)
    rows = [
        {"person": con.person, "outcome": "convicted", **THEFT, "sentence": PRISON},
        {
            "person": con.person,
            "outcome": "convicted",
            "article": "206",
            "part": 1,
            "sentence": {**PRISON, "months": 12},
        },
    ]
    con.convict(rows=rows)
    con.enter_into_force()
    entry = Prisoner.objects.get(case_id=con.number)
    assert "CC 78" in entry.manual_reason and "205, 206" in entry.manual_reason
    officer = as_user("prison_officer")
    alerts = officer.get("/alerts").json()
    told = [a for a in alerts if a["kind"] == "prisons.manual_calculation"]
    assert len(told) == 1 and con.number in told[0]["message"]
    # The alert keeps its sentence, the reason inside it by its own template, for a page to say.
    kept = Alert.objects.get(kind="prisons.manual_calculation", case_id=con.number).said
    reason = kept["values"]["reason"]
    assert reason["template"] in MANUAL_REASONS and "several articles" in reason["template"]
    assert reason["values"] == {"articles": "205, 206"}
    assert not Alert.objects.filter(kind="prisons.manual_calculation", roles__contains="judge")

    admit = {"person": con.person, "facility": "GB-COL"}
    result = created(officer.act("prisons.admit", admit, con.number))["result"]
    assert result["release_date"] is None and "CC 78" in result["manual"]
    assert result["start_date"] == con.in_force_on.isoformat()
    assert Alert.objects.filter(kind="prisons.manual_calculation", state="open").count() == 1
    ended = refused(
        officer.act(
            "prisons.release", {"person": con.person, "grounds": "end_of_term"}, con.number
        ),
        409,
    )
    assert "manual calculation" in ended["message"]

    by_hand = {
        "person": con.person,
        "start_date": today().isoformat(),
        "term_last_day": "2034-09-12",
        "release_date": "2034-09-12",
        "parole_eligible_on": "2033-01-10",
        "explanation": "Partial addition under CC 78(3): 36 + 6 months; credit 76 days.",
    }
    wrong = {**by_hand, "release_date": "2035-01-01"}
    assert refused(officer.act("prisons.sentence.record_manual", wrong, con.number), 400)
    body = created(officer.act("prisons.sentence.record_manual", by_hand, con.number))
    assert body["result"]["calculation"]["method"] == "manual"
    entry.refresh_from_db()
    assert (entry.release_date, entry.manual_reason) == (date(2034, 9, 12), "")
    # The alert is answered by the calculation.
    assert not [
        a for a in officer.get("/alerts").json() if a["kind"] == "prisons.manual_calculation"
    ]
    call_command("rebuild_projections", check=True)
