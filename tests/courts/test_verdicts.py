"""Verdicts and the register of court decisions: the presiding judge delivers a verdict structured
per defendant and article, with an ECLI gap-free per court and year and the time in custody to
credit; unappealed, it enters into force when the 30 days have run — recorded by the worker — and
those who execute sentences read it in the register (CPC 344-360, 400(1), 426; CC 80)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from icjis.core import clock, jobs
from icjis.core.canonical import iso
from icjis.core.models import PersonSighting
from icjis.courts.models import CourtCase, Verdict, VerdictDefendant
from icjis.courts.verdicts import appeal_due
from icjis.legal.counting import local_date, parse_moment
from icjis.legal.custody_time import held_before
from icjis.legal.models import Deadline

ACCUSED = {
    "surname": "Жумабеков",
    "given_name": "Нурлан",
    "patronymic": "Маратович",
    "birth_date": "1991-03-14",
    "sex": "M",
    "citizenship": "KGZ",
}
OTHER = {"surname": "Садыкова", "given_name": "Айпери", "birth_date": "1994-07-02", "sex": "F"}
THEFT = {"article": "205", "part": 3}  # less grave: fine or 2 to 5 years' imprisonment
PRISON = {"kind": "imprisonment", "months": 36, "regime": "general"}


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


class Trial:
    """A theft case walked from the report to a trial under way: the accused (arrested, with
    chosen counsel `lawyer`, unless `at_liberty`), the court case and its drawn judge."""

    def __init__(self, as_user: Any, *, at_liberty: bool = False, accused: dict = ACCUSED) -> None:
        self.as_user = as_user
        report = {
            "channel": "in_person",
            "summary": "Кража из квартиры",
            "place": {"region": "KG-GB"},
        }
        body = created(as_user("registrar").act("registry.report.register", report))
        self.number = n = body["result"]["case"]
        inv = as_user("investigator")
        created(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, n))
        created(inv.act("registry.case.open", THEFT, n))
        suspect = {"role": "suspect", "person": accused}
        self.person = p = created(inv.act("registry.participant.add", suspect, n))["result"][
            "person"
        ]
        self.arrested: date | None = None
        if not at_liberty:
            now = inv.get("/clock").json()["now"]
            self.arrested = local_date(parse_moment(now, end_of_date=False))
            arrest = {
                "person": p,
                "detained_at": now,
                "place": "ул. Токтогула",
                "grounds": "Застигнут при совершении (CPC 96(2))",
            }
            created(inv.act("detention.arrest", arrest, n))
        else:
            created(inv.act("registry.suspicion.notify", {"person": p}, n))
        counsel = {"person": p, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
        created(inv.act("legalaid.private_counsel", counsel, n))
        if not at_liberty:
            created(inv.act("registry.suspicion.notify", {"person": p}, n))
        created(inv.act("registry.charge", {"person": p, **THEFT}, n))
        created(inv.act("registry.indictment.submit", {}, n))
        created(as_user("prosecutor").act("registry.indictment.approve", {"court": "GB-SUD"}, n))
        self.court_case = CourtCase.objects.get(case_id=n, instance="first")
        self.judge = self.court_case.judge

    def open(self) -> None:
        """The judge sets the hearing 6 days ahead (CPC 280(6)) and opens the trial at it."""
        starts = clock.now() + timedelta(days=6)
        body = created(
            self.as_user(self.judge).act(
                "courts.hearing.schedule", {"starts_at": iso(starts), "room": "3"}, self.number
            )
        )
        clock.advance(timedelta(days=6, minutes=1))
        hearing = body["result"]["hearing"]
        created(
            self.as_user(self.judge).act("courts.trial.open", {"hearing": hearing}, self.number)
        )

    def deliver(self, *rows: dict[str, Any], judge: str | None = None) -> Any:
        rows = rows or (
            {"person": self.person, "outcome": "convicted", **THEFT, "sentence": PRISON},
        )
        return self.as_user(judge or self.judge).act(
            "courts.verdict.deliver", {"defendants": list(rows)}, self.number
        )

    def verdict(self) -> Verdict:
        return Verdict.objects.get(case_id=self.number, state__in=("delivered", "in_force"))

    def stage(self) -> str:
        return self.as_user("prosecutor").get(f"/cases/{self.number}").json()["stage"]


def unshifted_term() -> None:
    """Move the clock to a day whose 30-day appeal term ends on its 30th day (not moved off a
    weekend or holiday), so that 31 days later it has run whatever day the tests run on."""
    while appeal_due(clock.now()) >= clock.now() + timedelta(days=31):
        clock.advance(timedelta(days=1))


def test_a_conviction_enters_into_force_31_days_on_and_is_in_the_register(ordinary_day, as_user):
    trial = Trial(as_user)
    trial.open()
    unshifted_term()
    body = created(trial.deliver())
    ecli = body["result"]["verdict"]
    year = local_date(clock.now()).year
    assert re.fullmatch(rf"ECLI:KG:GBSUD:{year}:\d+", ecli)

    verdict = trial.verdict()
    assert (verdict.state, verdict.judge, verdict.court_id) == ("delivered", trial.judge, "GB-SUD")
    row = VerdictDefendant.objects.get(verdict=verdict)
    assert (row.outcome, row.article, row.part, row.code) == ("convicted", "205", 3, "kg-cc-2021")
    assert (row.sentence_kind, row.months, row.regime) == ("imprisonment", 36, "general")
    # Held since the arrest, every day begun held counted whole, the day of the verdict too.
    assert trial.arrested is not None
    delivered_on = local_date(verdict.delivered_at)
    assert row.custody_credit_days == (delivered_on - trial.arrested).days + 1 >= 7
    assert body["result"]["detainees"] == [trial.person]
    # The trial term is met by the verdict (CPC 283(2)); the 30 days of appeal begin (400(1)).
    terms = {d.rule: d for d in Deadline.objects.filter(case_id=trial.number)}
    assert terms["court.trial_term"].state == "met"
    assert terms["appeal.window"].state == "running"
    assert trial.stage() == "trial"

    # The accused is held: the clerk serves the copy the same day (CPC 360).
    clerk = as_user("court_clerk")
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))
    too_soon = refused(clerk.act("courts.verdict.enter_into_force", {}, trial.number), 409)
    assert "appeal term" in too_soon["message"] and "CPC 400(1)" in too_soon["message"]

    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1
    verdict.refresh_from_db()
    assert verdict.state == "in_force" and verdict.in_force_at is not None
    assert trial.stage() == "execution"
    row.refresh_from_db()
    # Custody until entry into force is credited (CC 80(5)); the day of entry into force is the
    # first day of the term, not credited — the count the prison makes for the same person.
    in_force_on = local_date(verdict.in_force_at)
    # (Held to the verdict at least 7 days counted whole, so 6 between the dates, and the 31
    # days of the appeal term on top.)
    assert row.custody_credit_days == (in_force_on - trial.arrested).days
    assert (
        (in_force_on - trial.arrested).days >= (delivered_on - trial.arrested).days + 31 >= 6 + 31
    )
    held = held_before(f"case/{trial.number}", trial.person, in_force_on)
    assert row.custody_credit_days == held["ivs_days"] + held["custody_days"]
    assert Deadline.objects.get(case_id=trial.number, rule="verdict.execution").state == "running"
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 0  # once only

    listed = as_user(trial.judge).get(
        "/courts/decisions", court="GB-SUD", year=year, state="in_force"
    )
    assert listed.status_code == 200
    # The register names the defendants it lists: the read is logged with them.
    seen = PersonSighting.objects.filter(actor=trial.judge, subject_type="verdicts")
    assert trial.person in set(seen.values_list("person", flat=True))
    entry = next(e for e in listed.json()["items"] if e["ecli"] == ecli)
    assert entry["state"] == "in_force"
    [shown] = entry["defendants"]
    assert shown["sentence"] == {
        "kind": "imprisonment",
        "months": 36,
        "amount": None,
        "hours": None,
        "regime": "general",
        "probation_months": None,
    }
    assert shown["person"]["id"] == trial.person
    call_command("rebuild_projections", check=True)


def test_ecli_numbers_are_gap_free_per_court_and_year(as_user):
    trials = [Trial(as_user, at_liberty=True) for _ in range(3)]
    for trial in trials:
        trial.open()
    first = created(trials[0].deliver())["result"]["verdict"]
    # A refused delivery takes no number: imprisonment beyond the article's maximum.
    too_long = {**PRISON, "months": 61}
    row = {"person": trials[1].person, "outcome": "convicted", **THEFT, "sentence": too_long}
    assert "at most 60" in refused(trials[1].deliver(row), 400)["message"]
    second = created(trials[1].deliver())["result"]["verdict"]
    third = created(trials[2].deliver())["result"]["verdict"]
    numbers = [int(e.rsplit(":", 1)[1]) for e in (first, second, third)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    year = local_date(clock.now()).year
    assert {e.rsplit(":", 2)[1] for e in (first, second, third)} == {str(year)}
    assert Verdict.objects.filter(court_id="GB-SUD").count() == numbers[2]

    # The register lists them in a fixed number of queries, however many there are.
    judge = as_user(trials[0].judge)
    with CaptureQueriesContext(connection) as queries:
        items = judge.get("/courts/decisions", court="GB-SUD", year=year).json()["items"]
    assert [e["ecli"] for e in items] == [third, second, first]
    with CaptureQueriesContext(connection) as one:
        judge.get("/courts/decisions", court="GB-SUD", year=year, limit=1)
    assert len(queries) == len(one), [q["sql"] for q in queries.captured_queries]
    # Those of the register itself; the rest append the read to the judge's access stream.
    access_log = ("core_event", "core_streamhead", "core_accessrecord", "core_personsighting")
    own = [q["sql"] for q in queries.captured_queries if not any(t in q["sql"] for t in access_log)]
    assert len(own) <= 6, own
    call_command("rebuild_projections", check=True)


def test_an_acquittal_closes_the_case_once_in_force(as_user):
    trial = Trial(as_user, at_liberty=True)
    trial.open()
    unshifted_term()
    acquittal = {"person": trial.person, "outcome": "acquitted", **THEFT}
    with_sentence = {**acquittal, "sentence": PRISON}
    assert "acquittal imposes no sentence" in refused(trial.deliver(with_sentence), 400)["message"]
    body = created(trial.deliver(acquittal))
    row = VerdictDefendant.objects.get(verdict_id=body["result"]["verdict"])
    assert (row.outcome, row.sentence_kind, row.custody_credit_days) == ("acquitted", "", 0)
    assert body["result"]["detainees"] == []  # at liberty: the 30 days run from the verdict

    # Prisons, probation and enforcement are not shown an acquittal.
    assert body["result"]["verdict"] not in {
        e["ecli"] for e in as_user("prison_officer").get("/courts/decisions").json()["items"]
    }
    clock.advance(timedelta(days=31))
    jobs.run_all()
    assert trial.verdict().state == "in_force"
    assert trial.stage() == "closed"
    call_command("rebuild_projections", check=True)


def test_a_verdict_by_a_judge_not_presiding_is_refused(as_user):
    trial = Trial(as_user)
    trial.open()
    other = sorted({"judge", "judge_2", "judge_3"} - {trial.judge})[0]
    answer = refused(trial.deliver(judge=other), 403)
    assert trial.judge in answer["message"] and "CPC 292, 344" in answer["message"]
    assert not Verdict.objects.filter(case_id=trial.number).exists()
    # Nor may a clerk: delivering is for the judge alone.
    assert refused(
        as_user("court_clerk").act("courts.verdict.deliver", {"defendants": []}, trial.number), 403
    )


def test_sentences_keep_to_the_code(as_user):
    trial = Trial(as_user, at_liberty=True)
    trial.open()
    base = {"person": trial.person, "outcome": "convicted", **THEFT}
    cases = [
        ({"kind": "imprisonment", "months": 36}, "colony regime"),
        # One sentence is at most fifteen years (CC 67(2)); twenty only for combined sentences.
        ({**PRISON, "months": 181}, "from 6 to 180 (CC 67(2))"),
        ({"kind": "fine", "amount": 199}, "from 200 to 2000 (CC 65(3))"),
        ({"kind": "community_work", "hours": 100}, "not community work"),
        ({"kind": "fine", "amount": 2500}, "from 200 to 2000 (CC 65(3))"),
        ({"kind": "probation", "months": 24, "probation_months": 48}, "from 12 to 36"),
        ({"kind": "imprisonment", "months": 36, "regime": "general", "amount": 5}, "no amount"),
    ]
    for sentence, words in cases:
        answer = refused(trial.deliver({**base, "sentence": sentence}), 400)
        assert words in answer["message"], answer
    petty = {**base, "part": 1, "sentence": PRISON}  # minor gravity: no imprisonment at all
    assert "not imprisonment" in refused(trial.deliver(petty), 400)["message"]
    stranger = {**base, "person": "P-NOBODY"}
    assert "not an accused" in refused(trial.deliver(stranger), 400)["message"]
    # Fines of 3,000 to 25,000 indices only for arts. 225, 238, 239 and 240(2)-(4) (CC 65(4)).
    for article, part, amount, words in (
        ("240", 1, 2500, "from 200 to 2000 (CC 65(3))"),
        ("240", 2, 2500, "from 3000 to 25000 (CC 65(4))"),
        ("238", 1, 2000, "from 3000 to 25000 (CC 65(4))"),
        ("240", 2, 6000, "at most 5000 calculation indices (CC 72(1))"),  # its sanction
    ):
        row = {**base, "article": article, "part": part}
        row["sentence"] = {"kind": "fine", "amount": amount}
        assert words in refused(trial.deliver(row), 400)["message"], (article, part, amount)
    # Probation supervision is not applied under art. 137 (CC 82(2)(7)).
    torture = {**base, "article": "137", "part": 1}
    torture["sentence"] = {"kind": "probation", "months": 60, "probation_months": 36}
    assert "(CC 82(2)(7))" in refused(trial.deliver(torture), 400)["message"]
    economic = {**base, "article": "240", "part": 2, "sentence": {"kind": "fine", "amount": 5000}}
    assert VerdictDefendant.objects.filter(verdict__case_id=trial.number).count() == 0
    body = created(trial.deliver(economic))
    row = VerdictDefendant.objects.get(verdict_id=body["result"]["verdict"])
    assert (row.article, row.part, row.sentence_kind, row.amount) == ("240", 2, "fine", 5000)


def test_restriction_of_liberty_and_probation_are_refused_for_a_foreign_citizen(as_user):
    foreigner = {**OTHER, "citizenship": "UZB"}
    trial = Trial(as_user, at_liberty=True, accused=foreigner)
    trial.open()
    base = {"person": trial.person, "outcome": "convicted"}
    restriction = {**base, "article": "370", "part": 1}
    restriction["sentence"] = {"kind": "restriction_of_liberty", "months": 12}
    answer = refused(trial.deliver(restriction), 400)
    assert "(CC 62(5))" in answer["message"] and "UZB" in answer["message"]
    probation = {**base, **THEFT, "sentence": {"kind": "probation", "months": 24}}
    probation["sentence"]["probation_months"] = 24
    assert "(CC 82(2)(8))" in refused(trial.deliver(probation), 400)["message"]
    fine = {**base, **THEFT, "sentence": {"kind": "fine", "amount": 1500}}
    body = created(trial.deliver(fine))
    row = VerdictDefendant.objects.get(verdict_id=body["result"]["verdict"])
    assert (row.sentence_kind, row.amount) == ("fine", 1500)


def test_a_prison_officer_reads_the_register_entry_but_not_the_case_file(as_user, world):
    trial = Trial(as_user)
    trial.open()
    unshifted_term()
    ecli = created(trial.deliver())["result"]["verdict"]
    prison = as_user("prison_officer")
    # Not in force yet: nothing to execute, nothing to read (CPC 426(1), 429(2)).
    assert prison.get(f"/courts/decisions/{ecli}").status_code == 404
    assert prison.get(f"/cases/{trial.number}").status_code == 404
    assert prison.get(f"/cases/{trial.number}/timeline").status_code == 404
    clerk = as_user("court_clerk")
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))
    clock.advance(timedelta(days=31))
    created(clerk.act("courts.verdict.enter_into_force", {}, trial.number))
    entry = prison.get(f"/courts/decisions/{ecli}")
    assert entry.status_code == 200, entry.content
    seen = PersonSighting.objects.get(actor="prison_officer", subject_type="verdict", subject=ecli)
    assert seen.person == trial.person
    body = entry.json()
    assert body["ecli"] == ecli and body["state"] == "in_force"
    assert body["defendants"][0]["sentence"]["kind"] == "imprisonment"
    assert body["defendants"][0]["person"] == {
        "id": trial.person,
        "name": body["defendants"][0]["person"]["name"],
        "birth_date": ACCUSED["birth_date"],
    }  # no PIN for the executing body
    assert ACCUSED["surname"] in body["defendants"][0]["person"]["name"]
    assert body["document"] == f"/courts/verdicts/{ecli}"
    # In force, the case is expected at a colony: the prison reads its part of the file, never
    # the investigation's summary (core.visibility).
    case = prison.get(f"/cases/{trial.number}")
    assert case.status_code == 200 and case.json()["summary"] == ""

    page = Client()
    page.force_login(world["prison_officer"])
    shown = page.get(f"/courts/verdicts/{ecli}")
    assert shown.status_code == 200
    text = shown.content.decode()
    assert ecli in text and ACCUSED["surname"] in text and "36 months" in text
    assert f"/cases/{trial.number}/" not in text  # no link into the case file
    assert Client().get(f"/courts/verdicts/{ecli}").status_code == 302  # login required


def test_an_outsider_sees_no_decision(as_user, world):
    trial = Trial(as_user)
    trial.open()
    ecli = created(trial.deliver())["result"]["verdict"]
    for outsider in ("investigator_osh", "judge_osh", "prosecutor_oblast_osh"):
        api = as_user(outsider)
        assert api.get(f"/courts/decisions/{ecli}").status_code == 404
        assert ecli not in {e["ecli"] for e in api.get("/courts/decisions").json()["items"]}
    assert as_user("judge_osh").get("/courts/decisions/ECLI:KG:GBSUD:2000:1").status_code == 404
    page = Client()
    page.force_login(world["judge_osh"])
    assert page.get(f"/courts/verdicts/{ecli}").status_code == 404
    assert refused(trial.deliver(judge="judge_osh"), 404)


def test_executing_bodies_read_only_verdicts_in_force_with_a_sentence_they_execute(as_user):
    jailed = Trial(as_user, at_liberty=True)
    fined = Trial(as_user, at_liberty=True, accused=OTHER)
    jailed.open()
    fined.open()
    unshifted_term()
    prison_ecli = created(jailed.deliver())["result"]["verdict"]
    fine = {"person": fined.person, "outcome": "convicted", **THEFT}
    fine["sentence"] = {"kind": "fine", "amount": 1500}
    fine_ecli = created(fined.deliver(fine))["result"]["verdict"]
    readers = {
        role: as_user(role)
        for role in ("prison_officer", "probation_officer", "enforcement_officer")
    }

    def listed(role: str) -> set[str]:
        return {e["ecli"] for e in readers[role].get("/courts/decisions").json()["items"]}

    # Delivered, not in force: no executing body reads them yet (CPC 426(1)).
    for role in readers:
        assert not {prison_ecli, fine_ecli} & listed(role)
        assert readers[role].get(f"/courts/decisions/{prison_ecli}").status_code == 404
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] >= 2

    # Each reads only the sentences it executes (CPC 429(2)).
    assert prison_ecli in listed("prison_officer") and fine_ecli not in listed("prison_officer")
    assert fine_ecli in listed("enforcement_officer")
    assert prison_ecli not in listed("enforcement_officer")
    assert not {prison_ecli, fine_ecli} & listed("probation_officer")
    prison = readers["prison_officer"]
    assert prison.get(f"/courts/decisions/{fine_ecli}").status_code == 404
    assert readers["probation_officer"].get(f"/courts/decisions/{prison_ecli}").status_code == 404
    entry = readers["enforcement_officer"].get(f"/courts/decisions/{fine_ecli}").json()
    [row] = entry["defendants"]
    assert row["sentence"]["kind"] == "fine" and row["sentence"]["amount"] == 1500
    assert set(row["person"]) == {"id", "name", "birth_date"}  # no PIN
    in_force = readers["enforcement_officer"].get("/courts/decisions", state="delivered")
    assert in_force.json()["items"] == []
    # The judge, who reads the whole file, sees the PIN.
    judged = as_user(fined.judge).get(f"/courts/decisions/{fine_ecli}").json()
    assert "pin" in judged["defendants"][0]["person"]
