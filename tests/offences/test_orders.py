"""Temporary protection orders (module J): the report of violence starts the 24 hours to issue
(Law No. 63, art. 25); an order runs 3 to 30 days in all (art. 27); breaches are recorded and
alerted (CoO 71); orders in force warn whoever looks up the person or the address; the register
is scoped to its unit and every read is logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command

from icjis.core import clock
from icjis.core.models import AccessRecord, Alert, Event
from icjis.offences.acts import normalise_order
from icjis.offences.models import ProtectionOrder

ABUSER = {"surname": "Тестов", "given_name": "Марат", "birth_date": "1985-03-02", "sex": "M"}
VICTIM = {"surname": "Тестова", "given_name": "Айгуль", "birth_date": "1988-07-09", "sex": "F"}
PLACE = {"region": "KG-GB", "district": "KG-GB-LEN", "address": "ул. Киевская, д. 12, кв. 4"}


def request(officer: Any, *, hours_ago: float = 1, **extra: Any) -> Any:
    data = {
        "restrained": ABUSER,
        "protected": VICTIM,
        "place": PLACE,
        "reported_at": (clock.now() - timedelta(hours=hours_ago)).isoformat(),
        "summary": "Соседи сообщили о побоях; пострадавшая просит защиты.",
        **extra,
    }
    return officer.act("offences.order.request", data)


def requested(officer: Any, **extra: Any) -> dict[str, Any]:
    r = request(officer, **extra)
    assert r.status_code == 201, r.json()
    return r.json()["result"]


def issued(officer: Any, days: int = 10, **extra: Any) -> dict[str, Any]:
    result = requested(officer, **extra)
    r = officer.act(
        "offences.order.issue",
        {"order": result["order"], "days": days, "conditions": ["no_contact", "no_violence"]},
    )
    assert r.status_code == 201, r.json()
    return {**result, **r.json()["result"]}


def test_an_order_is_asked_for_issued_extended_and_shown_with_its_term(as_user):
    officer = as_user("offences_officer")
    result = requested(officer, hours_ago=2)
    number = result["order"]
    assert normalise_order(number) == number
    assert number.startswith(f"PO-{clock.now():%y}-0101-")  # the unit's register code
    order = ProtectionOrder.objects.get(pk=number)
    assert order.state == "requested"
    # The 24 hours run from when the police learnt of it, not from when it was typed in.
    assert order.issue_due_at == order.reported_at + timedelta(hours=24)
    assert order.issue_due_at - clock.now() < timedelta(hours=22, minutes=1)
    event = Event.objects.get(stream=f"order/{number}", seq=1)
    assert event.kind == "offences.order.request" and event.claimed_at == order.reported_at

    listed = officer.get("/offences/orders", state="requested").json()["items"]
    assert [o["number"] for o in listed] == [number]
    assert listed[0]["issue_overdue"] is False

    r = officer.act(
        "offences.order.issue",
        {"order": number, "days": 10, "conditions": ["no_violence", "no_contact", "no_contact"]},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["result"]["late"] is False
    order.refresh_from_db()
    assert order.state == "in_force" and order.days == 10
    assert order.conditions == ["no_violence", "no_contact"]  # the rules' order, each once
    assert order.until == order.issued_at + timedelta(days=10)

    r = officer.act("offences.order.extend", {"order": number, "days": 20})
    assert r.status_code == 201, r.json()
    order.refresh_from_db()
    assert order.days == 30 and order.until == order.issued_at + timedelta(days=30)
    # 30 days in all at most (art. 27).
    r = officer.act("offences.order.extend", {"order": number, "days": 1})
    assert r.status_code == 400 and r.json()["error"] == "invalid"
    assert "30" in r.json()["message"]

    clock.advance(timedelta(days=30, minutes=1))
    detail = officer.get(f"/offences/orders/{number}").json()
    assert detail["state"] == "expired"
    assert officer.act("offences.order.extend", {"order": number, "days": 1}).status_code == 409
    call_command("rebuild_projections", "--check")


def test_the_24_hours_to_issue_are_visible_and_a_late_issue_is_marked(as_user):
    officer = as_user("offences_officer")
    number = requested(officer, hours_ago=20)["order"]
    clock.advance(timedelta(hours=5))
    overdue = officer.get("/offences/orders", overdue="true").json()["items"]
    assert [o["number"] for o in overdue] == [number] and overdue[0]["issue_overdue"]
    r = officer.act(
        "offences.order.issue", {"order": number, "days": 3, "conditions": ["no_contact"]}
    )
    assert r.status_code == 201 and r.json()["result"]["late"] is True
    assert ProtectionOrder.objects.get(pk=number).issued_late
    assert officer.get("/offences/orders", overdue="true").json()["items"] == []


def test_refusals_write_nothing(as_user):
    officer = as_user("offences_officer")
    events = Event.objects.count()
    future = request(officer, hours_ago=-1)
    assert future.status_code == 400 and "reported_at" in future.json()["fields"]
    bad_district = request(officer, place={**PLACE, "district": "KG-O-KSU"})
    assert bad_district.status_code == 400 and "place.district" in bad_district.json()["fields"]
    assert request(officer, place={**PLACE, "region": "KG-Q"}).status_code == 400
    valid = {
        "restrained": ABUSER,
        "protected": VICTIM,
        "place": PLACE,
        "reported_at": clock.now().isoformat(),
        "summary": "Сообщение",
    }
    assert as_user("prosecutor").act("offences.order.request", valid).status_code == 403
    early = request(officer, reported_at="0001-01-01T03:00:00+05:00")  # a year 1 claimed
    assert early.status_code == 400 and "reported_at" in early.json()["fields"]
    assert Event.objects.count() == events  # no act and no order number taken
    # A person outside the officer's scope cannot be named by id (missing and forbidden alike).
    stranger = as_user("registrar_osh").act(
        "registry.report.register",
        {
            "channel": "phone",
            "summary": "Кража",
            "place": {"region": "KG-O"},
            "applicant": {**VICTIM, "surname": "Чужая"},
        },
    )
    applicant = Event.objects.get(
        stream=f"case/{stranger.json()['result']['case']}", kind="registry.report.register"
    ).payload["applicant"]["id"]
    unseen = request(officer, restrained={"id": applicant})
    assert unseen.status_code == 404

    number = requested(officer)["order"]
    short = officer.act(
        "offences.order.issue", {"order": number, "days": 2, "conditions": ["no_contact"]}
    )
    assert short.status_code == 400 and short.json()["fields"] == {"days": "too short"}
    long = officer.act(
        "offences.order.issue", {"order": number, "days": 31, "conditions": ["no_contact"]}
    )
    assert long.status_code == 400
    unknown = officer.act(
        "offences.order.issue", {"order": number, "days": 5, "conditions": ["curfew"]}
    )
    assert unknown.status_code == 400 and "conditions.0" in unknown.json()["fields"]
    assert officer.act("offences.order.extend", {"order": number, "days": 2}).status_code == 409
    assert (
        officer.act("offences.order.revoke", {"order": number, "grounds": "x" * 5}).status_code
        == 409
    )
    assert ProtectionOrder.objects.get(pk=number).state == "requested"
    # Another unit's officer neither sees nor acts on it.
    osh = as_user("offences_officer_osh")
    assert osh.get(f"/offences/orders/{number}").status_code == 404
    assert (
        osh.act("offences.order.refuse", {"order": number, "grounds": "нет оснований"}).status_code
        == 404
    )
    refused = officer.act(
        "offences.order.refuse", {"order": number, "grounds": "Пострадавшая отказалась"}
    )
    assert refused.status_code == 201
    assert ProtectionOrder.objects.get(pk=number).state == "refused"


def test_a_breach_is_recorded_within_the_term_and_alerted(as_user):
    officer = as_user("offences_officer")
    number = issued(officer, days=5)["order"]
    order = ProtectionOrder.objects.get(pk=number)
    clock.advance(timedelta(days=1))
    before = order.issued_at - timedelta(minutes=1)
    r = officer.act(
        "offences.order.breach",
        {"order": number, "occurred_at": before.isoformat(), "description": "Звонил ей"},
    )
    assert r.status_code == 400 and r.json()["fields"] == {"occurred_at": "outside the term"}
    r = officer.act(
        "offences.order.breach",
        {
            "order": number,
            "occurred_at": before.isoformat(),
            "description": "Звонил ей",
            "conditions": ["no_weapons"],
        },
    )
    assert r.status_code == 400
    at = clock.now() - timedelta(hours=3)
    r = as_user("dispatcher").act(
        "offences.order.breach",
        {
            "order": number,
            "occurred_at": at.isoformat(),
            "conditions": ["no_contact"],
            "description": "Пришёл к дому, звонил в дверь",
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["result"] == {"order": number, "breaches": 1, "article": "CoO 71"}
    [alert] = Alert.objects.filter(kind="offences.order.breach")
    assert alert.subject == number and ",offences_officer," in alert.roles
    assert alert.case_id is None and alert.unit_id == order.unit_id
    detail = officer.get(f"/offences/orders/{number}").json()
    assert detail["breaches"] == 1
    assert detail["breach_list"][0]["conditions"] == ["no_contact"]
    r = officer.act("offences.order.revoke", {"order": number, "grounds": "Суд применил меру"})
    assert r.status_code == 201
    assert (
        officer.act("offences.order.revoke", {"order": number, "grounds": "ещё раз"}).status_code
        == 409
    )
    call_command("rebuild_projections", "--check")


def test_orders_in_force_warn_whoever_looks_up_the_person_or_the_address(as_user):
    officer = as_user("offences_officer")
    result = issued(officer)
    number, abuser, victim = result["order"], result["restrained"], result["protected"][0]
    # An investigator in Osh, far from the issuing unit, is warned when the person is named.
    investigator = as_user("investigator_osh")
    found = investigator.get("/offences/warnings", person=abuser)
    assert found.status_code == 200
    [w] = found.json()
    assert (w["order"], w["role"], w["person"]) == (number, "restrained", abuser)
    assert w["conditions"] == ["no_violence", "no_contact"]
    [w] = investigator.get("/offences/warnings", person=victim).json()
    assert w["role"] == "protected"
    by_address = investigator.get(
        "/offences/warnings", region="KG-GB", address="ул Киевская  д 12 кв 4"
    ).json()
    assert [w["order"] for w in by_address] == [number]
    assert (
        investigator.get("/offences/warnings", region="KG-GB", address="ул Киевская 14").json()
        == []
    )
    logged = AccessRecord.objects.filter(actor="investigator_osh", subject_type="orders")
    assert logged.count() == 4
    # A role that never meets the public is not warned.
    assert as_user("analyst").get("/offences/warnings", person=abuser).status_code == 403
    # The person's own page names the order to those who may open the person.
    page = officer.get(f"/persons/{abuser}")
    assert page.status_code == 200, page.json()
    assert [w["order"] for w in page.json()["warnings"]] == [number]
    # Once the order has run out, no warning is left.
    clock.advance(timedelta(days=11))
    assert investigator.get("/offences/warnings", person=abuser).json() == []


def test_an_order_in_a_criminal_case_is_read_by_who_reads_the_case(as_user):
    registrar = as_user("registrar")
    report = registrar.act(
        "registry.report.register",
        {"channel": "phone", "summary": "Побои в семье", "place": {"region": "KG-GB"}},
    )
    case = report.json()["result"]["case"]
    officer = as_user("offences_officer")
    number = requested(officer, case=case)["order"]
    assert as_user("prosecutor").get(f"/offences/orders/{number}").status_code == 200
    details = as_user("prosecutor").get(f"/cases/{case}").json()["details"]
    assert details["protection_orders"][number]["state"] == "requested"
    assert as_user("prosecutor_osh").get(f"/offences/orders/{number}").status_code == 404
    assert request(officer, case="26-0101-999999-0").status_code == 404
    call_command("rebuild_projections", "--check")
