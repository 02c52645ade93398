"""The acts framework: one transaction, typed refusals that write nothing, idempotency."""

from __future__ import annotations

from icjis.core.models import ActReceipt, Case, Event, OutboxMessage, Person

REPORT = {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}}


def counts() -> tuple[int, int, int, int]:
    return (
        Event.objects.exclude(kind="access.read").count(),
        OutboxMessage.objects.count(),
        Case.objects.count(),
        Person.objects.count(),
    )


def test_it_refuses_bad_input_with_the_field_and_writes_nothing(as_user):
    registrar = as_user("registrar")
    before = counts()
    r = registrar.act("registry.report.register", {**REPORT, "channel": "pigeon"})
    assert r.status_code == 400
    body = r.json()
    assert (
        body["error"] == "invalid" and "channel" in body["message"] and "channel" in body["fields"]
    )
    assert counts() == before


def test_it_refuses_a_person_whose_pin_does_not_match_the_birth_date(as_user):
    registrar = as_user("registrar")
    before = counts()
    applicant = {
        "pin": "21505199000123",
        "surname": "Асанов",
        "given_name": "Бакыт",
        "birth_date": "1990-05-16",
        "sex": "M",
    }
    r = registrar.act("registry.report.register", {**REPORT, "applicant": applicant})
    assert r.status_code == 400, r.content
    assert r.json()["error"] == "invalid" and "person.pin" in r.json()["fields"]
    assert counts() == before


def test_it_refuses_an_unknown_act_and_a_role_that_may_not_act(as_user):
    assert as_user("registrar").act("registry.case.fly", {}).status_code == 400
    r = as_user("lawyer").act("registry.report.register", REPORT)
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


def test_it_returns_the_first_answer_to_a_retry_with_the_same_key(as_user):
    registrar = as_user("registrar")
    first = registrar.act("registry.report.register", REPORT, idempotency_key="k-1")
    again = registrar.act("registry.report.register", REPORT, idempotency_key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["event"] == again.json()["event"]
    assert first.json()["result"]["case"] == again.json()["result"]["case"]
    # The receipt token is told once; the stored answer never holds it in clear.
    token = first.json()["result"]["receipt_token"]
    assert again.json()["result"]["withheld"] == ["receipt_token"]
    assert token not in ActReceipt.objects.get().response
    assert Case.objects.count() == 1
    assert ActReceipt.objects.count() == 1
    other = registrar.act(
        "registry.report.register", {**REPORT, "summary": "Другое"}, idempotency_key="k-1"
    )
    assert other.status_code == 409
    assert Case.objects.count() == 1


def test_it_hides_a_case_of_another_region_from_an_act(as_user):
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    before = counts()
    r = as_user("investigator_osh").act(
        "registry.participant.add",
        {"role": "witness", "person": {"surname": "А", "given_name": "Б", "sex": "M"}},
        case=number,
    )
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert counts() == before


def test_it_refuses_assignment_to_someone_who_is_not_an_investigator_of_the_unit(as_user):
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    head = as_user("unit_head")
    r = head.act("registry.case.assign", {"officer": "registrar"}, case=number)
    assert r.status_code == 400 and "not an active investigator" in r.json()["message"]
    r = head.act("registry.case.assign", {"officer": "investigator_osh"}, case=number)
    assert r.status_code == 403
    r = head.act("registry.case.assign", {"officer": "investigator"}, case=number)
    assert r.status_code == 201
    case = head.get(f"/cases/{number}").json()
    assert case["stage"] == "pre_investigation"
    assert {"username": "investigator", "role": "investigator"}.items() <= case["officers"][
        0
    ].items()


def test_it_records_the_actor_role_unit_and_legal_basis_on_the_event(as_user):
    r = as_user("registrar").act("registry.report.register", REPORT)
    event = Event.objects.get(stream=r.json()["event"]["stream"], seq=1)
    assert (event.actor, event.actor_role, event.actor_unit, event.actor_agency) == (
        "registrar",
        "registrar",
        "GB-UVD",
        "MVD",
    )
    assert event.legal_basis.startswith("CPC 145")
    assert event.rule_pack == "kg-2021"
    assert event.simulated is True
    assert "receipt_token" not in event.data  # only its hash is kept
