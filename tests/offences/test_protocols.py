"""The register of offences (module J): a protocol entered within 72 hours (CoO 55(3)); the police
decide their own articles (456) and send the others to court (454(1)(1)); 10 days to decide, once
extendable by 10 (535); a penalty only as the article's sanction provides, and none after 6
months (48(1)); the appeal window of 10 days (547(2))."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from tests.offences.test_orders import ABUSER, PLACE, VICTIM, issued

from icjis.core import clock
from icjis.core.models import Alert, Event
from icjis.legal.counting import end_of_day, local_date
from icjis.offences.models import OffenceCase, ProtectionOrder

# CoO 130: a fine of 30 calculation units for a natural person, decided by the police (456).
POLICE_ARTICLE = {"article": "130"}


def register(officer: Any, *, hours_ago: float = 2, days_ago: float = 0, **extra: Any) -> Any:
    now = clock.now()
    data = {
        "person": ABUSER,
        **POLICE_ARTICLE,
        "committed_at": (now - timedelta(days=days_ago, hours=hours_ago + 1)).isoformat(),
        "protocol_at": (now - timedelta(days=days_ago, hours=hours_ago)).isoformat(),
        "place": PLACE,
        "description": "Неповиновение на улице (синтетические данные)",
        **extra,
    }
    return officer.act("offences.protocol.register", data)


def registered(officer: Any, **extra: Any) -> dict[str, Any]:
    r = register(officer, **extra)
    assert r.status_code == 201, r.json()
    return r.json()["result"]


def decide(user: Any, number: str, **data: Any) -> Any:
    body = {"offence": number, "outcome": "penalty", "grounds": "Вина доказана", **data}
    return user.act("offences.decision.make", body)


def test_the_police_decide_their_own_article_within_the_sanction(as_user):
    officer = as_user("offences_officer")
    result = registered(officer)
    number = result["offence"]
    case = OffenceCase.objects.get(pk=number)
    assert (case.forum, case.state, case.late_entry) == ("police", "registered", False)
    assert number.startswith("OF-") and case.title
    # Ten days from the day the protocol was drawn up (an hour before its registration: the
    # day before, when registered in the first hour of a day).
    assert case.decide_by == end_of_day(local_date(case.protocol_at) + timedelta(days=10))
    assert Event.objects.get(stream=f"offence/{number}", seq=1).claimed_at == case.protocol_at

    assert decide(officer, number, penalty={"kind": "warning"}).status_code == 400
    too_much = decide(officer, number, penalty={"kind": "fine", "amount": 31})
    assert too_much.status_code == 400 and too_much.json()["fields"] == {
        "penalty.amount": "outside the sanction"
    }
    assert decide(officer, number).status_code == 400  # no penalty named
    done = decide(officer, number, penalty={"kind": "fine", "amount": 30})
    assert done.status_code == 201, done.json()
    case.refresh_from_db()
    assert (case.state, case.penalty_kind, case.penalty_amount) == ("decided", "fine", 30)
    assert case.appeal_until == end_of_day(local_date(case.decided_at) + timedelta(days=10))
    assert decide(officer, number, penalty={"kind": "fine", "amount": 30}).status_code == 409
    assert as_user("offences_officer_osh").get(f"/offences/cases/{number}").status_code == 404
    shown = officer.get(f"/offences/cases/{number}").json()
    assert shown["penalty"] == {"kind": "fine", "amount": 30} and shown["state"] == "decided"
    call_command("rebuild_projections", "--check")


def test_a_breach_of_an_order_goes_to_court_which_decides(as_user):
    officer = as_user("offences_officer")
    order = issued(officer)["order"]
    wrong = register(officer, order=order)  # article 130 names no order
    assert wrong.status_code == 400 and "order" in wrong.json()["fields"]
    clock.advance(timedelta(hours=5))
    other = register(officer, article="71", order=order, person=VICTIM)
    assert other.status_code == 400 and "person.surname" in other.json()["fields"]
    before = register(officer, article="71", order=order, person=None, hours_ago=6)
    assert before.status_code == 400 and before.json()["fields"] == {
        "committed_at": "outside the term"
    }
    number = registered(officer, article="71", order=order, person=None)["offence"]
    case = OffenceCase.objects.get(pk=number)
    assert case.forum == "court" and case.decide_by is None and case.order_id == order
    restrained = ProtectionOrder.objects.get(pk=order).persons.get(role="restrained").person_id
    assert case.person_id == restrained  # the order's restrained person, not named again
    # The police do not decide it; sent to court, the court's 10 days run.
    refused = decide(officer, number, penalty={"kind": "community_work", "amount": 40})
    assert refused.status_code == 409
    assert officer.act("offences.protocol.refer", {"offence": number}).status_code == 201
    case.refresh_from_db()
    assert (case.state, case.court_id) == ("referred", "GB-SUD")
    judge = as_user("judge")
    assert judge.get(f"/offences/cases/{number}").status_code == 200
    # Arrest may follow (CoO 71): the court decides on the day it receives the case (535(3)).
    assert case.decide_by == end_of_day(local_date(case.received_at))
    extend = {"offence": number, "days": 3, "grounds": "Ходатайство о вызове свидетеля"}
    assert officer.act("offences.case.extend", extend).status_code == 409  # not before them
    assert judge.act("offences.case.extend", extend).status_code == 201
    assert decide(judge, number, penalty={"kind": "arrest", "amount": 8}).status_code == 400
    assert decide(judge, number, penalty={"kind": "arrest", "amount": 5}).status_code == 201
    assert as_user("judge_osh").get(f"/offences/cases/{number}").status_code == 404
    call_command("rebuild_projections", "--check")


def test_a_late_entry_is_marked_and_alerted_and_the_term_extends_once(as_user):
    officer = as_user("offences_officer")
    number = registered(officer, hours_ago=80)["offence"]
    case = OffenceCase.objects.get(pk=number)
    assert case.late_entry
    [alert] = Alert.objects.filter(kind="offences.late_entry")
    assert alert.subject == number and alert.roles == ",unit_head,"
    extend = {"offence": number, "days": 11, "grounds": "Ходатайство защитника"}
    assert officer.act("offences.case.extend", extend).status_code == 400
    assert officer.act("offences.case.extend", {**extend, "days": 7}).status_code == 201
    case.refresh_from_db()
    # The police's 10 days run from their own protocol, not from its late entry (535(1)).
    assert case.decide_by == end_of_day(local_date(case.protocol_at) + timedelta(days=17))
    assert officer.act("offences.case.extend", {**extend, "days": 1}).status_code == 409


def test_no_penalty_after_six_months_but_the_case_can_be_terminated(as_user):
    officer = as_user("offences_officer")
    number = registered(officer, days_ago=200)["offence"]
    late = decide(officer, number, penalty={"kind": "fine", "amount": 30})
    assert late.status_code == 409 and "48(1)" in late.json()["message"]
    both = decide(officer, number, outcome="terminated", penalty={"kind": "fine", "amount": 30})
    assert both.status_code == 400
    assert decide(officer, number, outcome="terminated").status_code == 201
    assert OffenceCase.objects.get(pk=number).state == "terminated"


def test_articles_outside_the_police_register_are_refused_and_nothing_is_written(as_user):
    officer = as_user("offences_officer")
    events = Event.objects.count()
    for article, field in [
        ({"article": "999"}, "article"),  # no such article
        ({"article": "5"}, "article"),  # the general part defines no offence
        ({"article": "193"}, "part"),  # an article with parts needs one
        ({"article": "130", "part": "2"}, "part"),  # and one it has
        ({"article": "211"}, "article"),  # another authority's (nature protection)
    ]:
        r = register(officer, **article)
        assert r.status_code == 400 and field in r.json()["fields"], (article, r.json())
    nobody = register(officer, person=None)
    assert nobody.status_code == 400 and "person.surname" in nobody.json()["fields"]
    future = register(officer, hours_ago=-2)
    assert future.status_code == 400 and "protocol_at" in future.json()["fields"]
    valid = register(as_user("investigator"))  # well-formed, by a role that keeps no register
    assert valid.status_code == 403
    early = register(officer, protocol_at="0001-01-01T03:00:00+05:00")
    assert early.status_code == 400 and "protocol_at" in early.json()["fields"]
    assert Event.objects.count() == events


def test_a_fine_only_for_officials_is_no_penalty_for_a_natural_person(as_user):
    officer = as_user("offences_officer")
    number = registered(officer, article="99")["offence"]  # a fine for officials only
    for penalty in ({"kind": "fine"}, {"kind": "fine", "amount": 100}):
        r = decide(officer, number, penalty=penalty)
        assert r.status_code == 400 and r.json()["fields"] == {
            "penalty.kind": "not for a natural person"
        }


def test_every_article_of_the_jurisdiction_lists_is_in_the_catalogue():
    import re

    from icjis.legal.catalogues import lookup
    from icjis.offences.rules import offence_versions

    for rules in offence_versions():
        assert not rules.police & rules.court
        for entry in rules.police | rules.court:
            article, part = re.fullmatch(r"([\d-]+)(?:\((.+)\))?", entry).groups()
            ref = lookup("kg-coo-2021", article, part)  # raises if the code has no such part
            assert ref.part_of_code == "special" and not ref.repealed, entry


def test_a_fine_for_any_subject_binds_a_natural_person_too(as_user):
    officer = as_user("offences_officer")
    number = registered(officer, article="63")["offence"]  # a fine of 10 units for anyone
    assert decide(officer, number, penalty={"kind": "fine", "amount": 11}).status_code == 400
    assert decide(officer, number, penalty={"kind": "fine", "amount": 10}).status_code == 201
