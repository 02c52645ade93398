"""The register's procedure after the report: refusal, suspicion and charge, joining and splitting,
jurisdiction, suspension, termination, term extensions and the indictment — with the simulation
clock living through the legal terms (CPC 2021)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed

from icjis.core import clock
from icjis.legal.catalogues import lookup

# Terms are bounded from the day the test starts (`ordinary_day`).
pytestmark = pytest.mark.usefixtures("ordinary_day")

MINOR = ("205", 1)  # theft, part 1
GRAVE = ("205", 4)  # theft, part 4


def person(surname: str, born: str = "1992-03-05", sex: str = "M") -> dict[str, Any]:
    return {"surname": surname, "given_name": "Нурлан", "birth_date": born, "sex": sex}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def refused(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    return response.json()["message"]


def report(as_user: Any, site: str = "") -> str:
    """A report registered and assigned to the investigator of the site ('' Bishkek, '_osh')."""
    region = "KG-O" if site else "KG-GB"
    body = {"channel": "phone", "summary": "Кража", "place": {"region": region}}
    number = ok(as_user("registrar" + site).act("registry.report.register", body))["result"]["case"]
    ok(
        as_user("unit_head" + site).act(
            "registry.case.assign", {"officer": "investigator" + site}, number
        )
    )
    return number


def opened(as_user: Any, offence: tuple[str, int] = MINOR, site: str = "") -> str:
    number = report(as_user, site)
    article, part = offence
    ok(
        as_user("investigator" + site).act(
            "registry.case.open", {"article": article, "part": part}, number
        )
    )
    return number


def add(as_user: Any, number: str, role: str, surname: str) -> str:
    data = {"role": role, "person": person(surname)}
    return ok(as_user("investigator").act("registry.participant.add", data, number))["result"][
        "person"
    ]


def charged(as_user: Any, number: str, surname: str, offence: tuple[str, int] = MINOR) -> str:
    pid = add(as_user, number, "suspect", surname)
    data = {"person": pid, "article": offence[0], "part": offence[1]}
    ok(as_user("investigator").act("registry.charge", data, number))
    return pid


def term(as_user: Any, number: str, rule: str, user: str = "investigator") -> dict[str, Any]:
    rows = as_user(user).get("/deadlines", case=number).json()
    return next(d for d in rows if d["rule"] == rule)


def case(as_user: Any, number: str, user: str = "investigator") -> dict[str, Any]:
    response = as_user(user).get(f"/cases/{number}")
    assert response.status_code == 200, response.content
    return response.json()


def missed(as_user: Any, user: str) -> set[tuple[str, str]]:
    """(case, rule) of every missed term the user is shown."""
    return {(d["case"], d["rule"]) for d in as_user(user).get("/deadlines", state="missed").json()}


# --- terms of the investigation -----------------------------------------------------------------


def test_a_minor_case_has_one_month_to_investigate_and_a_grave_case_two(as_user):
    assert lookup("kg-cc-2021", *MINOR).category == "minor_gravity"
    assert lookup("kg-cc-2021", *GRAVE).category == "grave"
    minor, grave = opened(as_user, MINOR), opened(as_user, GRAVE)

    shown = {d["rule"]: d for d in case(as_user, minor)["deadlines"]}
    span = when(shown["investigation.term.minor"]["due_at"]) - when(
        shown["investigation.term.minor"]["starts_at"]
    )
    assert timedelta(days=28) <= span <= timedelta(days=34)
    assert "investigation.term" not in shown

    shown = {d["rule"]: d for d in case(as_user, grave)["deadlines"]}
    span = when(shown["investigation.term"]["due_at"]) - when(
        shown["investigation.term"]["starts_at"]
    )
    assert timedelta(days=59) <= span <= timedelta(days=65)


def test_a_term_run_out_is_missed_for_the_unit_head_and_prosecutor_but_not_for_osh(as_user):
    number = opened(as_user, MINOR)
    overdue = (number, "investigation.term.minor")
    assert overdue not in missed(as_user, "unit_head")
    clock.advance(timedelta(days=35))
    assert term(as_user, number, "investigation.term.minor")["state"] == "missed"
    assert overdue in missed(as_user, "unit_head")
    assert overdue in missed(as_user, "prosecutor")
    assert overdue in missed(as_user, "prosecutor_city")
    assert not {c for c, _ in missed(as_user, "unit_head_osh")} & {number}
    assert not {c for c, _ in missed(as_user, "prosecutor_osh")} & {number}


def test_a_suspension_stops_the_clock_and_the_resumption_moves_the_due_date(as_user):
    number = opened(as_user, MINOR)
    add(as_user, number, "suspect", "Мамытов")
    due = when(term(as_user, number, "investigation.term.minor")["due_at"])
    investigator = as_user("investigator")
    ok(
        investigator.act(
            "registry.case.suspend",
            {"basis": "serious_illness", "grounds": "Госпитализирован, справка"},
            number,
        )
    )
    assert case(as_user, number)["details"]["suspended"] is True

    clock.advance(timedelta(days=40))
    assert term(as_user, number, "investigation.term.minor")["state"] == "suspended"
    assert (number, "investigation.term.minor") not in missed(as_user, "prosecutor")
    refusal = refused(
        investigator.act("registry.charge", {"person": "P0", "article": "205", "part": 1}, number),
        409,
    )
    assert "suspended; resume it" in refusal

    ok(investigator.act("registry.case.resume", {"grounds": "Выписан из больницы"}, number))
    resumed = term(as_user, number, "investigation.term.minor")
    assert resumed["state"] == "running"
    moved = when(resumed["due_at"]) - due
    assert timedelta(days=38) <= moved <= timedelta(days=43)  # 40 days, give or take a weekend
    assert "suspended" not in case(as_user, number)["details"]


def test_a_case_is_suspended_for_an_unknown_offender_only_once_its_term_has_run_out(as_user):
    number = opened(as_user, MINOR)
    data = {"basis": "offender_not_identified", "grounds": "Лицо не установлено"}
    message = refused(as_user("investigator").act("registry.case.suspend", data, number), 409)
    assert "CPC 246(4)" in message and "runs until" in message
    clock.advance(timedelta(days=35))
    ok(as_user("investigator").act("registry.case.suspend", data, number))


def test_a_district_prosecutor_cannot_go_beyond_four_months_but_the_city_prosecutor_can_six(
    as_user,
):
    number = opened(as_user, GRAVE)
    started = when(term(as_user, number, "investigation.term")["starts_at"])

    message = refused(as_user("prosecutor").act("registry.term.extend", {"months": 5}, number), 409)
    assert message == (
        "A district prosecutor may extend the investigation to at most 4 months; "
        "ask the prosecutor of the oblast or city."
    )
    ok(as_user("prosecutor").act("registry.term.extend", {"months": 4}, number))
    span = when(term(as_user, number, "investigation.term")["due_at"]) - started
    assert timedelta(days=119) <= span <= timedelta(days=127)

    ok(as_user("prosecutor_city").act("registry.term.extend", {"months": 6}, number))
    span = when(term(as_user, number, "investigation.term")["due_at"]) - started
    assert timedelta(days=180) <= span <= timedelta(days=188)
    message = refused(
        as_user("prosecutor_city").act("registry.term.extend", {"months": 7}, number), 409
    )
    assert "at most 6 months; ask a Deputy Prosecutor General" in message
    ok(as_user("deputy_prosecutor_general").act("registry.term.extend", {"months": 9}, number))
    message = refused(
        as_user("deputy_prosecutor_general").act("registry.term.extend", {"months": 12}, number),
        409,
    )
    assert "only the Prosecutor General" in message


def test_an_extension_must_lengthen_the_term_and_comes_only_from_a_prosecutor_who_supervises(
    as_user,
):
    number = opened(as_user, GRAVE)
    message = refused(as_user("prosecutor").act("registry.term.extend", {"months": 2}, number), 409)
    assert "already 2 months" in message
    refused(as_user("investigator").act("registry.term.extend", {"months": 3}, number), 403)
    refused(
        as_user("prosecutor_oblast_osh").act("registry.term.extend", {"months": 3}, number), 404
    )
    refused(as_user("prosecutor").act("registry.term.extend", {}, number), 400)


def test_the_prosecutor_extends_the_check_to_twenty_days_once(as_user):
    number = report(as_user)
    first = when(term(as_user, number, "report.decision")["due_at"])
    refused(as_user("prosecutor").act("registry.term.extend", {"months": 3}, number), 400)
    ok(as_user("prosecutor").act("registry.term.extend", {}, number))
    assert (
        timedelta(days=9)
        <= when(term(as_user, number, "report.decision")["due_at"]) - first
        <= timedelta(days=13)
    )
    message = refused(as_user("prosecutor").act("registry.term.extend", {}, number), 409)
    assert "already been extended to 20 days" in message


# --- refusal, closing and reopening -------------------------------------------------------------


def test_a_refusal_closes_the_report_and_starts_the_applicants_ten_days_to_appeal(as_user):
    number = report(as_user)
    ok(
        as_user("investigator").act(
            "registry.case.refuse", {"grounds": "Гражданско-правовой спор"}, number
        )
    )
    shown = case(as_user, number)
    assert shown["stage"] == "closed"
    assert shown["details"]["decision"] == "refused"
    assert term(as_user, number, "report.decision")["state"] == "met"
    appeal = term(as_user, number, "refusal.appeal", user="prosecutor")
    assert appeal["state"] == "running" and appeal["article"] == "CPC 154(3)"
    assert (
        timedelta(days=10)
        <= when(appeal["due_at"]) - when(appeal["starts_at"])
        <= timedelta(days=13)
    )


def test_only_the_assigned_investigator_refuses_and_only_before_the_case_is_opened(as_user):
    number = report(as_user)
    refused(as_user("investigator").act("registry.case.refuse", {"grounds": ""}, number), 400)
    refused(
        as_user("unit_head").act("registry.case.refuse", {"grounds": "Нет состава"}, number), 403
    )
    ok(as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, number))
    message = refused(
        as_user("investigator").act("registry.case.refuse", {"grounds": "Нет состава"}, number), 409
    )
    assert "this one is under investigation" in message


def test_nothing_is_accepted_on_a_closed_case_except_the_prosecutors_reopening(as_user):
    number = report(as_user)
    pid = add(as_user, number, "suspect", "Эшимов")
    ok(
        as_user("investigator").act(
            "registry.case.refuse", {"grounds": "Нет состава преступления"}, number
        )
    )

    attempts = [
        ("unit_head", "registry.case.assign", {"officer": "investigator"}),
        (
            "investigator",
            "registry.participant.add",
            {"role": "witness", "person": person("Кадыров")},
        ),
        ("investigator", "registry.case.open", {"article": "205", "part": 1}),
        ("investigator", "registry.case.refuse", {"grounds": "Повторно"}),
        ("investigator", "registry.suspicion.notify", {"person": pid}),
        ("investigator", "registry.charge", {"person": pid, "article": "205", "part": 1}),
        ("investigator", "registry.case.suspend", {"basis": "serious_illness", "grounds": "Болен"}),
        ("investigator", "registry.case.terminate", {"grounds": "Нет состава"}),
        ("investigator", "registry.indictment.submit", {}),
        ("prosecutor", "registry.term.extend", {"months": 3}),
        ("prosecutor", "registry.case.transfer", {"unit": "OSH-UVD", "grounds": "По месту"}),
        ("prosecutor", "registry.indictment.approve", {"court": "GB-SUD"}),
    ]
    for user, kind, data in attempts:
        message = refused(as_user(user).act(kind, data, number), 409)
        assert "closed" in message, (kind, message)

    refused(as_user("investigator").act("registry.case.reopen", {"grounds": "Отмена"}, number), 403)
    ok(as_user("prosecutor").act("registry.case.reopen", {"grounds": "Отказ необоснован"}, number))
    shown = case(as_user, number)
    assert shown["stage"] == "pre_investigation" and "decision" not in shown["details"]
    ok(as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, number))


def test_a_terminated_case_is_reopened_into_the_investigation(as_user):
    number = opened(as_user, MINOR)
    ok(
        as_user("investigator").act(
            "registry.case.terminate", {"grounds": "Примирение сторон"}, number
        )
    )
    assert term(as_user, number, "investigation.term.minor")["state"] == "met"
    shown = case(as_user, number)
    assert shown["stage"] == "closed" and shown["details"]["decision"] == "terminated"
    message = refused(
        as_user("prosecutor").act("registry.case.reopen", {"grounds": "x" * 5}, opened(as_user)),
        409,
    )
    assert "nothing to reopen" in message
    ok(
        as_user("prosecutor").act(
            "registry.case.reopen", {"grounds": "Незаконное прекращение"}, number
        )
    )
    assert case(as_user, number)["stage"] == "investigation"


# --- suspicion, charge, requalification, indictment ---------------------------------------------


def test_no_suspicion_or_charge_before_the_case_is_opened(as_user):
    number = report(as_user)
    pid = add(as_user, number, "suspect", "Ногойбаев")
    for kind, data in [
        ("registry.suspicion.notify", {"person": pid}),
        ("registry.charge", {"person": pid, "article": "205", "part": 1}),
    ]:
        message = refused(as_user("investigator").act(kind, data, number), 409)
        assert (
            "needs a case under investigation; this one is under the pre-investigation" in message
        )


def test_a_charge_names_a_participant_and_an_article_of_the_code(as_user):
    number = opened(as_user)
    investigator = as_user("investigator")
    stranger = refused(
        investigator.act(
            "registry.charge", {"person": "P000000000000", "article": "205", "part": 1}, number
        ),
        400,
    )
    assert "not a participant" in stranger
    pid = add(as_user, number, "witness", "Сатыбалдиев")
    r = investigator.act("registry.charge", {"person": pid, "article": "9999"}, number)
    assert refused(r, 400) and r.json()["fields"] == {"article": "not in the code"}
    r = investigator.act("registry.charge", {"person": pid, "article": "205"}, number)
    assert r.json()["fields"] == {"part": "required for this article"}
    ok(investigator.act("registry.suspicion.notify", {"person": pid}, number))
    assert "already a suspect" in refused(
        investigator.act("registry.suspicion.notify", {"person": pid}, number), 409
    )
    ok(investigator.act("registry.charge", {"person": pid, "article": "205", "part": 2}, number))
    again = investigator.act(
        "registry.charge", {"person": pid, "article": "205", "part": 2}, number
    )
    assert "registry.charge.requalify" in refused(again, 409)
    roles = {p["role"] for p in case(as_user, number)["participants"] if p["person"] == pid}
    assert roles == {"witness", "accused"}


def test_a_requalification_replaces_the_charge_and_a_prosecutor_may_only_soften_it(as_user):
    number = opened(as_user)
    pid = charged(as_user, number, "Жээнбеков", ("205", 2))
    investigator = as_user("investigator")
    same = investigator.act(
        "registry.charge.requalify", {"person": pid, "article": "205", "part": 2}, number
    )
    assert "the same" in refused(same, 409)
    ok(
        investigator.act(
            "registry.charge.requalify", {"person": pid, "article": "205", "part": 3}, number
        )
    )
    ok(investigator.act("registry.indictment.submit", {}, number))

    prosecutor = as_user("prosecutor")
    graver = prosecutor.act(
        "registry.charge.requalify", {"person": pid, "article": "205", "part": 4}, number
    )
    assert "only towards a milder offence" in refused(graver, 409)
    ok(
        prosecutor.act(
            "registry.charge.requalify", {"person": pid, "article": "205", "part": 1}, number
        )
    )
    timeline = [
        e
        for e in prosecutor.get(f"/cases/{number}/timeline").json()
        if e["kind"] == "registry.charge.requalify"
    ]
    assert [(e["data"]["replaces"]["part"], e["data"]["part"]) for e in timeline] == [
        (2, 3),
        (3, 1),
    ]


def test_no_indictment_without_an_accused(as_user):
    number = opened(as_user)
    investigator = as_user("investigator")
    message = refused(investigator.act("registry.indictment.submit", {}, number), 409)
    assert message == "No indictment without an accused: charge at least one person first."
    pid = add(as_user, number, "suspect", "Өмүрбеков")
    ok(investigator.act("registry.suspicion.notify", {"person": pid}, number))
    refused(investigator.act("registry.indictment.submit", {}, number), 409)
    ok(investigator.act("registry.charge", {"person": pid, "article": "205", "part": 1}, number))
    ok(investigator.act("registry.indictment.submit", {}, number))


def test_the_prosecutor_returns_the_case_for_at_most_a_month_of_additional_investigation(as_user):
    number = opened(as_user)
    charged(as_user, number, "Абдыкадыров")
    ok(as_user("investigator").act("registry.indictment.submit", {}, number))
    refused(
        as_user("investigator").act("registry.indictment.approve", {"court": "GB-SUD"}, number), 403
    )
    refused(
        as_user("prosecutor").act("registry.indictment.approve", {"court": "GB-APP"}, number), 400
    )
    ok(
        as_user("prosecutor").act(
            "registry.indictment.return", {"reasons": "Допросить свидетелей"}, number
        )
    )
    assert case(as_user, number)["stage"] == "investigation"
    assert term(as_user, number, "indictment.review")["state"] == "met"
    extra = term(as_user, number, "indictment.additional_investigation")
    assert extra["state"] == "running" and extra["article"] == "CPC 262(3)"
    assert "262(3)" in refused(
        as_user("prosecutor").act("registry.term.extend", {"months": 3}, number), 409
    )
    ok(as_user("investigator").act("registry.indictment.submit", {}, number))
    assert term(as_user, number, "indictment.additional_investigation")["state"] == "met"


# --- joining, splitting, jurisdiction -----------------------------------------------------------


def test_joining_brings_the_other_cases_accused_over_and_closes_it(as_user):
    main, other = opened(as_user), opened(as_user)
    pid = charged(as_user, other, "Иванов", ("209", 1))
    investigator = as_user("investigator")
    itself = investigator.act("registry.case.join", {"other": main, "grounds": "Соучастие"}, main)
    assert refused(itself, 400)
    body = ok(
        investigator.act("registry.case.join", {"other": other, "grounds": "Соучастие"}, main)
    )
    assert body["reactions"][0]["event"]["kind"] == "registry.case.joined_into"

    assert (pid, "accused") in {
        (p["person"], p["role"]) for p in case(as_user, main)["participants"]
    }
    absorbed = case(as_user, other)
    assert absorbed["stage"] == "closed"
    assert absorbed["details"]["decision"] == "joined"
    assert absorbed["details"]["joined_into"] == main
    message = refused(
        investigator.act("registry.charge", {"person": pid, "article": "205", "part": 1}, other),
        409,
    )
    assert message == f"The case was joined into case {main}; record this in that case."
    assert "continues there" in refused(
        as_user("prosecutor").act("registry.case.reopen", {"grounds": "Отмена"}, other), 409
    )
    ok(investigator.act("registry.indictment.submit", {}, main))


def test_a_case_of_another_region_cannot_be_joined(as_user):
    main, osh = opened(as_user), opened(as_user, site="_osh")
    r = as_user("investigator").act(
        "registry.case.join", {"other": osh, "grounds": "Соучастие"}, main
    )
    refused(r, 404)
    assert case(as_user, osh, user="investigator_osh")["stage"] == "investigation"


def test_splitting_opens_a_new_case_for_the_persons_split_off(as_user):
    number = opened(as_user, GRAVE)
    stays = charged(as_user, number, "Асанов")
    leaves = charged(as_user, number, "Кадыров")
    data = {"persons": [leaves], "summary": "Обвиняемый скрылся; материалы выделены"}
    body = ok(as_user("investigator").act("registry.case.split", data, number))
    new = body["result"]["new_case"]
    assert body["reactions"][0]["result"] == {"case": new}
    assert new.split("-")[:2] == number.split("-")[:2] and new != number

    split = case(as_user, new)
    assert split["stage"] == "investigation"
    assert split["qualification"] == case(as_user, number)["qualification"]
    assert {(p["person"], p["role"]) for p in split["participants"]} == {(leaves, "accused")}
    assert [o["username"] for o in split["officers"]] == ["investigator"]
    assert split["details"]["split_from"] == number
    remaining = {(p["person"], p["role"]) for p in case(as_user, number)["participants"]}
    assert (stays, "accused") in remaining and (leaves, "accused") not in remaining
    kinds = [e["kind"] for e in as_user("investigator").get(f"/cases/{new}/timeline").json()]
    assert kinds == ["registry.case.split_from"]
    outsider = {"persons": ["P000000000000"], "summary": "Выделение"}
    assert "not a participant" in refused(
        as_user("investigator").act("registry.case.split", outsider, number), 400
    )
    refused(as_user("investigator").act("registry.case.split_from", {}, number), 403)


def test_a_transfer_by_jurisdiction_hands_the_case_to_the_receiving_unit_and_its_prosecutor(
    as_user,
):
    number = opened(as_user)
    refused(
        as_user("investigator").act(
            "registry.case.transfer", {"unit": "OSH-UVD", "grounds": "x" * 3}, number
        ),
        403,
    )
    bad = as_user("prosecutor").act(
        "registry.case.transfer", {"unit": "GB-SUD", "grounds": "Подследственность"}, number
    )
    assert refused(bad, 400)
    ok(
        as_user("prosecutor").act(
            "registry.case.transfer",
            {"unit": "OSH-UVD", "grounds": "По месту преступления"},
            number,
        )
    )

    shown = case(as_user, number, user="unit_head_osh")
    assert shown["unit"] == "OSH-UVD"
    assert {"unit": "OSH-UVD", "capacity": "investigating"} in shown["units"]
    assert [o for o in shown["officers"] if o["role"] == "investigator"] == []
    message = refused(
        as_user("investigator").act("registry.case.terminate", {"grounds": "Нет состава"}, number),
        403,
    )
    assert "Only the investigator assigned" in message
    # The old unit's head still sees the case (it registered it) but no longer assigns it.
    message = refused(
        as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number), 403
    )
    assert "held by unit OSH-UVD" in message
    ok(
        as_user("unit_head_osh").act(
            "registry.case.assign", {"officer": "investigator_osh"}, number
        )
    )
    from icjis.legal.models import Deadline

    open_terms = Deadline.objects.filter(case_id=number, state="running")
    assert open_terms.exists() and {d.unit_id for d in open_terms} == {"OSH-UVD"}
    ok(as_user("prosecutor_osh").act("registry.term.extend", {"months": 2}, number))
    refused(as_user("prosecutor").act("registry.term.extend", {"months": 3}, number), 404)


def test_osh_officers_cannot_act_on_a_bishkek_case(as_user):
    number = opened(as_user)
    pid = add(as_user, number, "suspect", "Токтогулов")
    for user, kind, data in [
        ("investigator_osh", "registry.suspicion.notify", {"person": pid}),
        ("investigator_osh", "registry.charge", {"person": pid, "article": "205", "part": 1}),
        (
            "investigator_osh",
            "registry.case.suspend",
            {"basis": "serious_illness", "grounds": "Болен"},
        ),
        ("investigator_osh", "registry.case.terminate", {"grounds": "Нет состава"}),
        ("investigator_osh", "registry.indictment.submit", {}),
        ("prosecutor_osh", "registry.term.extend", {"months": 3}),
        ("prosecutor_oblast_osh", "registry.case.reopen", {"grounds": "Отмена"}),
    ]:
        message = refused(as_user(user).act(kind, data, number), 404)
        assert message == "No such case, or it is not visible to you."


def test_another_investigator_of_the_unit_cannot_act_on_a_case_not_assigned_to_them(as_user, world):
    from icjis.core.models import User

    colleague = world["investigator"]
    User.objects.create(
        username="investigator_2",
        full_name="Demo investigator_2",
        agency_id=colleague.agency_id,
        unit=colleague.unit,
        roles=["investigator"],
        created_at=clock.now(),
    )
    world["investigator_2"] = User.objects.get(username="investigator_2")
    number = opened(as_user)
    r = as_user("investigator_2").act("registry.case.terminate", {"grounds": "Нет состава"}, number)
    assert "ask the head of the unit" in refused(r, 403)


# --- replay -------------------------------------------------------------------------------------


def test_a_long_history_replays_into_the_same_projections(as_user):
    """Every kind of act, with the clock moving, then `rebuild-projections --check`."""
    investigator, prosecutor = as_user("investigator"), as_user("prosecutor")
    main, other, refused_case = opened(as_user, GRAVE), opened(as_user), report(as_user)
    first = charged(as_user, main, "Асанов", GRAVE)
    second = charged(as_user, main, "Бакытов")
    pid = add(as_user, other, "suspect", "Үсөнов")
    ok(investigator.act("registry.suspicion.notify", {"person": pid}, other))
    clock.advance(timedelta(days=3))
    ok(investigator.act("registry.case.refuse", {"grounds": "Нет состава"}, refused_case))
    ok(prosecutor.act("registry.case.reopen", {"grounds": "Отказ отменён"}, refused_case))
    ok(prosecutor.act("registry.term.extend", {}, refused_case))
    ok(investigator.act("registry.case.join", {"other": other, "grounds": "Соучастие"}, main))
    ok(
        investigator.act(
            "registry.case.suspend", {"basis": "serious_illness", "grounds": "Болен"}, main
        )
    )
    clock.advance(timedelta(days=20))
    ok(investigator.act("registry.case.resume", {"grounds": "Выздоровел"}, main))
    ok(prosecutor.act("registry.term.extend", {"months": 4}, main))
    ok(
        investigator.act(
            "registry.charge.requalify", {"person": first, "article": "205", "part": 3}, main
        )
    )
    split = ok(
        investigator.act("registry.case.split", {"persons": [second], "summary": "Выделено"}, main)
    )
    new = split["result"]["new_case"]
    ok(investigator.act("registry.case.terminate", {"grounds": "Смерть обвиняемого"}, new))
    clock.advance(timedelta(days=10))
    ok(investigator.act("registry.indictment.submit", {}, main))
    ok(prosecutor.act("registry.indictment.return", {"reasons": "Провести экспертизу"}, main))
    ok(investigator.act("registry.indictment.submit", {}, main))
    ok(prosecutor.act("registry.indictment.approve", {"court": "GB-SUD"}, main))
    ok(
        prosecutor.act(
            "registry.case.transfer",
            {"unit": "OSH-UVD", "grounds": "Подследственность"},
            refused_case,
        )
    )
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_copies_to_the_prosecutor_meet_the_24_and_12_hour_terms(as_user):
    from icjis.legal.models import Deadline

    number = opened(as_user)
    inv = as_user("investigator")
    ok(inv.act("registry.copy.send", {"document": "opening_decision"}, number))
    assert Deadline.objects.get(case_id=number, rule="opening.copy_to_prosecutor").state == "met"
    pid = add(as_user, number, "suspect", "Эшимов")
    refused(
        inv.act("registry.copy.send", {"document": "detention_record", "person": pid}, number), 409
    )
    now = inv.get("/clock").json()["now"]
    ok(
        inv.act(
            "detention.arrest",
            {"person": pid, "detained_at": now, "place": "ул. Ибраимова", "grounds": "CPC 96"},
            number,
        )
    )
    ok(inv.act("registry.copy.send", {"document": "detention_record", "person": pid}, number))
    term = Deadline.objects.get(case_id=number, rule="detention.record_to_prosecutor", subject=pid)
    assert term.state == "met"
    refused(
        as_user("investigator_osh").act(
            "registry.copy.send", {"document": "opening_decision"}, number
        ),
        404,
    )
