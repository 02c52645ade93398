"""Incident management and dispatch (module K): a call opens an incident at the server's hour,
the available crews are ranked nearest first and the ranking is recorded with the crew sent,
the radio reports move the crews and the incident, warnings at the address are shown and kept,
one click turns an incident into a registered crime report, and the centre reads only its own
area."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from icjis.core import clock
from icjis.core.models import AccessRecord, Case, Event, PersonSighting
from icjis.dispatch.models import Assignment, Crew, Incident
from icjis.offences.models import OrderPerson, ProtectionOrder

BISHKEK = (42.8746, 74.5698)
SCENE = {"region": "KG-GB", "district": "KG-GB-LEN", "address": "ул. Киевская, д. 12, кв. 4"}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json()
    return response.json()["result"]


def crews(dispatcher: Any, *offsets: tuple[float, float], prefix: str = "T") -> list[str]:
    """Put crews on duty at the given offsets (degrees) from the centre of Bishkek."""
    signs = []
    for n, (dlat, dlon) in enumerate(offsets, start=1):
        data = {
            "call_sign": f"{prefix}-{n}",
            "kind": "patrol",
            "lat": BISHKEK[0] + dlat,
            "lon": BISHKEK[1] + dlon,
        }
        signs.append(ok(dispatcher.act("dispatch.crew.on_duty", data))["crew"])
    return signs


CALL = {"type": "theft", "summary": "Из машины украли сумку"}


def call(dispatcher: Any, kind: str = "theft", **place: Any) -> str:
    data = {
        "type": kind,
        "place": {**SCENE, "lat": BISHKEK[0], "lon": BISHKEK[1], **place},
        "summary": "Из машины украли сумку",
        "callback": "+996 555 000 000",
    }
    return ok(dispatcher.act("dispatch.call.receive", data))["incident"]


def test_a_call_is_answered_by_the_nearest_crew_and_cleared_with_the_servers_hours(as_user):
    dispatcher = as_user("dispatcher")
    far, near, middle = crews(dispatcher, (0.05, 0.05), (0.001, 0.001), (0.01, 0.0))
    taken = clock.now()
    number = call(dispatcher)
    incident = Incident.objects.get(pk=number)
    assert number.startswith(f"IN-{clock.now():%y}-0101-")  # the unit's register code
    assert incident.state == "received" and incident.priority == 2  # a theft's priority
    assert taken <= incident.received_at <= clock.now()

    detail = dispatcher.get(f"/dispatch/incidents/{number}").json()
    assert [r["crew"] for r in detail["recommended"]] == [near, middle, far]
    distances = [r["distance_m"] for r in detail["recommended"]]
    assert distances == sorted(distances) and 100 < distances[0] < 200  # 0.001° each way

    clock.advance(timedelta(minutes=2))
    ok(dispatcher.act("dispatch.incident.dispatch", {"incident": number, "crew": near}))
    clock.advance(timedelta(minutes=7))
    ok(dispatcher.act("dispatch.incident.arrive", {"incident": number, "crew": near}))
    assert Crew.objects.get(pk=near).status == "on_scene"
    assert Incident.objects.get(pk=number).state == "on_scene"
    clock.advance(timedelta(minutes=20))
    ok(
        dispatcher.act(
            "dispatch.incident.clear", {"incident": number, "disposition": "resolved_on_scene"}
        )
    )

    incident = Incident.objects.get(pk=number)
    assert incident.state == "cleared" and incident.disposition == "resolved_on_scene"
    assert incident.dispatched_at - incident.received_at >= timedelta(minutes=2)
    assert incident.arrived_at - incident.dispatched_at >= timedelta(minutes=7)
    [sent] = Assignment.objects.filter(incident=incident)
    assert sent.recommended and sent.released_at == incident.cleared_at
    assert Crew.objects.get(pk=near).status == "available"
    shown = dispatcher.get(f"/dispatch/incidents/{number}").json()
    assert shown["seconds_to_dispatch"] >= 120 and shown["seconds_to_arrive"] >= 540
    assert shown["recommended"] == []  # a cleared incident ranks no crew
    event = Event.objects.get(stream=f"incident/{number}", kind="dispatch.incident.dispatch")
    assert [r["crew"] for r in event.payload["ranking"]] == [near, middle, far]
    call_command("rebuild_projections", "--check")


def test_another_crew_than_the_recommended_needs_a_reason_and_a_busy_crew_cannot_be_sent(as_user):
    dispatcher = as_user("dispatcher")
    near, far = crews(dispatcher, (0.001, 0.0), (0.03, 0.0))
    number = call(dispatcher, "assault")
    refused = dispatcher.act("dispatch.incident.dispatch", {"incident": number, "crew": far})
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    assert not Assignment.objects.exists()
    reason = "T-1 охраняет место другого происшествия"
    ok(
        dispatcher.act(
            "dispatch.incident.dispatch", {"incident": number, "crew": far, "reason": reason}
        )
    )
    sent = Assignment.objects.get(crew_id=far)
    assert not sent.recommended and sent.reason == reason
    assert Incident.objects.get(pk=number).priority == 1  # an assault's

    other = call(dispatcher, "disturbance")
    busy = dispatcher.act("dispatch.incident.dispatch", {"incident": other, "crew": far})
    assert busy.status_code == 409
    status = dispatcher.act("dispatch.crew.status", {"call_sign": far, "status": "off_duty"})
    assert status.status_code == 409  # freed by its incident, not by a status
    ok(dispatcher.act("dispatch.incident.release", {"incident": number, "crew": far}))
    assert Incident.objects.get(pk=number).state == "received"  # awaiting a crew again
    assert Crew.objects.get(pk=far).status == "available"
    premature = dispatcher.act(
        "dispatch.incident.clear", {"incident": number, "disposition": "report_registered"}
    )
    assert premature.status_code == 409  # no report registered from it
    ok(dispatcher.act("dispatch.crew.status", {"call_sign": near, "status": "off_duty"}))
    again = dispatcher.act(
        "dispatch.crew.on_duty", {"call_sign": far, "kind": "patrol", "lat": 42.9, "lon": 74.6}
    )
    assert again.status_code == 409  # already on duty


def test_a_call_at_an_address_with_an_order_or_a_hazard_keeps_the_warnings(as_user, world):
    from tests.offences.test_orders import issued

    officer = as_user("offences_officer")
    order = issued(officer)["order"]
    dispatcher = as_user("dispatcher")
    hazard = ok(
        dispatcher.act(
            "dispatch.hazard.record",
            {
                "kind": "weapons",
                "place": {"region": "KG-GB", "address": "ул Киевская д 12 кв 4"},
                "note": "Охотничье ружьё в квартире",
            },
        )
    )["hazard"]
    number = call(dispatcher, "family_violence", address="УЛ. КИЕВСКАЯ, д.12, кв.4")
    incident = Incident.objects.get(pk=number)
    assert incident.warnings == [
        {"kind": "protection_order", "ref": order},
        {"kind": "hazard", "ref": hazard},
    ]
    looked_up = dispatcher.get("/dispatch/warnings", region="KG-GB", address=SCENE["address"])
    assert [w["ref"] for w in looked_up.json()] == [order, hazard]
    ok(dispatcher.act("dispatch.hazard.withdraw", {"hazard": hazard, "reason": "Ружьё сдано"}))
    now = dispatcher.get(f"/dispatch/incidents/{number}").json()
    assert [w["ref"] for w in now["warnings_now"]] == [order]  # the hazard is withdrawn
    assert len(now["warnings"]) == 2  # what the dispatcher was warned of at the call stays
    elsewhere = call(dispatcher, address="ул. Ленина, д. 1")
    assert Incident.objects.get(pk=elsewhere).warnings == []
    # The read of the incident names the person its warnings name.
    restrained = OrderPerson.objects.get(order_id=order, role="restrained").person_id
    seen = PersonSighting.objects.filter(actor="dispatcher", subject_type="incident")
    assert seen.filter(subject=number, person=restrained).exists()
    call_command("rebuild_projections", "--check")


def test_the_page_says_an_orders_end_in_local_time(as_user, browser):
    from tests.offences.test_orders import issued

    order = issued(as_user("offences_officer"))["order"]
    number = call(as_user("dispatcher"), "family_violence")
    until = ProtectionOrder.objects.get(pk=order).until
    page = browser("dispatcher").get(f"/dispatch/incidents/{number}/").content.decode()
    local = date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")
    assert f"Protection order {order} in force at the address until {local}." in page
    assert timezone.localtime(until).utcoffset() == timedelta(hours=6)  # Bishkek, not UTC


def test_a_hazard_on_a_person_warns_whoever_looks_the_person_up(as_user, world):
    from tests.offences.test_orders import issued

    officer = as_user("offences_officer")
    order = issued(officer)["order"]
    person = OrderPerson.objects.get(order_id=order, role="restrained").person_id
    dispatcher = as_user("dispatcher")
    hazard = ok(
        dispatcher.act(
            "dispatch.hazard.record",
            {
                "kind": "violent_person",
                "place": {"region": "KG-GB", "address": "ул. Ленина, д. 3"},
                "note": "Нападал на сотрудников полиции",
                "person": person,
            },
        )
    )["hazard"]
    shown = officer.get(f"/persons/{person}").json()
    assert [w.get("ref") for w in shown["warnings"] if w["kind"] == "hazard"] == [hazard]
    assert AccessRecord.objects.filter(subject_type="hazard", subject=hazard).exists()
    unknown = dispatcher.act(
        "dispatch.hazard.record",
        {
            "kind": "weapons",
            "place": {"region": "KG-GB", "address": "ул. Ленина, д. 3"},
            "note": "Ружьё",
            "person": "P-NOT-THERE",
        },
    )
    assert unknown.status_code == 404


def test_one_click_registers_the_crime_report_of_an_incident_once(browser, as_user):
    dispatcher = as_user("dispatcher")
    crews(dispatcher, (0.001, 0.0))
    number = call(dispatcher)
    page = browser("dispatcher")
    shown = page.get(f"/dispatch/incidents/{number}/").content.decode()
    assert 'action="/acts/registry.report.register/"' in shown
    assert "Send (recommended)" in shown
    form = {
        "channel": "dispatch",
        "summary": "Из машины украли сумку",
        "place.region": "KG-GB",
        "place.district": "KG-GB-LEN",
        "place.address": SCENE["address"],
        "reference": number,
        "idempotency_key": "one-click-1",
    }
    response = page.post("/acts/registry.report.register/", form)
    assert response.status_code == 302 and "/public/reports/" in response["Location"]
    case = Incident.objects.get(pk=number).case_id
    assert case and Case.objects.get(pk=case).details["reference"] == number
    linked = Event.objects.get(stream=f"incident/{number}", kind="dispatch.incident.link")
    assert linked.actor == "system" and linked.payload["case"] == case
    cases = Case.objects.count()
    twice = page.post("/acts/registry.report.register/", {**form, "idempotency_key": "other"})
    assert twice.status_code == 400 and Case.objects.count() == cases  # nothing half-written
    unknown = dispatcher.act(
        "registry.report.register",
        {
            "channel": "dispatch",
            "summary": "Кража",
            "place": {"region": "KG-GB"},
            "reference": "IN-1",
        },
    )
    assert unknown.status_code == 404 and Case.objects.count() == cases
    blank = dispatcher.act(
        "registry.report.register",
        {
            "channel": "dispatch",
            "summary": "Кража",
            "place": {"region": "KG-GB"},
            "reference": "  ",
        },
    )
    assert blank.status_code == 400 and Case.objects.count() == cases
    ok(
        dispatcher.act(
            "dispatch.incident.clear", {"incident": number, "disposition": "report_registered"}
        )
    )
    # A report of another channel keeps its reference and links nothing.
    transfer = ok(
        dispatcher.act(
            "registry.report.register",
            {
                "channel": "transfer",
                "summary": "Материал из ГКНБ",
                "place": {"region": "KG-GB"},
                "reference": "ГКНБ-77",
            },
        )
    )
    assert Case.objects.get(pk=transfer["case"]).details["reference"] == "ГКНБ-77"
    call_command("rebuild_projections", "--check")


def test_the_centre_reads_and_acts_only_in_its_own_area(as_user):
    bishkek = as_user("dispatcher")
    [crew] = crews(bishkek, (0.001, 0.0))
    number = call(bishkek)
    osh = as_user("dispatcher_osh")
    assert osh.get(f"/dispatch/incidents/{number}").status_code == 404
    assert osh.get("/dispatch/incidents").json()["items"] == []
    assert osh.get("/dispatch/crews").json() == []
    refused = osh.act("dispatch.incident.dispatch", {"incident": number, "crew": crew})
    assert refused.status_code == 404
    taken = osh.act(
        "dispatch.crew.on_duty", {"call_sign": crew, "kind": "patrol", "lat": 40.5, "lon": 72.8}
    )
    assert taken.status_code == 409  # the call sign is Bishkek's
    auditor = as_user("auditor")
    assert auditor.get(f"/dispatch/incidents/{number}").status_code == 200
    assert (
        auditor.act("dispatch.incident.dispatch", {"incident": number, "crew": crew}).status_code
        == 403
    )
    assert as_user("investigator").get("/dispatch/incidents").json()["items"] == []
    assert (
        as_user("investigator")
        .get("/dispatch/warnings", region="KG-GB", address="ул. Ленина")
        .status_code
        == 403
    )
    reads = AccessRecord.objects.filter(subject_type="incident", subject=number)
    assert {r.outcome for r in reads} == {"denied", "shown"}


def test_the_board_shows_the_most_urgent_first_and_refreshes_itself(browser, as_user):
    dispatcher = as_user("dispatcher")
    crews(dispatcher, (0.001, 0.0))
    noise = call(dispatcher, "disturbance")
    robbery = call(dispatcher, "robbery")
    page = browser("dispatcher").get("/dispatch/").content.decode()
    assert '<meta http-equiv="refresh" content="30">' in page
    assert page.index(robbery) < page.index(noise)
    assert "T-1" in page
    assert browser("investigator").get("/dispatch/").status_code == 404


def test_the_board_lists_the_hazards_in_force_with_their_last_day_and_a_way_to_withdraw(
    browser, as_user
):
    dispatcher = as_user("dispatcher")
    last_day = (timezone.localtime(clock.now()) + timedelta(days=3)).date()
    hazard = {
        "kind": "weapons",
        "place": {"region": "KG-GB", "address": "ул. Ленина, д. 9"},
        "note": "Охотничье ружьё",
        "until": last_day.isoformat(),
    }
    noted = ok(dispatcher.act("dispatch.hazard.record", hazard))["hazard"]
    page = browser("dispatcher").get("/dispatch/").content.decode()
    assert noted in page and date_format(last_day, "SHORT_DATE_FORMAT") in page
    assert f"/acts/dispatch.hazard.withdraw/?hazard={noted}" in page
    assert noted not in browser("dispatcher_osh").get("/dispatch/").content.decode()  # not theirs
    ok(dispatcher.act("dispatch.hazard.withdraw", {"hazard": noted, "reason": "Сдано"}))
    assert noted not in browser("dispatcher").get("/dispatch/").content.decode()


def test_the_statistics_count_the_calls_answered_and_their_minutes_from_the_ledger(as_user):
    from tests.analytics.test_fold import by

    from icjis.analytics.fold import compute, month_of

    dispatcher = as_user("dispatcher")
    [crew] = crews(dispatcher, (0.001, 0.0))
    answered = call(dispatcher, "assault")
    clock.advance(timedelta(minutes=2, seconds=20))
    ok(dispatcher.act("dispatch.incident.dispatch", {"incident": answered, "crew": crew}))
    clock.advance(timedelta(minutes=7))
    ok(dispatcher.act("dispatch.incident.arrive", {"incident": answered, "crew": crew}))
    false = call(dispatcher, "other")
    still_open = call(dispatcher, "theft")
    for number, outcome in ((answered, "resolved_on_scene"), (false, "false_call")):
        clear = {"incident": number, "disposition": outcome}
        ok(dispatcher.act("dispatch.incident.clear", clear))
    Incident.objects.filter(pk=answered).update(type="theft")  # the tables do not count
    rows = compute(clock.now() + timedelta(seconds=1)).rows(month_of(clock.now()))
    assert by(rows, "dispatch.incidents", "region", "kind") == {
        ("KG-GB", "assault"): {
            "count": 1,
            "dispatched": 1,
            "dispatch_minutes": 2,  # 2 min 20 s
            "arrived": 1,
            "arrival_minutes": 9,  # 9 min 20 s from the call
        },
        ("KG-GB", "other"): {
            "count": 1,
            "dispatched": 0,
            "dispatch_minutes": 0,
            "arrived": 0,
            "arrival_minutes": 0,
        },
    }
    assert Incident.objects.get(pk=still_open).state == "received"  # not cleared: not counted


def test_a_hazard_holds_to_the_end_of_its_last_day_and_only_its_unit_withdraws_it(as_user):
    dispatcher = as_user("dispatcher")
    place = {"region": "KG-GB", "address": "ул. Ленина, д. 3"}
    hazard = {"kind": "dangerous_animal", "place": place, "note": "Собака во дворе"}
    far = dispatcher.act("dispatch.hazard.record", {**hazard, "until": "9999-12-31"})
    assert far.status_code == 400 and "until" in far.json()["fields"]
    past = dispatcher.act("dispatch.hazard.record", {**hazard, "until": "2020-01-01"})
    assert past.status_code == 400
    last_day = (timezone.localtime(clock.now()) + timedelta(days=2)).date().isoformat()
    noted = ok(dispatcher.act("dispatch.hazard.record", {**hazard, "until": last_day}))["hazard"]
    looked_up = dispatcher.get("/dispatch/warnings", **place).json()
    assert [w["ref"] for w in looked_up] == [noted]
    osh = as_user("dispatcher_osh")
    withdrawn = osh.act("dispatch.hazard.withdraw", {"hazard": noted, "reason": "Не наш"})
    assert withdrawn.status_code == 404
    clock.advance(timedelta(days=3))
    assert dispatcher.get("/dispatch/warnings", **place).json() == []  # past its last day
    assert as_user("judge").get("/dispatch/warnings", **place).status_code == 403
    call_command("rebuild_projections", "--check")


def test_a_crew_on_the_scene_is_ranked_from_the_scene_afterwards(as_user):
    dispatcher = as_user("dispatcher")
    [crew] = crews(dispatcher, (0.05, 0.05))
    number = call(dispatcher, lat=42.80, lon=74.50)
    ok(dispatcher.act("dispatch.incident.dispatch", {"incident": number, "crew": crew}))
    ok(dispatcher.act("dispatch.incident.arrive", {"incident": number, "crew": crew}))
    ok(dispatcher.act("dispatch.incident.release", {"incident": number, "crew": crew}))
    assert (Crew.objects.get(pk=crew).lat, Crew.objects.get(pk=crew).lon) == (42.80, 74.50)
    ok(dispatcher.act("dispatch.crew.status", {"call_sign": crew, "status": "off_duty"}))
    back = {"call_sign": crew, "kind": "patrol", "lat": 42.9, "lon": 74.6}
    ok(dispatcher.act("dispatch.crew.on_duty", back))
    call_command("rebuild_projections", "--check")


def test_sending_another_crew_from_the_page_asks_for_the_reason(as_user, browser):
    dispatcher = as_user("dispatcher")
    near, far = crews(dispatcher, (0.001, 0.0), (0.03, 0.0))
    number = call(dispatcher)
    page = browser("dispatcher")
    form = {"incident": number, "crew": far, "idempotency_key": "send-far-1"}
    refused = page.post("/acts/dispatch.incident.dispatch/", form)
    assert refused.status_code == 400
    assert (
        f"Crew {near} is recommended; say why you send {far} instead." in refused.content.decode()
    )
    sent = page.post("/acts/dispatch.incident.dispatch/", {**form, "reason": "Ближе по пробкам"})
    assert sent.status_code == 302 and sent["Location"] == f"/dispatch/incidents/{number}/"
    assert Assignment.objects.get(incident_id=number).reason == "Ближе по пробкам"


def test_a_person_named_on_an_incident_warns_the_dispatcher_of_their_order_at_once(
    as_user, browser
):
    """The caller names her ex-husband, whom a protection order restrains: named by his
    particulars (a new record that may be the same person), the dispatcher is warned of the
    order on the record he may be, in the act's answer and on the incident's page; the event
    keeps the warning; naming him again by his id in the same role is refused; the read of the
    page names him."""
    from tests.offences.test_orders import ABUSER, issued

    order = issued(as_user("offences_officer"))["order"]
    restrained = OrderPerson.objects.get(order_id=order, role="restrained").person_id
    dispatcher = as_user("dispatcher")
    number = call(dispatcher, "family_violence", address="ул. Токтогула, д. 5")
    named = {"incident": number, "role": "suspect", "person": ABUSER}
    answer = dispatcher.act("dispatch.incident.person", named)
    assert answer.status_code == 201, answer.json()
    event = Event.objects.get(stream=f"incident/{number}", kind="dispatch.incident.person")
    kept = json.loads(event.data)["warnings"]
    assert [(w["kind"], w["order"], w["person"]) for w in kept] == [
        ("protection_order", order, restrained)
    ]
    assert [w["order"] for w in answer.json()["result"]["warnings"]] == [order]
    # Named by particulars, the new record keeps the order of the record it may be, on the page
    # and in the API, before anyone names him by id.
    first = dispatcher.get(f"/dispatch/incidents/{number}").json()["persons"]
    assert [w["order"] for w in first[0]["warnings"]] == [order]
    assert first[0]["maybe"] == [restrained]
    page = browser("dispatcher").get(f"/dispatch/incidents/{number}/").content.decode()
    assert f"Restrained by protection order {order}" in page
    # By his id: the record with the order; named again in the same role, refused.
    by_id = {"incident": number, "role": "suspect", "person": {"id": restrained}}
    ok(dispatcher.act("dispatch.incident.person", by_id))
    again = dispatcher.act("dispatch.incident.person", by_id)
    assert again.status_code == 409
    unknown = {"incident": number, "role": "witness", "person": {"id": "P-NOT-THERE"}}
    assert dispatcher.act("dispatch.incident.person", unknown).status_code == 404
    detail = dispatcher.get(f"/dispatch/incidents/{number}").json()
    roles = [(p["role"], p["person"] == restrained) for p in detail["persons"]]
    assert roles == [("suspect", False), ("suspect", True)]
    assert [w["order"] for w in detail["persons"][1]["warnings"]] == [order]
    assert "Name a person on an incident" in page
    seen = PersonSighting.objects.filter(actor="dispatcher", subject_type="incident")
    assert seen.filter(subject=number, person=restrained).exists()
    # A cleared incident takes no more names.
    ok(
        dispatcher.act(
            "dispatch.incident.clear", {"incident": number, "disposition": "resolved_on_scene"}
        )
    )
    late = {"incident": number, "role": "witness", "person": {**ABUSER, "given_name": "Айгуль"}}
    assert dispatcher.act("dispatch.incident.person", late).status_code == 409
    call_command("rebuild_projections", "--check")


def test_a_second_call_at_the_address_is_shown_the_first_as_maybe_the_same_event(as_user, browser):
    """Two calls about one fight: the second is shown the first (open) with the address
    written another way, and one cleared there within the hour, but not another unit's; an hour
    later an open incident there is still shown, a cleared one no longer; a call elsewhere is
    shown none; the event keeps what the dispatcher was shown."""
    dispatcher = as_user("dispatcher")
    first = call(dispatcher, "disturbance")
    quick = call(dispatcher)
    ok(dispatcher.act("dispatch.incident.clear", {"incident": quick, "disposition": "unfounded"}))
    osh = call(as_user("dispatcher_osh"))
    answer = dispatcher.act(
        "dispatch.call.receive",
        {
            "type": "disturbance",
            "place": {**SCENE, "address": "УЛ КИЕВСКАЯ Д 12 КВ 4"},
            "summary": "Драка во дворе, кричат",
        },
    )
    second = ok(answer)
    assert second["same_address"] == [quick, first]
    assert osh not in second["same_address"]
    event = Event.objects.get(stream=f"incident/{second['incident']}")
    assert json.loads(event.data)["same_address"] == [quick, first]
    page = browser("dispatcher").get(f"/dispatch/incidents/{second['incident']}/")
    assert f"/dispatch/incidents/{first}/" in page.content.decode()
    detail = dispatcher.get(f"/dispatch/incidents/{second['incident']}").json()
    assert detail["same_address"] == [quick, first]
    clock.advance(timedelta(minutes=61))
    later = ok(dispatcher.act("dispatch.call.receive", {**CALL, "place": {**SCENE}}))
    assert later["same_address"] == [second["incident"], first]  # open, however old
    for number in (first, second["incident"], later["incident"]):
        done = {"incident": number, "disposition": "resolved_on_scene"}
        ok(dispatcher.act("dispatch.incident.clear", done))
    clock.advance(timedelta(minutes=61))
    assert (
        ok(dispatcher.act("dispatch.call.receive", {**CALL, "place": {**SCENE}}))["same_address"]
        == []
    )
    away = {**CALL, "place": {**SCENE, "address": "ул. Ленина, д. 1"}}
    assert ok(dispatcher.act("dispatch.call.receive", away))["same_address"] == []
    call_command("rebuild_projections", "--check")


def test_an_order_issued_at_the_address_of_an_open_incident_is_passed_on_to_its_crews(
    as_user, browser
):
    """A crew is on its way to a family quarrel when the order is issued at that flat: the
    incident's dispatchers are alerted at once, naming the crew to tell, on the board; a cleared
    incident at the address, or one elsewhere, is not."""
    from tests.offences.test_orders import issued

    dispatcher = as_user("dispatcher")
    [crew] = crews(dispatcher, (0.001, 0.001))
    number = call(dispatcher, "family_violence")
    ok(dispatcher.act("dispatch.incident.dispatch", {"incident": number, "crew": crew}))
    done = call(dispatcher, "family_violence")
    ok(dispatcher.act("dispatch.incident.clear", {"incident": done, "disposition": "duplicate"}))
    elsewhere = call(dispatcher, "family_violence", address="ул. Ленина, д. 1")
    order = issued(as_user("offences_officer"))["order"]
    warned = Event.objects.filter(kind="dispatch.incident.warn")
    assert [e.stream for e in warned] == [f"incident/{number}"]
    assert json.loads(warned.get().data)["crews"] == [crew]
    alerts = dispatcher.get("/alerts").json()
    mine = [a for a in alerts if a["kind"] == "dispatch.incident.warn"]
    assert len(mine) == 1 and order in mine[0]["message"] and crew in mine[0]["message"]
    board = browser("dispatcher").get("/dispatch/").content.decode()
    assert f"Protection order {order} has been issued at the address of open incident" in board
    assert elsewhere not in {a["subject"] for a in mine}
    call_command("rebuild_projections", "--check")
