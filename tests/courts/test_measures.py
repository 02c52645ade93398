"""The investigating judge's preventive measures: petition, consent, ruling, extensions, the
one-year cap and the appeal window (CPC 104-116, 266), seen through the API as users see them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.analytics.replay import assert_terms_replayed

from icjis.core import clock
from icjis.core.models import CaseOfficer, PersonSighting
from icjis.courts import measure_terms as terms
from icjis.legal.counting import add_months, end_of_day, local_date
from icjis.legal.models import Deadline

SUSPECT = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}


def open_case(as_user, suspect=SUSPECT):
    """A robbery case in Bishkek (Leninsky district) under the demo investigator, one suspect."""
    n = (
        as_user("registrar")
        .act(
            "registry.report.register",
            {"channel": "in_person", "summary": "Грабёж", "place": {"region": "KG-GB"}},
        )
        .json()["result"]["case"]
    )
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=n)
    as_user("investigator").act("registry.case.open", {"article": "205", "part": 4}, case=n)
    pid = (
        as_user("investigator")
        .act("registry.participant.add", {"role": "suspect", "person": suspect}, case=n)
        .json()["result"]["person"]
    )
    return n, pid


def petition(as_user, case, person, measure="custody", months=2, **extra):
    body = {"person": person, "measure": measure, "grounds": "Может скрыться", **extra}
    if months is not None:
        body["months"] = months
    return as_user("investigator").act("courts.measure.petition", body, case=case)


def petitioned_and_consented(as_user, case, person, **kw):
    r = petition(as_user, case, person, **kw)
    assert r.status_code == 201, r.content
    pet = r.json()["result"]["petition"]
    r = as_user("prosecutor").act("courts.measure.consent", {"petition": pet}, case=case)
    assert r.status_code == 201, r.content
    return pet


def decide(as_user, case, pet, granted=True, **extra):
    return as_user("investigating_judge").act(
        "courts.measure.decide", {"petition": pet, "granted": granted, **extra}, case=case
    )


def custody_for(as_user, case, person, months=2, **extra):
    pet = petitioned_and_consented(as_user, case, person, months=months)
    r = decide(as_user, case, pet, **extra)
    assert r.status_code == 201, r.content
    return pet, date.fromisoformat(r.json()["result"]["until"])


def deadline(case, rule, person):
    return Deadline.objects.filter(case_id=case, rule=rule, subject=person).latest("start_seq")


def today():
    return local_date(clock.now())


def a_sunday_within_two_months():
    day = today() + timedelta(days=35)
    while day.weekday() != 6:
        day += timedelta(days=1)
    return day


@pytest.fixture
def case(as_user):
    return open_case(as_user)


def test_a_custody_order_starts_a_custody_term_due_at_the_end_of_its_last_day_unshifted(
    as_user, case
):
    n, pid = case
    sunday = a_sunday_within_two_months()
    pet = petitioned_and_consented(as_user, n, pid)
    r = decide(as_user, n, pet, until=sunday.isoformat())
    assert r.status_code == 201, r.content
    assert r.json()["result"] == {
        "petition": pet,
        "granted": True,
        "measure": "custody",
        "until": sunday.isoformat(),
    }
    term = deadline(n, "custody.term", pid)
    assert term.state == "running" and term.due_at == end_of_day(sunday)  # not moved to Monday
    assert deadline(n, "custody.extension_request", pid).due_at == end_of_day(
        sunday - timedelta(days=5)
    )
    assert deadline(n, "custody.cap", pid).due_at == end_of_day(add_months(today(), 12))
    for user in ("investigator", "prosecutor", "investigating_judge"):
        shown = as_user(user).get(f"/cases/{n}").json()["deadlines"]
        assert {"custody.term", "custody.cap", "custody.appeal"} <= {d["rule"] for d in shown}
    assert CaseOfficer.objects.filter(
        case_id=n, role="investigating_judge", username="investigating_judge"
    ).exists()
    measures = as_user("investigator").get("/courts/measures", case=n).json()["items"]
    assert [(m["measure"], m["until"], m["days_left"], m["state"]) for m in measures] == [
        ("custody", sunday.isoformat(), (sunday - today()).days, "active")
    ]
    seen = PersonSighting.objects.filter(actor="investigator", subject_type="measures", subject=n)
    assert list(seen.values_list("person", flat=True)) == [pid]  # the list names the person
    petitions = as_user("prosecutor").get("/courts/petitions").json()["items"]
    seen = PersonSighting.objects.filter(actor="prosecutor", subject_type="petitions")
    assert set(seen.values_list("person", flat=True)) == {p["person"]["id"] for p in petitions}
    assert pid in {p["person"]["id"] for p in petitions}


def test_a_custody_order_replaces_the_45_and_48_hour_detention_clocks(as_user, case):
    n, pid = case
    detained_at = clock.now() - timedelta(hours=10)
    r = as_user("investigator").act(
        "detention.arrest",
        {
            "person": pid,
            "detained_at": detained_at.isoformat(),
            "place": "ул. Киевская, 10",
            "grounds": "Застигнут при совершении преступления",
        },
        case=n,
    )
    assert r.status_code == 201, r.content
    assert deadline(n, "detention.release", pid).state == "running"
    pet = petitioned_and_consented(as_user, n, pid)
    assert deadline(n, "detention.court", pid).state == "met"  # the petition reached the court
    r = decide(as_user, n, pet)
    assert r.status_code == 201, r.content
    until = date.fromisoformat(r.json()["result"]["until"])
    assert until == add_months(local_date(detained_at), 2)  # counted from the detention
    assert deadline(n, "detention.release", pid).state == "met"
    assert deadline(n, "custody.term", pid).due_at == end_of_day(until)
    # The one-year cap counts from the hour of detention, as recorded.
    assert deadline(n, "custody.cap", pid).starts_at == detained_at


def test_custody_for_three_months_is_refused_at_the_petition_and_at_the_ruling(as_user, case):
    n, pid = case
    r = petition(as_user, n, pid, months=3)
    assert r.status_code == 400
    assert "at most 2 months at a time (CPC 115(1))" in r.json()["message"]
    pet = petitioned_and_consented(as_user, n, pid)
    r = decide(as_user, n, pet, until=add_months(today(), 3).isoformat())
    assert r.status_code == 400, r.content
    assert "at most 2 months at a time (CPC 115(1))" in r.json()["message"]
    assert not Deadline.objects.filter(case_id=n, rule="custody.term").exists()


def test_the_judge_cannot_rule_on_custody_or_bail_without_the_prosecutors_consent(as_user, case):
    n, pid = case
    pet = petition(as_user, n, pid).json()["result"]["petition"]
    r = decide(as_user, n, pet)
    assert r.status_code == 409
    assert "needs the prosecutor's consent" in r.json()["message"]
    other, other_pid = open_case(as_user)
    bail = petition(as_user, other, other_pid, measure="bail", months=None).json()["result"]
    assert bail["needs_consent"] is True
    assert decide(as_user, other, bail["petition"]).status_code == 409
    third, third_pid = open_case(as_user)
    pet = petition(as_user, third, third_pid, measure="undertaking", months=None)
    assert pet.json()["result"]["needs_consent"] is False
    r = decide(as_user, third, pet.json()["result"]["petition"])
    assert r.status_code == 201, r.content


def test_an_extension_petition_three_days_before_expiry_is_refused_six_days_before_accepted(
    as_user,
):
    early, early_pid = open_case(as_user)
    late, late_pid = open_case(as_user)
    _, until = custody_for(as_user, early, early_pid)
    custody_for(as_user, late, late_pid)
    clock.advance(timedelta(days=(until - today()).days - 6))
    r = petition(as_user, early, early_pid)
    assert r.status_code == 201, r.content
    assert r.json()["result"]["kind"] == "extension"
    assert deadline(early, "custody.extension_request", early_pid).state == "met"
    assert deadline(early, "custody.extension_decision", early_pid).state == "running"
    clock.advance(timedelta(days=3))
    r = petition(as_user, late, late_pid)
    assert r.status_code == 409
    assert "at least 5 days before" in r.json()["message"] and "CPC 115(3)" in r.json()["message"]


def test_extensions_pass_up_to_twelve_months_and_the_one_beyond_is_refused(as_user, case):
    n, pid = case
    first_day = today()
    first, until = custody_for(as_user, n, pid)
    r = as_user("prosecutor").act(
        "courts.measure.appeal", {"petition": first, "grounds": "Мера чрезмерна"}, case=n
    )
    assert r.status_code == 201, r.content
    for _ in range(5):
        clock.advance(timedelta(days=(until - today()).days - 6))
        pet = petitioned_and_consented(as_user, n, pid)
        r = decide(as_user, n, pet)
        assert r.status_code == 201, r.content
        assert deadline(n, "custody.extension_decision", pid).state == "met"
        until = date.fromisoformat(r.json()["result"]["until"])
        assert deadline(n, "custody.term", pid).due_at == end_of_day(until)
    assert until <= add_months(first_day, 12)
    clock.advance(timedelta(days=(until - today()).days - 6))
    for months in (2, 1):
        r = petition(as_user, n, pid, months=months)
        assert r.status_code == 409, r.content
        span = terms.describe_span(first_day, add_months(until, months))
        assert r.json()["message"].startswith(
            f"Custody in this case would reach {span}; the law allows at most 12 (CPC 115(11))."
        )
    measure = as_user("investigating_judge").get("/courts/measures", case=n).json()["items"]
    assert measure[0]["extensions"] == 5 and measure[0]["petition"] == first
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_the_judge_may_order_a_milder_measure_but_not_a_stricter_one(as_user, case):
    n, pid = case
    pet = petitioned_and_consented(as_user, n, pid, measure="house_arrest", months=1)
    r = decide(as_user, n, pet, measure="custody")
    assert r.status_code == 400 and "not a stricter one" in r.json()["message"]
    r = decide(as_user, n, pet, measure="bail")
    assert r.status_code == 201, r.content
    assert not Deadline.objects.filter(case_id=n, rule="custody.term").exists()
    shown = as_user("investigator").get("/courts/measures", case=n).json()["items"]
    assert [(m["measure"], m["until"], m["days_left"]) for m in shown] == [("bail", None, None)]


def test_a_custody_order_ended_by_a_milder_one_counts_towards_the_year(as_user, case):
    n, pid = case
    custody_for(as_user, n, pid, months=1)
    clock.advance(timedelta(days=10))
    pet = petitioned_and_consented(as_user, n, pid, measure="bail", months=None)
    assert decide(as_user, n, pet).status_code == 201
    assert deadline(n, "custody.term", pid).state == "cancelled"
    clock.advance(timedelta(days=30))
    pet = petitioned_and_consented(as_user, n, pid)
    r = decide(as_user, n, pet)
    assert r.status_code == 201, r.content
    cap = deadline(n, "custody.cap", pid)
    # ten days already served: the year now ends ten days sooner (CPC 115(7))
    assert timedelta(days=9) < (clock.now() - cap.starts_at) < timedelta(days=11)
    shown = as_user("investigator").get("/courts/measures", case=n).json()["items"]
    assert [m["measure"] for m in shown] == ["custody"]


def test_a_refusal_orders_nothing_but_opens_the_appeal_window(as_user, case):
    n, pid = case
    pet = petitioned_and_consented(as_user, n, pid)
    r = decide(as_user, n, pet, granted=False)
    assert r.status_code == 201, r.content
    assert r.json()["result"] == {"petition": pet, "granted": False}
    assert not Deadline.objects.filter(case_id=n, rule="custody.term").exists()
    assert deadline(n, "custody.appeal", pid).state == "running"
    assert decide(as_user, n, pet).status_code == 409  # ruled on once
    assert as_user("investigator").get("/courts/measures", case=n).json()["items"] == []


def test_the_appeal_window_is_five_days_and_only_prosecutor_and_counsel_may_appeal(as_user, case):
    n, pid = case
    pet, _ = custody_for(as_user, n, pid)
    body = {"petition": pet, "grounds": "Нет оснований для стражи"}
    assert as_user("investigator").act("courts.measure.appeal", body, case=n).status_code == 403
    assert as_user("lawyer").act("courts.measure.appeal", body, case=n).status_code == 404
    clock.advance(timedelta(days=4))
    assert as_user("prosecutor").act("courts.measure.appeal", body, case=n).status_code == 201
    decided = as_user("prosecutor").get("/courts/petitions", case=n).json()["items"][0]
    due = terms.appeal_due(clock.now() - timedelta(days=4))
    assert decided["appeal_until"].startswith(due.strftime("%Y-%m-%dT%H:%M"))
    clock.advance(due - clock.now() + timedelta(minutes=1))
    r = as_user("prosecutor").act("courts.measure.appeal", body, case=n)
    assert r.status_code == 409 and "5-day appeal term" in r.json()["message"]


def test_petitions_are_for_suspects_one_at_a_time_by_the_investigator_in_charge(as_user, case):
    n, pid = case
    victim = (
        as_user("investigator")
        .act(
            "registry.participant.add",
            {"role": "victim", "person": {**SUSPECT, "surname": "Осмонова", "sex": "F"}},
            case=n,
        )
        .json()["result"]["person"]
    )
    r = petition(as_user, n, victim)
    assert r.status_code == 400 and r.json()["fields"] == {
        "person": "not a suspect or accused in this case"
    }
    r = petition(as_user, n, pid, measure="bail", months=2)
    assert r.status_code == 400 and "not ordered for a term" in r.json()["message"]
    assert petition(as_user, n, pid).status_code == 201
    r = petition(as_user, n, pid, measure="house_arrest", months=1)
    assert r.status_code == 409 and "still awaits the judge's ruling" in r.json()["message"]
    r = as_user("unit_head").act(
        "courts.measure.petition",
        {"person": pid, "measure": "bail", "grounds": "Может скрыться"},
        case=n,
    )
    assert r.status_code == 403


def test_officials_of_another_region_see_nothing_and_get_404(as_user, case):
    n, pid = case
    pet = petitioned_and_consented(as_user, n, pid)
    assert petition(as_user, n, pid).status_code == 409
    r = as_user("investigator_osh").act(
        "courts.measure.petition",
        {"person": pid, "measure": "custody", "months": 2, "grounds": "Может скрыться"},
        case=n,
    )
    assert r.status_code == 404
    assert (
        as_user("prosecutor_osh")
        .act("courts.measure.consent", {"petition": pet}, case=n)
        .status_code
        == 404
    )
    assert (
        as_user("investigating_judge_osh")
        .act("courts.measure.decide", {"petition": pet, "granted": True}, case=n)
        .status_code
        == 404
    )
    for user in ("investigator_osh", "investigating_judge_osh", "lawyer"):
        assert as_user(user).get("/courts/petitions").json()["items"] == []
        assert as_user(user).get("/courts/measures").json()["items"] == []
        assert as_user(user).get("/courts/measures", case=n).status_code == 404
        assert as_user(user).get("/courts/petitions", case=n).status_code == 404


def test_the_queues_show_each_official_what_waits_for_them_in_constant_queries(as_user):
    n, pid = open_case(as_user)
    petition(as_user, n, pid)

    def queue(user, state):
        with CaptureQueriesContext(connection) as queries:
            r = as_user(user).get("/courts/petitions", state=state)
        assert r.status_code == 200
        return [p["id"] for p in r.json()["items"]], len(queries)

    waiting, few = queue("prosecutor", "submitted")
    assert waiting == [f"MP-{n}-1"]
    for _ in range(3):
        other, other_pid = open_case(as_user)
        petition(as_user, other, other_pid)
    waiting, many = queue("prosecutor", "submitted")
    assert len(waiting) == 4 and many == few
    as_user("prosecutor").act("courts.measure.consent", {"petition": f"MP-{n}-1"}, case=n)
    assert queue("investigating_judge", "consented")[0] == [f"MP-{n}-1"]
    assert queue("investigator", "consented")[0] == [f"MP-{n}-1"]


def test_counsel_in_the_case_may_appeal_the_custody_ruling(as_user, case):
    n, pid = case
    pet, _ = custody_for(as_user, n, pid)
    body = {"petition": pet, "grounds": "Подзащитный имеет постоянное место жительства"}
    assert as_user("lawyer").act("courts.measure.appeal", body, case=n).status_code == 404
    r = as_user("investigator").act(
        "legalaid.private_counsel",
        {"person": pid, "lawyer_name": "Асанова Айгүл Бакытовна", "licence": "GB-0001"},
        case=n,
    )
    assert r.status_code == 201, r.content
    # Counsel of one suspect does not appeal the ruling on another's custody.
    other_suspect = {"role": "suspect", "person": {**SUSPECT, "given_name": "Эрлан"}}
    r = as_user("investigator").act("registry.participant.add", other_suspect, case=n)
    other = r.json()["result"]["person"]
    other_pet, _ = custody_for(as_user, n, other)
    r = as_user("lawyer").act("courts.measure.appeal", {**body, "petition": other_pet}, case=n)
    assert r.status_code == 403, r.content
    assert f"not counsel of {other}" in r.json()["message"]
    r = as_user("lawyer").act("courts.measure.appeal", body, case=n)
    assert r.status_code == 201, r.content
    assert as_user("lawyer").get("/courts/petitions").json()["items"][0]["id"] == pet


def test_petitions_and_their_grounds_are_only_for_readers_of_the_whole_file(as_user, case):
    n, pid = case
    pet, _ = custody_for(as_user, n, pid)
    for role in ("prison_officer", "probation_officer", "enforcement_officer", "ivs_officer"):
        r = as_user(role).get("/courts/petitions")
        assert r.status_code == 403, (role, r.content)
        assert "whole case file" in r.json()["message"]
    for role in ("probation_officer", "enforcement_officer"):
        assert as_user(role).get("/courts/measures").status_code == 403
    # Detention staff read the measures (no grounds in them) for the custody they hold.
    r = as_user("ivs_officer").get("/courts/measures")
    assert r.status_code == 200, r.content
    assert all("grounds" not in m for m in r.json()["items"])
    shown = as_user("investigator").get("/courts/petitions", case=n).json()["items"]
    assert shown[0]["id"] == pet and shown[0]["grounds"]
