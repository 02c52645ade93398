"""The deadline engine under the 2021 pack: worked cases, states, invariants over any history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icjis.legal.counting import LOCAL_TZ, Duration, last_day_of
from icjis.legal.engine import (
    OPEN_STATES,
    Cancelled,
    DeadlineDataError,
    Event,
    Extended,
    Met,
    OpenDeadline,
    Resumed,
    Start,
    Suspended,
    Term,
    apply_event,
    effective_state,
    fold,
    replay,
)
from icjis.legal.rulepacks import pack_for_set

PACK = pack_for_set("kg-2021")
FACTS: dict[str, Any] = {"category": "grave", "stage": "investigation"}


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ).astimezone(UTC)


def end_of(y: int, m: int, d: int) -> datetime:
    """24:00 local time of the given day."""
    return local(y, m, d) + timedelta(days=1)


class Case:
    """A case's event history, replayed through the engine as events are added."""

    def __init__(self, facts: dict[str, Any] | None = None, pack: Any = PACK) -> None:
        self.facts = dict(FACTS if facts is None else facts)
        self.pack = pack
        self.events: list[Event] = []

    def add(
        self, kind: str, at: datetime, facts: dict[str, Any] | None = None, **data: Any
    ) -> list[Any]:
        event = Event(kind, data, at, len(self.events) + 1, {**self.facts, **(facts or {})})
        effects = apply_event(self.pack, event, self.open())
        self.events.append(event)
        return effects

    def terms(self) -> list[Term]:
        return replay(self.pack, self.events)

    def open(self) -> list[OpenDeadline]:
        return [t.as_open() for t in self.terms() if t.state in OPEN_STATES]

    def term(self, rule_id: str, subject: str | None = None) -> Term:
        found = [t for t in self.terms() if t.rule_id == rule_id and t.subject == subject]
        assert found, f"no term {rule_id} for {subject}"
        return found[-1]

    def has(self, rule_id: str) -> bool:
        return any(t.rule_id == rule_id for t in self.terms())


# --- detention: CPC 97, 100; Constitution 59(4) ------------------------------------------------


def test_it_starts_detention_clocks_at_the_hour_of_detention_not_at_recording() -> None:
    case = Case()
    detained = local(2024, 3, 3, 22, 40)
    case.add(
        "detention.arrest",
        detained + timedelta(hours=3),
        person=7,
        detained_at=detained.isoformat(),
    )
    court = case.term("detention.court", "7")
    assert court.starts_at == detained
    assert court.due_at == local(2024, 3, 5, 19, 40)  # 45 h
    assert court.warn_at == local(2024, 3, 5, 13, 40)  # 6 h before
    assert case.term("detention.release", "7").due_at == local(2024, 3, 5, 22, 40)  # 48 h
    assert case.term("detention.record_to_prosecutor", "7").due_at == local(2024, 3, 4, 10, 40)


def test_it_gives_a_detained_child_21_hours_to_court_and_24_to_release() -> None:
    case = Case()
    detained = local(2024, 3, 3, 22, 40)
    case.add(
        "detention.arrest",
        detained,
        facts={"minor": True},
        person=7,
        detained_at=detained.isoformat(),
    )
    assert case.term("detention.court.child", "7").due_at == local(2024, 3, 4, 19, 40)
    assert case.term("detention.release.child", "7").due_at == local(2024, 3, 4, 22, 40)
    assert not case.has("detention.court") and not case.has("detention.release")


def test_it_meets_the_release_clock_and_cancels_the_court_clock_on_release() -> None:
    case = Case()
    detained = local(2024, 3, 3, 22, 40)
    case.add("detention.arrest", detained, person=7, detained_at=detained.isoformat())
    effects = case.add("detention.release", detained + timedelta(hours=30), person=7)
    at = detained + timedelta(hours=30)
    assert Met("detention.release", "7", at, late=False) in effects
    assert Cancelled("detention.court", "7", at) in effects


def test_it_keeps_a_separate_custody_clock_for_each_detainee() -> None:
    case = Case()
    first, second = local(2024, 3, 3, 10), local(2024, 3, 3, 12)
    case.add("detention.arrest", first, person=1, detained_at=first.isoformat())
    case.add("detention.arrest", second, person={"id": 2}, detained_at=second.isoformat())
    case.add("detention.release", first + timedelta(hours=5), person=1)
    assert case.term("detention.release", "1").state == "met"
    assert case.term("detention.release", "2").state == "running"
    assert case.term("detention.release", "2").due_at == second + timedelta(hours=48)


def test_it_applies_an_event_naming_no_person_to_every_detainee() -> None:
    case = Case()
    at = local(2024, 3, 3, 10)
    case.add("detention.arrest", at, person=1, detained_at=at.isoformat())
    case.add("detention.arrest", at, person=2, detained_at=at.isoformat())
    case.add("registry.copy.send", at + timedelta(hours=2), document="detention_record")
    assert case.term("detention.record_to_prosecutor", "1").state == "met"
    assert case.term("detention.record_to_prosecutor", "2").state == "met"


def test_it_marks_a_release_after_48_hours_as_late() -> None:
    case = Case()
    detained = local(2024, 3, 3, 10)
    case.add("detention.arrest", detained, person=7, detained_at=detained.isoformat())
    effects = case.add("detention.release", detained + timedelta(hours=49), person=7)
    assert Met("detention.release", "7", detained + timedelta(hours=49), late=True) in effects


def test_it_refuses_an_arrest_that_names_no_person() -> None:
    event = Event(
        "detention.arrest",
        {"detained_at": "2024-03-03T10:00:00+06:00"},
        local(2024, 3, 3, 11),
        1,
        FACTS,
    )
    with pytest.raises(DeadlineDataError) as caught:
        apply_event(PACK, event, [])
    assert caught.value.field == "person"


# --- custody and house arrest: CPC 115, 303, 256(6), 263(2) ---------------------------------------


def custody_case(until: str = "2024-05-03") -> Case:
    case = Case()
    detained = local(2024, 3, 3, 22, 40)
    case.add("detention.arrest", detained, person=7, detained_at=detained.isoformat())
    case.add(
        "courts.measure.petition", local(2024, 3, 5, 10), person=7, measure="custody", months=2
    )
    case.add(
        "courts.measure.decide",
        local(2024, 3, 5, 15),
        person=7,
        granted=True,
        measure="custody",
        until=until,
        detained_at=detained.isoformat(),
    )
    return case


def test_it_runs_custody_until_the_end_of_the_day_the_judge_ordered() -> None:
    case = custody_case("2024-05-03")
    assert case.term("detention.release", "7").state == "met"
    assert case.term("detention.court", "7").state == "met"
    custody = case.term("custody.term", "7")
    assert custody.due_at == end_of(2024, 5, 3)
    # CPC 115(3): the extension request is due 5 days earlier; 256(6): the case goes to the
    # prosecutor 10 days earlier; 263(2): to court before the last 5 days.
    assert case.term("custody.extension_request", "7").due_at == end_of(2024, 4, 28)
    assert case.term("indictment.to_prosecutor", "7").due_at == end_of(2024, 4, 23)
    assert case.term("indictment.to_court", "7").due_at == end_of(2024, 4, 28)
    # CPC 115(11): one year from the detention itself.
    assert last_day_of(case.term("custody.cap", "7").due_at) == date(2025, 3, 3)


def test_it_does_not_move_a_custody_term_ending_on_a_holiday() -> None:
    # CPC 137(2)(4): custody ordered until Friday 8 March 2024 (a holiday) ends that day.
    case = custody_case("2024-03-08")
    assert case.term("custody.term", "7").due_at == end_of(2024, 3, 8)


def test_it_extends_custody_by_a_new_order_and_restarts_the_request_clock() -> None:
    case = custody_case("2024-05-03")
    case.add(
        "courts.measure.petition", local(2024, 4, 25, 10), person=7, measure="custody", months=2
    )
    assert case.term("custody.extension_request", "7").state == "met"
    assert case.term("custody.extension_decision", "7").due_at == end_of(2024, 4, 28)
    effects = case.add(
        "courts.measure.decide",
        local(2024, 4, 27, 11),
        person=7,
        granted=True,
        measure="custody",
        until="2024-07-03",
    )
    assert (
        Extended(
            "custody.term",
            "7",
            local(2024, 4, 27, 11),
            end_of(2024, 7, 3),
            end_of(2024, 6, 23),
            None,
        )
        in effects
    )
    assert case.term("custody.extension_decision", "7").state == "met"
    requests = [t for t in case.terms() if t.rule_id == "custody.extension_request"]
    assert [t.state for t in requests] == ["met", "running"]
    assert requests[-1].due_at == end_of(2024, 6, 28)


def test_it_cancels_the_custody_clocks_when_the_measure_becomes_bail() -> None:
    case = custody_case()
    effects = case.add(
        "courts.measure.decide", local(2024, 4, 1, 12), person=7, granted=True, measure="bail"
    )
    cancelled = {e.rule_id for e in effects if isinstance(e, Cancelled)}
    assert {
        "custody.term",
        "custody.cap",
        "custody.extension_request",
        "indictment.to_prosecutor",
        "indictment.to_court",
    } <= cancelled


def test_it_refuses_a_custody_order_without_an_end_date() -> None:
    case = Case()
    detained = local(2024, 3, 3, 22, 40)
    case.add("detention.arrest", detained, person=7, detained_at=detained.isoformat())
    with pytest.raises(DeadlineDataError) as caught:
        case.add(
            "courts.measure.decide",
            local(2024, 3, 5, 15),
            person=7,
            granted=True,
            measure="custody",
        )
    assert caught.value.field == "until"
    assert "CPC 115(1)" in caught.value.message


def test_it_does_not_start_pre_trial_custody_clocks_during_the_trial() -> None:
    case = Case(facts={"category": "grave", "stage": "trial"})
    case.add(
        "courts.measure.decide",
        local(2024, 9, 2, 10),
        person=7,
        granted=True,
        measure="custody",
        until="2024-11-02",
    )
    assert case.has("custody.term")
    assert case.has("measure.appeal.trial")  # CPC 401(4): 10 days during the trial
    assert not case.has("custody.extension_request")
    assert not case.has("custody.cap")
    assert not case.has("custody.appeal")


# --- pre-investigation and investigation: CPC 153, 156, 162 ---------------------------------------


def test_it_extends_the_pre_investigation_check_to_20_days() -> None:
    # CPC 153(3): registered Tuesday 2 April 2024 → 12 April; extended to 20 days → Monday 22 April.
    case = Case(facts={})
    case.add("registry.report.register", local(2024, 4, 2, 10, 15))
    assert case.term("report.decision").due_at == end_of(2024, 4, 12)
    effects = case.add("registry.term.extend", local(2024, 4, 10, 9))
    assert (
        Extended(
            "report.decision",
            None,
            local(2024, 4, 10, 9),
            end_of(2024, 4, 22),
            end_of(2024, 4, 20),
            Duration(20, "d"),
        )
        in effects
    )


def test_it_marks_a_decision_after_the_check_term_as_met_late() -> None:
    case = Case(facts={})
    case.add("registry.report.register", local(2024, 4, 2, 10, 15))
    effects = case.add("registry.case.open", local(2024, 4, 13, 9), facts=FACTS, article="122")
    assert Met("report.decision", None, local(2024, 4, 13, 9), late=True) in effects
    assert case.term("opening.copy_to_prosecutor").due_at == local(2024, 4, 14, 9)


def test_it_gives_one_month_for_minor_gravity_and_two_otherwise() -> None:
    opened = local(2024, 3, 15, 12)
    minor = Case(facts={"category": "minor_gravity", "stage": "investigation"})
    minor.add("registry.case.open", opened, article="127")
    assert minor.term("investigation.term.minor").due_at == end_of(2024, 4, 15)
    assert not minor.has("investigation.term")
    grave = Case()
    grave.add("registry.case.open", opened, article="122")
    assert grave.term("investigation.term").due_at == end_of(2024, 5, 15)
    assert not grave.has("investigation.term.minor")


def test_it_stops_the_investigation_clock_while_the_case_is_suspended() -> None:
    # CPC 162(3): opened 15 March 2024, 2 months → 15 May. Suspended 20 days (1–21 April), so
    # the term now ends 2 months after 4 April: Tuesday 4 June 2024.
    case = Case()
    case.add("registry.case.open", local(2024, 3, 15, 12), article="122")
    effects = case.add("registry.case.suspend", local(2024, 4, 1, 10))
    assert effects == [Suspended("investigation.term", None, local(2024, 4, 1, 10))]
    effects = case.add("registry.case.resume", local(2024, 4, 21, 10))
    resumed = effects[0]
    assert isinstance(resumed, Resumed)
    assert resumed.suspended_total == timedelta(days=20)
    assert resumed.due_at == end_of(2024, 6, 4)


def test_it_counts_an_extension_from_the_opening_without_the_suspended_time() -> None:
    # CPC 162(3)-(4): extended to 4 months in total → 4 months after 4 April = Sunday 4 August,
    # moved to Monday 5 August 2024.
    case = Case()
    case.add("registry.case.open", local(2024, 3, 15, 12), article="122")
    case.add("registry.case.suspend", local(2024, 4, 1, 10))
    case.add("registry.case.resume", local(2024, 4, 21, 10))
    case.add("registry.term.extend", local(2024, 5, 30, 10), months=4)
    term = case.term("investigation.term")
    assert term.duration == Duration(4, "M")
    assert term.due_at == end_of(2024, 8, 5)


def test_it_refuses_an_extension_that_does_not_say_how_long() -> None:
    case = Case()
    case.add("registry.case.open", local(2024, 3, 15, 12), article="122")
    with pytest.raises(DeadlineDataError) as caught:
        case.add("registry.term.extend", local(2024, 5, 1, 10))
    assert caught.value.field == "months"


def test_it_starts_no_investigation_term_without_the_crime_category() -> None:
    case = Case(facts={"stage": "investigation"})
    case.add("registry.case.open", local(2024, 3, 15, 12), article="122")
    assert not case.has("investigation.term") and not case.has("investigation.term.minor")
    assert case.has("opening.copy_to_prosecutor")


# --- indictment and court: CPC 261, 262, 277, 283, 400, 410 ---------------------------------------


def test_it_runs_the_prosecutors_review_and_the_additional_investigation() -> None:
    case = Case()
    case.add("registry.indictment.submit", local(2024, 6, 3, 10))
    assert case.term("indictment.review").due_at == end_of(2024, 6, 10)  # 8th is a Saturday
    case.add("registry.indictment.return", local(2024, 6, 5, 10), reasons="gaps")
    assert case.term("indictment.review").state == "met"
    assert case.term("indictment.additional_investigation").due_at == end_of(2024, 7, 5)
    case.add("registry.indictment.submit", local(2024, 7, 1, 10))
    assert case.term("indictment.additional_investigation").state == "met"
    assert [t.state for t in case.terms() if t.rule_id == "indictment.review"] == ["met", "running"]


def test_it_starts_the_trial_clock_only_on_the_first_scheduling_order() -> None:
    case = Case(facts={"category": "grave", "stage": "trial"})
    case.add("courts.case.register", local(2024, 9, 2, 10))
    assert case.term("court.trial_term").due_at == end_of(2024, 11, 4)  # 2 Nov is a Saturday
    case.add("courts.hearing.schedule", local(2024, 9, 4, 10), starts_at="2024-09-16T10:00")
    assert case.term("court.intake_decision").state == "met"
    assert case.term("court.trial_start").due_at == end_of(2024, 9, 18)
    case.add("courts.trial.open", local(2024, 9, 16, 10))
    case.add("courts.hearing.schedule", local(2024, 9, 20, 10), starts_at="2024-10-01T10:00")
    assert [t.state for t in case.terms() if t.rule_id == "court.trial_start"] == ["met"]


def test_it_gives_a_jury_trial_30_days_to_start_and_3_months_to_finish() -> None:
    case = Case(facts={"category": "especially_grave", "stage": "trial", "jury": True})
    case.add("courts.case.register", local(2024, 9, 2, 10))
    case.add("courts.hearing.schedule", local(2024, 9, 4, 10), starts_at="2024-09-30T10:00")
    assert case.term("court.trial_start.jury").due_at == end_of(2024, 10, 4)
    assert case.term("court.trial_term.jury").due_at == end_of(2024, 12, 2)
    assert not case.has("court.trial_start") and not case.has("court.trial_term")


def test_it_adds_each_trial_extension_to_the_trial_term() -> None:
    # CPC 283(3): extended each time by up to 2 months.
    case = Case(facts={"category": "grave", "stage": "trial"})
    case.add("courts.case.register", local(2024, 9, 2, 10))
    case.add("courts.term.extend", local(2024, 10, 25, 10), months=2)
    term = case.term("court.trial_term")
    assert term.duration == Duration(4, "M")
    # 4 months from 2 September 2024 end on 2 January 2025, inside the New Year holidays of the
    # Labour Code of 2025 (1-7 January) → Wednesday 8 January.
    assert term.due_at == end_of(2025, 1, 8)


def test_it_starts_the_appeal_court_clock_only_for_an_appeal_against_the_verdict() -> None:
    case = Case(facts={"category": "grave", "stage": "trial"})
    case.add("courts.verdict.deliver", local(2024, 11, 1, 16))
    window = case.term("appeal.window")
    assert window.due_at == end_of(2024, 12, 2)  # 1 December 2024 is a Sunday
    case.add(
        "courts.appeal.file",
        local(2024, 11, 20, 10),
        facts={"stage": "appeal"},
        grounds="sentence too harsh",
    )
    assert case.term("appeal.window").state == "met"
    assert not case.has("appeal.decision")  # counted from receipt by the appeal court (410(2))
    case.add("courts.appeal.send", local(2024, 12, 3, 10), facts={"stage": "appeal"})
    assert case.term("appeal.decision").due_at == end_of(2025, 2, 3)
    assert not case.has("appeal.decision.investigating_judge")


def test_it_starts_the_ten_day_appeal_clock_for_an_investigating_judges_ruling() -> None:
    case = custody_case()
    case.add("courts.measure.appeal", local(2024, 3, 7, 10), person=7, grounds="no grounds")
    assert case.term("custody.appeal", "7").state == "met"
    assert case.term("appeal.decision.investigating_judge").due_at == end_of(2024, 3, 18)
    assert not case.has("appeal.decision")


# --- gaps, configuration, packs -------------------------------------------------------------------


def test_it_never_starts_a_gap_rule_until_it_is_configured() -> None:
    event = Event(
        "courts.hearing.schedule",
        {"probation_report": True},
        local(2024, 9, 4, 10),
        3,
        {"category": "grave", "stage": "trial"},
    )
    assert not any(
        getattr(e, "rule_id", "") == "probation.report" for e in apply_event(PACK, event, [])
    )
    configured = PACK.configured({"probation.report": "1M"})
    starts = [e for e in apply_event(configured, event, []) if isinstance(e, Start)]
    report = next(e for e in starts if e.rule_id == "probation.report")
    assert report.due_at == end_of(2024, 10, 4)
    assert report.article == "CPC 280(4)"


def test_it_leaves_terms_of_another_pack_alone_and_can_skip_starting_terms() -> None:
    foreign = OpenDeadline("pretrial.term", None, local(2021, 6, 1), end_of(2021, 8, 1))
    event = Event("registry.case.open", {"article": "122"}, local(2024, 3, 15, 12), 1, FACTS)
    assert apply_event(PACK, event, [foreign], start=False) == []
    started = apply_event(PACK, event, [foreign])
    assert {e.rule_id for e in started} == {"investigation.term", "opening.copy_to_prosecutor"}


def test_it_reads_open_terms_as_the_projection_stores_them() -> None:
    stored = OpenDeadline(
        "investigation.term",
        "",
        local(2024, 3, 15, 12),
        end_of(2024, 5, 15),
        "suspended",
        local(2024, 4, 1, 10),
        3600,
        "2M",
    )  # type: ignore[arg-type]
    assert stored.subject is None
    assert stored.duration == Duration(2, "M")
    assert stored.suspended_total == timedelta(hours=1)
    with pytest.raises(ValueError):
        OpenDeadline("investigation.term", None, local(2024, 3, 15), end_of(2024, 5, 15), "met")


def test_it_flags_a_due_date_that_rests_on_an_estimated_holiday() -> None:
    early_2026 = Event("registry.report.register", {}, local(2026, 3, 10, 10), 1, {})
    assert next(e for e in apply_event(PACK, early_2026, []) if isinstance(e, Start)).provisional
    in_2024 = Event("registry.report.register", {}, local(2024, 3, 10, 10), 1, {})
    assert not next(e for e in apply_event(PACK, in_2024, []) if isinstance(e, Start)).provisional


def test_it_gives_the_same_effects_for_the_same_event_every_time() -> None:
    case = custody_case()
    event = Event(
        "courts.measure.decide",
        {"person": 7, "granted": True, "measure": "custody", "until": "2024-07-03"},
        local(2024, 4, 27, 11),
        9,
        FACTS,
    )
    assert apply_event(PACK, event, case.open()) == apply_event(PACK, event, case.open())


# --- effective state ------------------------------------------------------------------------------


def test_it_shows_a_running_term_past_its_due_time_as_missed() -> None:
    due = local(2024, 3, 5, 22, 40)
    assert effective_state("running", due, due - timedelta(minutes=1)) == "running"
    assert effective_state("running", due, due) == "running"
    assert effective_state("running", due, due + timedelta(microseconds=1)) == "missed"


def test_it_keeps_met_cancelled_and_suspended_terms_as_they_are() -> None:
    due = local(2024, 3, 5)
    later = due + timedelta(days=30)
    for state in ("met", "cancelled", "suspended", "missed"):
        assert effective_state(state, due, later) == state
    with pytest.raises(ValueError):
        effective_state("overdue", due, later)


# --- invariants over any history ------------------------------------------------------------------

KINDS = sorted(
    {
        t.kind
        for r in PACK.rules
        for t in r.starts_on
        + r.met_by
        + r.cancelled_by
        + r.suspended_by
        + r.resumed_by
        + r.extended_by
    }
)


@st.composite
def histories(draw: Any) -> list[Event]:
    facts = {
        "category": draw(
            st.sampled_from(["minor_gravity", "less_grave", "grave", "especially_grave"])
        ),
        "minor": draw(st.booleans()),
        "jury": draw(st.booleans()),
        "stage": draw(st.sampled_from(["investigation", "prosecution", "trial", "appeal"])),
    }
    at = local(2024, 1, 8, 9)
    events = []
    for seq in range(1, draw(st.integers(min_value=1, max_value=25)) + 1):
        at += timedelta(minutes=draw(st.integers(min_value=1, max_value=60 * 24 * 20)))
        person = draw(st.sampled_from([1, 2]))
        data: dict[str, Any] = {
            "person": person,
            "detained_at": (at - timedelta(hours=1)).isoformat(),
            "granted": draw(st.booleans()),
            "measure": draw(st.sampled_from(["custody", "house_arrest", "bail"])),
            "until": (at + timedelta(days=draw(st.integers(1, 70)))).date().isoformat(),
            "months": draw(st.integers(min_value=1, max_value=6)),
            "document": draw(st.sampled_from(["opening_decision", "detention_record"])),
            "probation_report": draw(st.booleans()),
            "expertise": person,  # the subject of an expertise's term, like a person's
            "complaint": person,  # and of a complaint's
            "days": draw(st.integers(min_value=1, max_value=60)),
            "complete": draw(st.booleans()),
        }
        events.append(Event(draw(st.sampled_from(KINDS)), data, at, seq, facts))
    return events


@settings(max_examples=150, deadline=None, derandomize=True)
@given(events=histories())
def test_it_keeps_at_most_one_open_term_per_rule_and_person(events: list[Event]) -> None:
    terms = replay(PACK, events)
    open_keys = [(t.rule_id, t.subject) for t in terms if t.state in OPEN_STATES]
    assert len(open_keys) == len(set(open_keys))
    for term in terms:
        assert term.article
        if PACK.rule(term.rule_id).due_from is None:
            assert term.due_at > term.starts_at
        if PACK.rule(term.rule_id).subject is not None:
            assert term.subject in ("1", "2")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(events=histories())
def test_it_only_changes_terms_that_are_open(events: list[Event]) -> None:
    terms: list[Term] = []
    for event in events:
        open_now = [t.as_open() for t in terms if t.state in OPEN_STATES]
        effects = apply_event(PACK, event, open_now)
        open_ids = {(d.rule_id, d.subject) for d in open_now}
        for effect in effects:
            if not isinstance(effect, Start):
                assert (effect.rule_id, effect.subject) in open_ids
            else:
                assert (effect.rule_id, effect.subject) not in open_ids
        fold(terms, effects, event.seq)
