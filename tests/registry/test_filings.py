"""Motions and complaints before trial: counsel files them for a client, the official they are
addressed to decides them within the Code's terms, and the alerts and terms follow (CPC 123-129).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed
from tests.forensics.conftest import order
from tests.legalaid.conftest import make_case
from tests.registry.test_procedure import ok, refused

from icjis.core import clock
from icjis.core.alerts import alerts_for
from icjis.core.models import Alert, Case, PersonSighting
from icjis.forensics.models import Expertise
from icjis.legal.models import Deadline
from icjis.registry.models import Filing

pytestmark = pytest.mark.usefixtures("ordinary_day")

ASK = "Прошу назначить дактилоскопическую экспертизу следов на бутылке."


def counsel(as_user: Any) -> tuple[str, str]:
    """A case under investigation whose suspect has chosen the demo advocate `lawyer`."""
    number, person = make_case(as_user)
    chosen = {"person": person, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
    ok(as_user("investigator").act("legalaid.private_counsel", chosen, number))
    return number, person


def motion(as_user: Any, number: str, person: str, **extra: Any) -> str:
    data = {"person": person, "subject": "expertise", "text": ASK, **extra}
    return ok(as_user("lawyer").act("registry.motion.file", data, number))["result"]["motion"]


def term(number: str, rule: str, subject: str) -> Deadline:
    return Deadline.objects.get(case_id=number, rule=rule, subject=subject)


def open_alerts(kind: str, subject: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, subject=subject, state="open"))


def decided_complaint(
    as_user: Any, number: str, person: str, outcome: str, by: str = "prosecutor"
) -> str:
    """Counsel's complaint of an action, decided by `by` with `outcome`."""
    data = {"person": person, "subject": "action", "text": ASK}
    cid = ok(as_user("lawyer").act("registry.complaint.file", data, number))["result"]["complaint"]
    decision = {"complaint": cid, "outcome": outcome, "grounds": "Доводы проверены."}
    ok(as_user(by).act("registry.complaint.decide", decision, number))
    return cid


def test_counsel_files_a_motion_the_investigator_has_three_days_and_refuses_with_reasons(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person)
    assert filed.startswith(f"MO-{number}-")
    row = Filing.objects.get(pk=filed)
    assert row.motion == ""  # a motion names no motion it is about
    assert (row.kind, row.number, row.addressee, row.filed_by) == (
        "motion",
        1,
        "investigator",
        "lawyer",
    )
    due = term(number, "motion.decision", filed)
    assert due.state == "running" and due.window is False
    assert timedelta(days=3) <= due.due_at - row.filed_at < timedelta(days=4)
    [told] = open_alerts("registry.motion.filed", filed)
    assert "investigator" in told.roles and "CPC 124(2)" in told.message

    # A refusal, whole or partial, gives reasons (124(3)); only the addressee decides.
    decision = {"motion": filed, "outcome": "refused"}
    assert "CPC 124(3)" in refused(
        as_user("investigator").act("registry.motion.decide", decision, number), 400
    )
    prosecutor = as_user("prosecutor").act(
        "registry.motion.decide", {**decision, "grounds": "Экспертиза уже назначена."}, number
    )
    assert prosecutor.status_code == 403
    grounds = {**decision, "grounds": "Экспертиза следов уже назначена (EX-1)."}
    ok(as_user("investigator").act("registry.motion.decide", grounds, number))
    row.refresh_from_db()
    assert (row.state, row.outcome, row.decided_by) == ("decided", "refused", "investigator")
    assert term(number, "motion.decision", filed).state == "met"
    assert open_alerts("registry.motion.filed", filed) == []
    [decided] = open_alerts("registry.motion.decided", filed)
    assert "lawyer" in decided.roles and "refused" in decided.message
    # The applicant's 10 days to complain of it (124(5), 127) are a window, not a duty.
    window = term(number, "motion.complaint", filed)
    assert window.window and window.state == "running"
    again = as_user("investigator").act("registry.motion.decide", grounds, number)
    assert "decided" in refused(again, 409)
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_only_counsel_of_the_person_files_and_only_for_a_participant(as_user):
    number, person = make_case(as_user)
    data = {"person": person, "subject": "evidence", "text": ASK}
    # Counsel who is not the suspect's counsel cannot open the case at all.
    assert as_user("lawyer").act("registry.motion.file", data, number).status_code == 404
    chosen = {"person": person, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
    ok(as_user("investigator").act("legalaid.private_counsel", chosen, number))
    witness = {
        "role": "witness",
        "person": {
            "surname": "Бекова",
            "given_name": "Айна",
            "birth_date": "1988-01-02",
            "sex": "F",
        },
    }
    other = ok(as_user("investigator").act("registry.participant.add", witness, number))
    for_witness = {**data, "person": other["result"]["person"]}
    message = refused(as_user("lawyer").act("registry.motion.file", for_witness, number), 403)
    assert "not counsel" in message
    stranger = {**data, "person": "P-NOT-HERE"}
    assert "not a participant" in refused(
        as_user("lawyer").act("registry.motion.file", stranger, number), 400
    )
    assert Filing.objects.count() == 0


def test_a_motion_recorded_by_the_investigator_raises_no_alert_and_a_grant_needs_no_reasons(
    as_user,
):
    number, person = make_case(as_user)
    data = {"person": person, "subject": "file_access", "text": "Прошу ознакомить с экспертизой."}
    filed = ok(as_user("investigator").act("registry.motion.file", data, number))
    mid = filed["result"]["motion"]
    assert open_alerts("registry.motion.filed", mid) == []
    # An investigator records only motions addressed to the investigator.
    to_prosecutor = {**data, "to": "prosecutor"}
    investigator = as_user("investigator")
    assert investigator.act("registry.motion.file", to_prosecutor, number).status_code == 403
    ok(investigator.act("registry.motion.decide", {"motion": mid, "outcome": "granted"}, number))
    assert Filing.objects.get(pk=mid).outcome == "granted"
    assert not Deadline.objects.filter(case_id=number, rule="motion.complaint").exists()


def test_a_motion_to_the_prosecutor_runs_the_prosecutors_term(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person, to="prosecutor")
    due = term(number, "motion.decision.prosecutor", filed)
    assert due.notify == ["prosecutor"]
    assert not Deadline.objects.filter(case_id=number, rule="motion.decision").exists()
    decision = {"motion": filed, "outcome": "granted"}
    wrong = as_user("investigator").act("registry.motion.decide", decision, number)
    assert wrong.status_code == 403
    ok(as_user("prosecutor").act("registry.motion.decide", decision, number))
    assert term(number, "motion.decision.prosecutor", filed).state == "met"


def test_an_undecided_motion_is_overdue_after_three_days(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person)
    clock.advance(timedelta(days=4, hours=1))
    overdue = as_user("investigator").get("/deadlines", state="missed").json()
    assert (number, "motion.decision") in {(d["case"], d["rule"]) for d in overdue}
    assert any(d["subject"] == filed for d in overdue)


def test_a_complaint_of_a_refused_motion_goes_to_the_prosecutor_who_may_take_ten_days(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person)
    not_yet = {"person": person, "subject": "decision", "motion": filed, "text": ASK}
    assert "not refused" in str(
        as_user("lawyer").act("registry.complaint.file", not_yet, number).json()
    )
    for_another = {**not_yet, "person": "P-NOT-HERE"}
    assert as_user("lawyer").act("registry.complaint.file", for_another, number).status_code == 400
    refusal = {"motion": filed, "outcome": "partly_granted", "grounds": "Только след на бутылке."}
    ok(as_user("investigator").act("registry.motion.decide", refusal, number))
    complaint = ok(as_user("lawyer").act("registry.complaint.file", not_yet, number))
    cid = complaint["result"]["complaint"]
    assert cid.startswith(f"CO-{number}-")
    assert term(number, "motion.complaint", filed).state == "met"
    first = term(number, "complaint.decision", cid)
    assert timedelta(days=3) <= first.due_at - first.starts_at < timedelta(days=4)
    [told] = open_alerts("registry.complaint.filed", cid)
    assert "prosecutor" in told.roles

    # Exceptionally up to 10 days, once, by the addressee alone (129(1)).
    extend = {"complaint": cid, "reason": "Истребованы материалы из ЭКЦ."}
    assert as_user("unit_head").act("registry.complaint.extend", extend, number).status_code == 403
    ok(as_user("prosecutor").act("registry.complaint.extend", extend, number))
    longer = term(number, "complaint.decision", cid)
    assert timedelta(days=10) <= longer.due_at - longer.starts_at < timedelta(days=11)
    [told_longer] = open_alerts("registry.complaint.extended", cid)
    assert "lawyer" in told_longer.roles and "10 days" in told_longer.message  # 129(1)
    assert "already 10 days" in refused(
        as_user("prosecutor").act("registry.complaint.extend", extend, number), 409
    )

    clock.advance(timedelta(days=5))
    decision = {"complaint": cid, "outcome": "upheld", "grounds": "Постановление отменить."}
    ok(as_user("prosecutor").act("registry.complaint.decide", decision, number))
    assert term(number, "complaint.decision", cid).state == "met"
    assert open_alerts("registry.complaint.filed", cid) == []
    assert open_alerts("registry.complaint.extended", cid) == []
    [decided] = open_alerts("registry.complaint.decided", cid)
    assert {"investigator", "lawyer"} <= set(decided.roles.strip(",").split(","))
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_an_extension_comes_before_the_three_days_run_out(as_user):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "inaction", "text": ASK, "to": "unit_head"}
    cid = ok(as_user("lawyer").act("registry.complaint.file", data, number))["result"]["complaint"]
    assert term(number, "complaint.decision.unit_head", cid).notify == ["unit_head"]
    clock.advance(timedelta(days=4, hours=1))
    extend = {"complaint": cid, "reason": "Нужны материалы."}
    assert "ran out" in refused(
        as_user("unit_head").act("registry.complaint.extend", extend, number), 409
    )
    assert Filing.objects.get(pk=cid).extended_at is None


def test_a_complaint_is_withdrawn_by_counsel_or_before_its_addressee_and_its_term_ends(as_user):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "inaction", "text": ASK}
    lawyer = as_user("lawyer")
    first = ok(lawyer.act("registry.complaint.file", data, number))["result"]["complaint"]
    second = ok(lawyer.act("registry.complaint.file", data, number))["result"]["complaint"]
    # Only counsel of the person or the addressee withdraws it (CPC 126(3)).
    withdraw = {"complaint": first, "statement": "Жалобу отзываю."}
    assert as_user("unit_head").act(
        "registry.complaint.withdraw", withdraw, number
    ).status_code == (403)
    ok(lawyer.act("registry.complaint.withdraw", withdraw, number))
    assert term(number, "complaint.decision", second).state == "running"  # only its own term
    row = Filing.objects.get(pk=first)
    assert (row.state, row.outcome, row.decided_by) == ("withdrawn", "withdrawn", "lawyer")
    assert term(number, "complaint.decision", first).state == "cancelled"
    assert open_alerts("registry.complaint.filed", first) == []
    decide = {"complaint": first, "outcome": "dismissed", "grounds": "Нет оснований."}
    assert "withdrawn" in refused(
        as_user("prosecutor").act("registry.complaint.decide", decide, number), 409
    )
    assert "withdrawn" in refused(lawyer.act("registry.complaint.withdraw", withdraw, number), 409)
    # The suspect withdraws counsel's complaint before the prosecutor, who records it.
    more = {"complaint": second, "reason": "Истребованы материалы."}
    ok(as_user("prosecutor").act("registry.complaint.extend", more, number))
    assert open_alerts("registry.complaint.extended", second) != []
    by_client = {"complaint": second, "statement": "Подозреваемый отозвал жалобу адвоката."}
    ok(as_user("prosecutor").act("registry.complaint.withdraw", by_client, number))
    assert open_alerts("registry.complaint.extended", second) == []
    assert term(number, "complaint.decision", second).state == "cancelled"
    # Withdrawing it does not bar filing it again. The client's own complaint, recorded by the
    # prosecutor, is not counsel's to withdraw.
    ok(lawyer.act("registry.complaint.file", data, number))
    own = ok(as_user("prosecutor").act("registry.complaint.file", data, number))["result"]
    mine = {"complaint": own["complaint"]}
    assert lawyer.act("registry.complaint.withdraw", mine, number).status_code == 403
    listed = lawyer.get("/registry/filings", case=number, state="withdrawn").json()
    assert sorted(f["id"] for f in listed["items"]) == sorted([first, second])
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_the_investigator_contests_an_upheld_complaint_before_the_higher_prosecutor(as_user):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "action", "text": ASK}
    lawyer = as_user("lawyer")
    cid = ok(lawyer.act("registry.complaint.file", data, number))["result"]["complaint"]
    dismissed = ok(lawyer.act("registry.complaint.file", data, number))["result"]["complaint"]
    decide = {"complaint": cid, "outcome": "upheld", "grounds": "Обыск признать незаконным."}
    ok(as_user("prosecutor").act("registry.complaint.decide", decide, number))
    no = {"complaint": dismissed, "outcome": "dismissed", "grounds": "Доводы не подтвердились."}
    ok(as_user("prosecutor").act("registry.complaint.decide", no, number))

    investigator = as_user("investigator")
    contest = {"complaint": dismissed, "text": "Обыск проведён законно, по постановлению суда."}
    assert "not upheld" in str(
        investigator.act("registry.complaint.contest", contest, number).json()
    )
    contest["complaint"] = cid
    # Counsel's client won: an upheld complaint is not theirs to take higher (CPC 125, 126(1)).
    assert "dismissed or upheld only in part" in refused(
        lawyer.act("registry.complaint.contest", contest, number), 400
    )
    filed = ok(investigator.act("registry.complaint.contest", contest, number))["result"]
    row = Filing.objects.get(pk=filed["complaint"])
    assert (row.addressee, row.contests, row.person_id, row.filed_by_role) == (
        "higher_prosecutor",
        cid,
        person,
        "investigator",
    )
    assert term(number, "complaint.decision.higher", row.id).state == "running"
    [told] = open_alerts("registry.complaint.filed", row.id)
    assert "prosecutor" in told.roles and "129(3)" in told.message
    assert "already before" in refused(
        investigator.act("registry.complaint.contest", contest, number), 409
    )
    # Counsel does not withdraw it; the district prosecutor does not decide it.
    assert lawyer.act("registry.complaint.withdraw", {"complaint": row.id}, number).status_code == (
        403
    )
    higher = {"complaint": row.id, "outcome": "dismissed", "grounds": "Решение прокурора верно."}
    assert as_user("prosecutor").act("registry.complaint.decide", higher, number).status_code == 403
    ok(as_user("prosecutor_city").act("registry.complaint.decide", higher, number))
    assert term(number, "complaint.decision.higher", row.id).state == "met"
    [decided] = open_alerts("registry.complaint.decided", row.id)
    assert {"investigator", "lawyer"} <= set(decided.roles.strip(",").split(","))
    listed = lawyer.get("/registry/filings", case=number).json()["items"]
    assert [f["contests"] for f in listed if f["id"] == row.id] == [cid]
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_a_contest_goes_above_the_office_that_decided_and_may_be_withdrawn_and_filed_again(
    as_user,
):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "action", "text": ASK}
    cid = decided_complaint(as_user, number, person, "partly_upheld", by="prosecutor_city")
    investigator = as_user("investigator")
    contest = {"complaint": cid, "text": "Решение городского прокурора необоснованно."}
    first = ok(investigator.act("registry.complaint.contest", contest, number))["result"]
    # The investigator withdraws their own contest, and may bring it again (126(3)).
    ok(investigator.act("registry.complaint.withdraw", {"complaint": first["complaint"]}, number))
    assert term(number, "complaint.decision.higher", first["complaint"]).state == "cancelled"
    again = ok(investigator.act("registry.complaint.contest", contest, number))["result"]
    higher = {"complaint": again["complaint"], "outcome": "upheld", "grounds": "Отменить."}
    for peer in ("prosecutor_city", "prosecutor_oblast_osh", "prosecutor"):
        assert as_user(peer).act("registry.complaint.decide", higher, number).status_code in (
            403,
            404,
        ), peer
    ok(as_user("deputy_prosecutor_general").act("registry.complaint.decide", higher, number))
    # A head of unit's decision is not the higher prosecutor's to review (129(3)).
    to_head = {**data, "to": "unit_head"}
    hid = ok(as_user("lawyer").act("registry.complaint.file", to_head, number))["result"]
    hid = hid["complaint"]
    upheld = {"complaint": hid, "outcome": "upheld", "grounds": "Обоснована."}
    ok(as_user("unit_head").act("registry.complaint.decide", upheld, number))
    head = {"complaint": hid, "text": "Не согласен."}
    assert "not upheld" in str(investigator.act("registry.complaint.contest", head, number).json())


def test_counsel_takes_a_dismissed_complaint_to_the_higher_prosecutor(as_user, world):
    number, person = counsel(as_user)
    lawyer = as_user("lawyer")
    cid = decided_complaint(as_user, number, person, "dismissed")
    window = term(number, "complaint.contest", cid)  # CPC 127: 10 days to take it higher
    assert (window.state, window.window) == ("running", True)
    contest = {"complaint": cid, "text": "Прокурор не проверил доводы жалобы."}
    # The investigator won: a dismissal is not theirs to contest.
    assert "not upheld" in str(
        as_user("investigator").act("registry.complaint.contest", contest, number).json()
    )
    filed = ok(lawyer.act("registry.complaint.contest", contest, number))["result"]
    row = Filing.objects.get(pk=filed["complaint"])
    assert (row.addressee, row.contests, row.person_id, row.filed_by_role, row.reviewed) == (
        "higher_prosecutor",
        cid,
        person,
        "lawyer",
        cid,
    )
    assert term(number, "complaint.decision.higher", row.id).state == "running"
    assert term(number, "complaint.contest", cid).state == "met"
    [told] = open_alerts("registry.complaint.filed", row.id)
    assert "prosecutor" in told.roles and "126(1)" in told.message
    # Told to the offices above the one that decided, not to it or its peers.
    assert not alerts_for(world["prosecutor"]).filter(pk=told.pk).exists()
    assert alerts_for(world["prosecutor_city"]).filter(pk=told.pk).exists()
    assert alerts_for(world["deputy_prosecutor_general"]).filter(pk=told.pk).exists()
    assert "already before" in refused(
        lawyer.act("registry.complaint.contest", contest, number), 409
    )
    # The prosecutor who dismissed it, or a peer, does not decide it; an office above does, and
    # counsel is told.
    higher = {"complaint": row.id, "outcome": "upheld", "grounds": "Жалобу проверить заново."}
    assert as_user("prosecutor").act("registry.complaint.decide", higher, number).status_code == 403
    ok(as_user("prosecutor_city").act("registry.complaint.decide", higher, number))
    assert term(number, "complaint.decision.higher", row.id).state == "met"
    [decided] = open_alerts("registry.complaint.decided", row.id)
    assert "lawyer" in decided.roles.strip(",").split(",")
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_a_complaint_upheld_in_part_is_taken_higher_by_each_side_and_recorded_by_the_higher(
    as_user,
):
    number, person = counsel(as_user)
    cid = decided_complaint(as_user, number, person, "partly_upheld")
    contest = {"complaint": cid, "text": "Не согласен с решением прокурора."}
    ok(as_user("investigator").act("registry.complaint.contest", contest, number))
    assert term(number, "complaint.contest", cid).state == "running"  # the applicant's window
    # The applicant's side is another: stated before the higher prosecutor, who records it
    # (only one above the prosecutor who decided).
    assert as_user("prosecutor").act("registry.complaint.contest", contest, number).status_code == (
        403
    )
    recorded = ok(as_user("prosecutor_city").act("registry.complaint.contest", contest, number))
    row = Filing.objects.get(pk=recorded["result"]["complaint"])
    assert (row.filed_by_role, row.contests) == ("prosecutor", cid)
    assert open_alerts("registry.complaint.filed", row.id) == []  # before them already
    assert "already before" in refused(
        as_user("lawyer").act("registry.complaint.contest", contest, number), 409
    )
    assert Filing.objects.filter(contests=cid).count() == 2
    assert term(number, "complaint.contest", cid).state == "met"
    call_command("rebuild_projections", check=True)


def test_nobody_is_above_the_national_office_so_its_decision_goes_to_the_judge(as_user):
    number, person = counsel(as_user)
    lawyer = as_user("lawyer")
    cid = decided_complaint(as_user, number, person, "dismissed", by="deputy_prosecutor_general")
    contest = {"complaint": cid, "text": "Не согласен."}
    assert "investigating judge" in refused(
        lawyer.act("registry.complaint.contest", contest, number), 409
    )
    assert not Filing.objects.filter(contests=cid).exists()


def test_a_motion_the_prosecutor_refused_is_complained_of_to_the_higher_prosecutor(as_user, world):
    number, person = counsel(as_user)
    lawyer = as_user("lawyer")
    asked = motion(as_user, number, person, to="prosecutor")
    refusal = {"motion": asked, "outcome": "refused", "grounds": "Оснований нет."}
    ok(as_user("prosecutor").act("registry.motion.decide", refusal, number))
    complaint = {"person": person, "subject": "decision", "text": ASK, "to": "higher_prosecutor"}
    # It names the prosecutor's decision complained of.
    assert "name the motion" in refused(
        lawyer.act("registry.complaint.file", complaint, number), 400
    )
    to_prosecutor = {**complaint, "to": "prosecutor", "motion": asked}
    assert "higher prosecutor or the investigating judge" in refused(
        lawyer.act("registry.complaint.file", to_prosecutor, number), 400
    )
    filed = ok(lawyer.act("registry.complaint.file", {**complaint, "motion": asked}, number))
    assert "already before" in refused(
        lawyer.act("registry.complaint.file", {**complaint, "motion": asked}, number), 409
    )
    row = Filing.objects.get(pk=filed["result"]["complaint"])
    assert (row.addressee, row.motion, row.reviewed) == ("higher_prosecutor", asked, asked)
    assert term(number, "complaint.decision.higher", row.id).state == "running"
    assert term(number, "motion.complaint", asked).state == "met"
    [told] = open_alerts("registry.complaint.filed", row.id)
    assert "prosecutor" in told.roles and asked in told.message
    assert told.levels == ",national,region,"  # the offices above the refusing one, as recorded
    assert not alerts_for(world["prosecutor"]).filter(pk=told.pk).exists()
    decide = {"complaint": row.id, "outcome": "dismissed", "grounds": "Отказ обоснован."}
    assert as_user("prosecutor").act("registry.complaint.decide", decide, number).status_code == 403
    extend = {"complaint": row.id, "reason": "Истребовать материалы."}
    ok(as_user("prosecutor_city").act("registry.complaint.extend", extend, number))
    ok(as_user("prosecutor_city").act("registry.complaint.decide", decide, number))
    assert term(number, "complaint.decision.higher", row.id).state == "met"
    # An investigator's refusal is not the higher prosecutor's to review.
    other = motion(as_user, number, person)
    no = {"motion": other, "outcome": "refused", "grounds": "Не относится к делу."}
    ok(as_user("investigator").act("registry.motion.decide", no, number))
    assert "refused by the investigator" in refused(
        lawyer.act("registry.complaint.file", {**complaint, "motion": other}, number), 400
    )
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_an_expertise_the_investigator_refused_is_asked_of_the_investigating_judge(as_user):
    number, person = counsel(as_user)
    lawyer = as_user("lawyer")
    filed = motion(as_user, number, person)  # an expertise
    to_judge = {
        "person": person,
        "to": "investigating_judge",
        "subject": "expertise",
        "renews": filed,
        "text": ASK,
    }
    assert "not refused" in str(lawyer.act("registry.motion.file", to_judge, number).json())
    refusal = {"motion": filed, "outcome": "refused", "grounds": "Вопросы не относятся к делу."}
    ok(as_user("investigator").act("registry.motion.decide", refusal, number))
    [told] = open_alerts("registry.motion.decided", filed)
    assert "CPC 182" in told.message
    other = {**to_judge, "subject": "evidence"}
    assert "not the investigating judge" in str(
        lawyer.act("registry.motion.file", other, number).json()
    )
    renewed = ok(lawyer.act("registry.motion.file", to_judge, number))["result"]["motion"]
    row = Filing.objects.get(pk=renewed)
    assert (row.addressee, row.motion) == ("investigating_judge", filed)
    due = term(number, "motion.decision.judge", renewed)
    assert timedelta(days=3) <= due.due_at - row.filed_at < timedelta(days=4)
    [asked] = open_alerts("registry.motion.filed", renewed)
    assert "investigating_judge" in asked.roles and "182(3)" in asked.message
    assert "already before" in refused(lawyer.act("registry.motion.file", to_judge, number), 409)
    no = {"motion": renewed, "outcome": "refused", "grounds": "Не доказана необходимость."}
    assert as_user("investigator").act("registry.motion.decide", no, number).status_code == 403
    judge = as_user("investigating_judge")
    assert judge.act("registry.motion.decide", no, number).status_code == 403  # the judge rules
    ok(judge.act("registry.motion.rule", no, number))
    assert term(number, "motion.decision.judge", renewed).state == "met"
    [ruled] = open_alerts("registry.motion.decided", renewed)
    assert "182(4)" in ruled.message and "127" not in ruled.message
    # The judge's refusal opens no window to complain to the prosecutor, nor is complained of.
    assert not Deadline.objects.filter(case_id=number, rule="motion.complaint", subject=renewed)
    complaint = {"person": person, "subject": "decision", "motion": renewed, "text": ASK}
    assert "not refused" in str(lawyer.act("registry.complaint.file", complaint, number).json())
    listed = lawyer.get("/registry/filings", case=number).json()["items"]
    assert [(f["renews"], f["motion"]) for f in listed if f["id"] == renewed] == [(filed, None)]
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_the_investigating_judge_orders_the_expertise_on_the_motion_granted(as_user):
    number, person = counsel(as_user)
    lawyer, judge = as_user("lawyer"), as_user("investigating_judge")
    filed = motion(as_user, number, person)
    refusal = {"motion": filed, "outcome": "refused", "grounds": "Вопросы не относятся к делу."}
    ok(as_user("investigator").act("registry.motion.decide", refusal, number))
    to_judge = {
        "person": person,
        "to": "investigating_judge",
        "subject": "expertise",
        "renews": filed,
        "text": ASK,
    }
    renewed = ok(lawyer.act("registry.motion.file", to_judge, number))["result"]["motion"]
    expertise = {"kind": "dactyloscopic", "person": person, "motion": renewed}
    # Not before the judge has granted it, and never without a motion (CPC 182(6)).
    assert "not granted" in str(order(judge, number, **expertise).json())
    without = order(judge, number, kind="dactyloscopic", person=person)
    assert "name the motion" in refused(without, 400)
    ok(judge.act("registry.motion.rule", {"motion": renewed, "outcome": "granted"}, number))
    # The investigator refused it: it is not theirs to order on the judge's grant.
    assert "not granted" in str(order(as_user("investigator"), number, **expertise).json())
    ordered = ok(order(judge, number, **expertise))["result"]["expertise"]
    assert Expertise.objects.get(pk=ordered).motion == renewed
    assert "already ordered" in refused(order(judge, number, **expertise), 409)
    # Returned unexecuted (CPC 184(5)), it is ordered again on the same motion.
    [expert] = Expertise.objects.get(pk=ordered).assignments.values_list("expert", flat=True)
    returned = {"expertise": ordered, "reason": "no_means", "explanation": "Нет реактивов."}
    ok(as_user(expert).act("forensics.expertise.decline", returned, number))
    again = ok(order(judge, number, **expertise))["result"]["expertise"]
    assert Expertise.objects.get(pk=again).motion == renewed
    detail = as_user("investigator").get(f"/forensics/expertises/{ordered}").json()
    assert detail["motion"] == renewed
    call_command("rebuild_projections", check=True)


def test_a_refused_report_can_still_be_complained_of_but_not_moved(as_user):
    body = {"channel": "phone", "summary": "Кража", "place": {"region": "KG-GB"}}
    number = ok(as_user("registrar").act("registry.report.register", body))["result"]["case"]
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number))
    applicant = {
        "role": "applicant",
        "person": {
            "surname": "Бекова",
            "given_name": "Айна",
            "birth_date": "1988-01-02",
            "sex": "F",
        },
    }
    person = ok(as_user("investigator").act("registry.participant.add", applicant, number))
    person = person["result"]["person"]
    ok(as_user("investigator").act("registry.case.refuse", {"grounds": "Нет события"}, number))
    complaint = {"person": person, "subject": "decision", "text": ASK}
    cid = ok(as_user("prosecutor").act("registry.complaint.file", complaint, number))
    row = Filing.objects.get(pk=cid["result"]["complaint"])
    assert (row.kind, row.addressee, row.filed_by_role) == ("complaint", "prosecutor", "prosecutor")
    assert term(number, "complaint.decision", row.id).state == "running"
    motion_data = {"person": person, "subject": "other", "text": ASK}
    assert "closed" in refused(
        as_user("investigator").act("registry.motion.file", motion_data, number), 409
    )


def test_motions_are_read_by_whole_file_readers_and_the_read_is_logged(as_user):
    from tests.legalaid.conftest import arrest

    number, person = counsel(as_user)
    filed = motion(as_user, number, person)
    rows = as_user("lawyer").get("/registry/filings", case=number).json()["items"]
    assert [(r["id"], r["kind"], r["state"], r["motion"]) for r in rows] == [
        (filed, "motion", "pending", None)
    ]
    assert rows[0]["term"]["rule"] == "motion.decision" and rows[0]["text"] == ASK
    seen = PersonSighting.objects.filter(actor="lawyer", subject_type="filings", subject=number)
    assert list(seen.values_list("person", flat=True)) == [person]
    # Detention staff holding the suspect read the case, but only their part: no filings.
    arrest(as_user, number, person)
    admit = {"person": person, "facility": "GB-IVS"}
    ok(as_user("ivs_officer").act("detention.admit", admit, number))
    assert as_user("ivs_officer").get(f"/cases/{number}").status_code == 200
    assert as_user("ivs_officer").get("/registry/filings", case=number).json()["items"] == []
    assert as_user("investigator_osh").get("/registry/filings", case=number).json()["items"] == []


def test_a_complaint_naming_no_motion_leaves_the_window_to_complain_of_a_refusal_open(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person)
    refusal = {"motion": filed, "outcome": "refused", "grounds": "Не относится к делу."}
    ok(as_user("investigator").act("registry.motion.decide", refusal, number))
    other = {"person": person, "subject": "inaction", "text": ASK}
    ok(as_user("lawyer").act("registry.complaint.file", other, number))
    assert term(number, "motion.complaint", filed).state == "running"


def test_a_prosecutors_refusal_is_complained_of_to_the_investigating_judge(as_user):
    number, person = counsel(as_user)
    filed = motion(as_user, number, person, to="prosecutor")
    refusal = {"motion": filed, "outcome": "refused", "grounds": "Оснований нет."}
    ok(as_user("prosecutor").act("registry.motion.decide", refusal, number))
    data = {"person": person, "subject": "decision", "motion": filed, "text": ASK}
    wrong = as_user("lawyer").act("registry.complaint.file", data, number)
    assert "CPC 126(1), 130(1)" in refused(wrong, 400)
    judge = {**data, "to": "investigating_judge"}
    cid = ok(as_user("lawyer").act("registry.complaint.file", judge, number))["result"]["complaint"]
    assert Filing.objects.get(pk=cid).motion == filed
    assert term(number, "motion.complaint", filed).state == "met"


def test_a_complaint_to_the_investigating_judge_has_ten_days_and_no_extension(as_user):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "decision", "text": ASK, "to": "investigating_judge"}
    cid = ok(as_user("lawyer").act("registry.complaint.file", data, number))["result"]["complaint"]
    due = term(number, "complaint.decision.judge", cid)
    assert timedelta(days=10) <= due.due_at - due.starts_at < timedelta(days=11)
    assert due.notify == ["investigating_judge"]
    [told] = open_alerts("registry.complaint.filed", cid)
    assert "CPC 130(2)" in told.message and "investigating_judge" in told.roles
    extend = {"complaint": cid, "reason": "Нужны материалы."}
    assert as_user("prosecutor").act("registry.complaint.extend", extend, number).status_code == 403
    decision = {"complaint": cid, "outcome": "dismissed", "grounds": "Действия законны."}
    assert (
        as_user("prosecutor").act("registry.complaint.decide", decision, number).status_code == 403
    )
    ok(as_user("investigating_judge").act("registry.complaint.decide", decision, number))
    assert term(number, "complaint.decision.judge", cid).state == "met"


def test_the_list_and_the_case_page_section_read_in_a_constant_number_of_queries(as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from icjis.core.models import User
    from icjis.registry.views import case_filings

    number, person = counsel(as_user)
    motion(as_user, number, person)
    reader = as_user("lawyer")
    investigator = User.objects.get(username="investigator")

    case = Case.objects.get(pk=number)

    def queries(shown: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as api:
            listed = reader.get("/registry/filings", case=number).json()["items"]
        with CaptureQueriesContext(connection) as section:
            rows = case_filings(investigator, case)
        assert len(listed) == len(rows) == shown
        return len(api), len(section)

    one = queries(1)
    for _ in range(3):
        motion(as_user, number, person)
    assert queries(4) == one
