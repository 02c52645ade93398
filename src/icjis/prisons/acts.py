"""Act kinds of the prisons module (module G): the prison register fed from verdicts in force.

A verdict of imprisonment that enters into force makes the system expect the convict at the
colony of the case's region (`prisons.admission.expect`, CPC 426(4); CEC 74(1)) — nobody types
the sentence again. The prison officer records the admission (`prisons.admit`, CEC 78) and the
sentence calculation is made and kept as evidence (`icjis.prisons.sentence`: CC 80(5)-(6), 81,
88(4); CEC 159(2)); transfers between facilities (`prisons.transfer`, CEC 75); releases on
the grounds of CEC 158 (`prisons.release`: end of term, parole, amnesty, pardon). A verdict
modified on appeal is recalculated by act, keeping the old calculation
(`prisons.sentence.recalculate`); what the rules do not cover goes to the prison officer to
calculate by hand (`prisons.sentence.record_manual`). Facilities submit head-counts for
reconciliation with the register (`prisons.headcount.submit`). The register never holds a
person twice at once (a database constraint and a refusal).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

import pydantic
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, Reaction, act_kind, reaction
from icjis.core.alerts import answer, raise_alert
from icjis.core.canonical import day_or_none
from icjis.core.execution import close_case, closes_case, outstanding
from icjis.core.models import Alert, Case, CaseUnit, Event, Person, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, say
from icjis.core.units import unit_covering
from icjis.courts.models import VerdictDefendant
from icjis.legal.calendar import default_calendar
from icjis.legal.catalogues import CatalogueError, lookup
from icjis.legal.counting import local_date
from icjis.legal.custody_time import held_before
from icjis.prisons import sentence as calc
from icjis.prisons.models import (
    EXPECTED,
    HELD,
    MERGED,
    OPEN_STATES,
    Calculation,
    HeadCount,
    Movement,
    Prisoner,
)
from icjis.registry.acts import case_of

OFFICER = "prison_officer"
PersonId = pydantic.Field(min_length=1, max_length=16, description="person id")
FacilityCode = pydantic.Field(min_length=1, max_length=32, description="code of a prison unit")


# --- reading ----------------------------------------------------------------------------------


def prison_for(case: Case) -> Unit | None:
    """The prison service unit of the case's region (the deepest prison whose territory covers
    the case), else none."""
    return unit_covering(case.territory_path, "prison")


def sentence_of(case: Case, verdict: str, person: str) -> tuple[dict[str, Any] | None, str]:
    """The imprisonment the verdict imposes on `person` as the register keeps it, and a reason
    for manual calculation ("" when the rules may apply)."""
    rows = list(
        VerdictDefendant.objects.filter(
            verdict_id=verdict, person_id=person, outcome="convicted", sentence_kind="imprisonment"
        ).order_by("article", "part", "pk")
    )
    if not rows:
        return None, ""
    row = rows[0]
    try:
        category = lookup(row.code, row.article, row.part).category or case.category
    except CatalogueError:
        category = case.category
    sentence = {
        "months": row.months,
        "regime": row.regime,
        "article": row.article,
        "part": row.part,
        "code": row.code,
        "category": category or "",
    }
    if len(rows) > 1:
        articles = ", ".join(r.article for r in rows)
        return sentence, say(
            "The verdict imposes imprisonment under several articles (%(articles)s); the final "
            "sentence for the aggregate of crimes (CC 78) is calculated by hand.",
            articles=articles,
        )
    return sentence, ""


def _person(person: str) -> Person:
    found = Person.objects.filter(pk=person).first()
    if found is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=person))
    return found


def lock_person(person: str) -> None:
    """Serialise the register's writes about one person across case streams: the row of the
    person in the index is locked until the transaction ends (each case stream has its own
    lock, so two verdicts or two admissions in different cases would otherwise pass each
    other's checks)."""
    list(Person.objects.select_for_update().filter(pk=person).values_list("pk", flat=True))


def other_open_entry(entry_or_case: Prisoner | Case, person: str) -> Prisoner | None:
    """Another open register entry of `person` (held first, then expected) outside this entry
    or case; read after `lock_person`."""
    others = Prisoner.objects.filter(person_id=person, state__in=OPEN_STATES)
    if isinstance(entry_or_case, Prisoner):
        others = others.exclude(pk=entry_or_case.pk)
    else:
        others = others.exclude(case=entry_or_case)
    return others.order_by("-state", "expected_at", "id").first()  # "held" > "expected"


# The register's states as a reason names them (each said by its own entry of the catalogue, as
# `detention.acts.OCCASIONS` and `probation.acts.REQUEST_WORDS` are).
STATE_WORDS = {EXPECTED: say("expected"), HELD: say("held")}


def combine_reason(person: str, other: Prisoner) -> str:
    return say(
        "%(person)s is also in the register under case %(case)s (%(state)s); sentences under "
        "several verdicts are combined by the court (CC 79) and the result recorded by hand.",
        person=person,
        case=other.case_id,
        state=STATE_WORDS.get(other.state, other.state),
    )


def register_entry(ctx: Context, person: str, states: tuple[str, ...] = (HELD,)) -> Prisoner:
    assert ctx.case is not None
    entry = (
        Prisoner.objects.filter(case=ctx.case, person_id=person, state__in=states)
        .order_by("-expected_at")
        .first()
    )
    if entry is None:
        # `states` is one of (held), (expected) and OPEN_STATES (expected or held).
        if states == (HELD,):
            message = say(
                "%(person)s is not held in the prison register under case %(case)s; the "
                "register is fed from verdicts of imprisonment in force (CPC 426(4)).",
                person=person,
                case=ctx.case.number,
            )
        elif states == (EXPECTED,):
            message = say(
                "%(person)s is not expected in the prison register under case %(case)s; the "
                "register is fed from verdicts of imprisonment in force (CPC 426(4)).",
                person=person,
                case=ctx.case.number,
            )
        else:
            message = say(
                "%(person)s is not expected or held in the prison register under case "
                "%(case)s; the register is fed from verdicts of imprisonment in force "
                "(CPC 426(4)).",
                person=person,
                case=ctx.case.number,
            )
        raise Conflict(message)
    return entry


def prison_facility(code: str) -> Unit:
    """The prison facility `code`, or a refusal naming the field."""
    unit = Unit.objects.filter(code=code, kind="prison").first()
    if unit is None:
        raise Invalid(
            say("%(code)s is not a prison facility.", code=code),
            fields={"facility": gettext_noop("not a prison")},
        )
    return unit


def own_facility(ctx: Context, code: str, *, what: Literal["admissions", "head-counts"]) -> Unit:
    unit = prison_facility(code)
    if not getattr(ctx.user, "is_system", False) and ctx.user.unit_id != code:
        if what == "admissions":
            raise Forbidden(
                say("Only officers of %(code)s record admissions there (CEC 78).", code=code)
            )
        raise Forbidden(
            say("Only officers of %(code)s record head-counts there (CEC 78).", code=code)
        )
    return unit


def check_acting_facility(ctx: Context, entry: Prisoner) -> None:
    if entry.facility_id and ctx.user.unit_id != entry.facility_id:
        raise Forbidden(
            say(
                "%(person)s is held at %(facility)s; its officers act.",
                person=entry.person_id,
                facility=entry.facility_id,
            )
        )


def _working_day(day: date) -> bool:
    return default_calendar().is_working_day(day)


def _run(
    case: Case, entry: Prisoner, sentence: dict[str, Any], start: date, reason: str
) -> dict[str, Any]:
    """A calculation as recorded: inputs, rule version, results and breakdown — or the reason
    it goes to manual calculation. Time held is credited up to the verdict's entry into force
    (CC 80(5)-(6)); for a convict held in custody that is also the start of the term."""
    in_force = local_date(entry.in_force_at)
    held = held_before(f"case/{case.number}", entry.person_id, min(start, in_force))
    inputs = calc.Inputs(
        months=sentence.get("months"),
        regime=sentence.get("regime") or "",
        category=sentence.get("category") or "",
        legislation_set=case.legislation_set,
        start=start,
        ivs_days=held["ivs_days"],
        custody_days=held["custody_days"],
        house_arrest_days=held["house_arrest_days"],
        start_reason=reason,
    )
    try:
        result = calc.calculate(inputs, calc.rules_for(case.legislation_set), _working_day)
    except calc.ManualCalculation as manual:
        return {"inputs": inputs.as_json(), "manual": manual.message, "manual_code": manual.code}
    return {"inputs": inputs.as_json(), "method": "rules", **result.as_json()}


def _start(entry: Prisoner, now: Any) -> tuple[date, str]:
    """The term begins on the day the verdict entered into force for a convict held in custody
    (custody until then is credited, CC 80(5)); otherwise on the day of admission."""
    if entry.in_custody:
        return local_date(entry.in_force_at), "in_force_in_custody"
    return local_date(now), "admission"


def _store(event: Event, prisoner: str, n: int, reason: str, made: dict[str, Any]) -> None:
    """A calculation row from an event's data; the one before it is superseded, not edited."""
    Calculation.objects.filter(prisoner_id=prisoner, superseded_at__isnull=True).update(
        superseded_at=event.recorded_at
    )
    Calculation.objects.create(
        id=f"{prisoner}#{n}",
        prisoner_id=prisoner,
        n=n,
        made_at=event.recorded_at,
        reason=reason,
        method=made.get("method", "rules"),
        rule_version=made.get("rule_version", ""),
        inputs=made.get("inputs", {}),
        start_date=date.fromisoformat(made["start"]),
        term_last_day=day_or_none(made.get("term_last_day")),
        release_date=date.fromisoformat(made["release_date"]),
        parole_date=day_or_none(made.get("parole_date")),
        credit_days=made.get("credit_days", 0),
        breakdown=made.get("breakdown", {}),
    )
    Prisoner.objects.filter(pk=prisoner).update(
        start_date=date.fromisoformat(made["start"]),
        release_date=date.fromisoformat(made["release_date"]),
        parole_date=day_or_none(made.get("parole_date")),
        manual_reason="",
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _manual_alert(event: Event, case: Case, unit: str, person: str, reason: str) -> None:
    Prisoner.objects.filter(case=case, person_id=person, state__in=OPEN_STATES).update(
        manual_reason=reason[:500]
    )
    told = Alert.objects.filter(
        kind="prisons.manual_calculation", case=case, subject=person, state="open"
    )
    if told.exists():
        return  # the officers already have it
    raise_alert(
        event,
        1,
        kind="prisons.manual_calculation",
        unit=unit,
        roles=[OFFICER],
        case=case,
        subject=person,
        message=say(
            "The sentence of %(person)s in case %(case)s is to be calculated by hand: %(reason)s "
            "Record it with prisons.sentence.record_manual.",
            person=person,
            case=case.number,
            reason=calc.manual_reason(reason),
        ),
    )


def _calculation_json(made: dict[str, Any] | None) -> dict[str, Any] | None:
    if not made or "release_date" not in made:
        return None
    return made


# --- prisons.admission.expect (the system, on a verdict in force) ---------------------------


class ExpectIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    verdict: str = pydantic.Field(min_length=1, max_length=60)


def _apply_expect(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    Prisoner.objects.create(
        id=data["prisoner"],
        case=case,
        person_id=data["person"],
        verdict=data["verdict"],
        state=EXPECTED,
        expected_unit_id=data["facility"],
        territory_path=data["territory_path"],
        sentence=data["sentence"],
        in_force_at=event.recorded_at,
        in_custody=data["in_custody"],
        expected_at=event.recorded_at,
    )
    CaseUnit.objects.get_or_create(case=case, unit_id=data["facility"], capacity="prison")
    if data["manual"]:
        _manual_alert(event, case, data["facility"], data["person"], data["manual"])
    return {"prisoner": data["prisoner"], "facility": data["facility"], "manual": data["manual"]}


@act_kind(
    "prisons.admission.expect",
    schema=ExpectIn,
    roles=("system",),
    legal_basis="CPC 426(4); CEC 74(1)",
    apply=_apply_expect,
    title="Expect a convict at the colony (verdict of imprisonment in force)",
)
def expect_admission(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a verdict of imprisonment enters into force: the convict is
    expected by the colony of the case's region, which may from then on read the case, with the
    sentence read from the register of court decisions — no re-typing (CPC 426(4); CEC 74(1)).
    Records whether the convict was held in custody at that moment (the term then runs from
    that day, CC 80(5)). A sentence the rules do not cover (several articles or verdicts to
    combine, CC 78-79; an unknown regime; no term) is routed to manual calculation and the
    prison officers are alerted."""
    from icjis.courts.verdicts import custody_record

    case = ctx.case
    assert case is not None and ctx.head is not None
    person = ctx.input.person
    sentence, manual = sentence_of(case, ctx.input.verdict, person)
    if sentence is None:
        raise Conflict(
            say(
                "Verdict %(verdict)s imposes no imprisonment on %(person)s.",
                verdict=ctx.input.verdict,
                person=person,
            )
        )
    if Prisoner.objects.filter(verdict=ctx.input.verdict, person_id=person).exists():
        raise Conflict(
            say("%(person)s is already in the prison register under this verdict.", person=person)
        )
    prison = prison_for(case)
    if prison is None:
        raise Conflict(say("No prison facility covers the region of the case."))
    lock_person(person)
    other = other_open_entry(case, person)
    if other is not None and not manual:
        manual = combine_reason(person, other)
    if not manual:
        probe = calc.Inputs(
            months=sentence["months"],
            regime=sentence["regime"],
            category=sentence["category"],
            legislation_set=case.legislation_set,
            start=local_date(ctx.now),
            ivs_days=0,
            custody_days=0,
            house_arrest_days=0,
            start_reason="admission",
        )
        try:
            calc.calculate(probe, calc.rules_for(case.legislation_set), _working_day)
        except calc.ManualCalculation as exc:
            manual = exc.message
    held = custody_record(ctx.stream, [person], ctx.now)[person]["in_custody"]
    return {
        "prisoner": f"PR-{case.number}-{ctx.head.seq + 1}",
        "person": person,
        "verdict": ctx.input.verdict,
        "facility": prison.code,
        "territory_path": case.territory_path,
        "sentence": sentence,
        "in_custody": held,
        "manual": manual or None,
    }


@reaction("courts.verdict.enter_into_force")
def expect_on_entry_into_force(
    ctx: Context, event: Event, data: dict[str, Any]
) -> Iterator[Reaction]:
    """A verdict in force that imposes imprisonment makes the system expect each such convict
    at the colony of the region (CPC 426(4); CEC 74(1))."""
    if data.get("stage") != "execution" or ctx.case is None:
        return
    if prison_for(ctx.case) is None:
        return  # no prison service on file for the region: nothing to feed
    convicts = VerdictDefendant.objects.filter(
        verdict_id=data["verdict"],
        person_id__in=data["persons"],  # those it entered into force for now (CPC 426(3))
        outcome="convicted",
        sentence_kind="imprisonment",
    ).values_list("person_id", flat=True)
    known = set(
        Prisoner.objects.filter(verdict=data["verdict"]).values_list("person_id", flat=True)
    )
    for person in sorted(set(convicts) - known):
        yield Reaction(
            "prisons.admission.expect",
            {"person": person, "verdict": data["verdict"]},
            ctx.case.number,
        )


# --- prisons.admit ----------------------------------------------------------------------------


class AdmitIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    facility: str = FacilityCode


def _apply_admit(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    prisoner = data["prisoner"]
    try:
        with transaction.atomic():
            Prisoner.objects.filter(pk=prisoner).update(
                state=HELD, facility_id=data["facility"], admitted_at=event.recorded_at
            )
    except IntegrityError:
        # Another admission of the same person committed between our check and this write.
        raise Conflict(
            say(
                "%(person)s was just admitted elsewhere; the register holds a person once.",
                person=data["person"],
            )
        ) from None
    Movement.objects.create(
        prisoner_id=prisoner,
        kind="admission",
        facility_id=data["facility"],
        at=event.recorded_at,
        seq=event.seq,
    )
    CaseUnit.objects.get_or_create(case=case, unit_id=data["facility"], capacity="prison")
    made = data["calculation"]
    if made.get("kept"):
        pass  # the calculation recorded by hand before the admission stands
    elif "release_date" in made:
        _store(event, prisoner, 1, "admission", made)
    else:
        Prisoner.objects.filter(pk=prisoner).update(
            start_date=date.fromisoformat(made["inputs"]["start"])
        )
        _manual_alert(event, case, data["facility"], data["person"], made["manual"])
    return {
        "prisoner": prisoner,
        "facility": data["facility"],
        "start_date": made["inputs"]["start"],
        "release_date": made.get("release_date"),
        "parole_eligible_on": made.get("parole_date"),
        "manual": made.get("manual"),
        "calculation": _calculation_json(made),
        "kept_calculation": made.get("kept"),
    }


@act_kind(
    "prisons.admit",
    schema=AdmitIn,
    roles=(OFFICER,),
    legal_basis="CEC 78; CC 80(5)-(6), 81, 88(4); CEC 159(2)",
    apply=_apply_admit,
    title="Admit a convict to the colony",
)
def admit(ctx: Context) -> dict[str, Any]:
    """Records the admission of an expected convict to the officer's own colony (CEC 78) and
    makes the sentence calculation, kept as evidence: the start of the term, the days held in
    temporary detention, in custody and under house arrest read from the case's ledger and
    credited (CC 80(5)-(6)), the release date (CEC 159(2)) and the parole eligibility date by
    the category of the crime (CC 88(4)), with the inputs, the rule version and a breakdown.
    What the rules do not cover goes to manual calculation with the reason. Refused while the
    person is held in the register under any case: nobody is held twice at once."""
    case = ctx.case
    assert case is not None
    given = ctx.input
    unit = own_facility(ctx, given.facility, what="admissions")
    _person(given.person)
    entry = register_entry(ctx, given.person, (EXPECTED,))
    if unit.code != entry.expected_unit_id:
        raise Conflict(
            say(
                "%(person)s is expected at %(expected)s, not %(facility)s; the commission's "
                "decision on another colony is recorded first "
                "(prisons.admission.redirect, CEC 74(1)).",
                person=given.person,
                expected=entry.expected_unit_id,
                facility=unit.code,
            )
        )
    lock_person(given.person)  # the check below holds across case streams
    other = other_open_entry(entry, given.person)
    if other is not None and other.state == HELD:
        raise Conflict(
            say(
                "%(person)s is already held at %(facility)s (case %(case)s) since %(since)s; "
                "the register holds a person once. Release that entry first, or, once the "
                "court has combined the sentences (CC 79), end this entry as merged into that "
                "one (prisons.admission.merge) and record the combined sentence on it by hand.",
                person=given.person,
                facility=other.facility_id,
                case=other.case_id,
                since=local_date(other.admitted_at or other.expected_at).isoformat(),
            )
        )
    current = entry.calculations.filter(superseded_at__isnull=True).first()
    if current is not None:  # calculated by hand while expected: the admission keeps it
        return {
            "prisoner": entry.id,
            "person": given.person,
            "facility": unit.code,
            "verdict": entry.verdict,
            "calculation": {
                "inputs": {"start": current.start_date.isoformat()},
                "kept": current.id,
                "method": current.method,
                "release_date": current.release_date.isoformat(),
                "parole_date": _iso(current.parole_date),
            },
        }
    start, reason = _start(entry, ctx.now)
    made = _run(case, entry, entry.sentence, start, reason)
    routed = entry.manual_reason or (combine_reason(given.person, other) if other else "")
    if routed and "release_date" in made:
        made = {"inputs": made["inputs"], "manual": routed, "manual_code": "routed"}
    return {
        "prisoner": entry.id,
        "person": given.person,
        "facility": unit.code,
        "verdict": entry.verdict,
        "calculation": made,
    }


# --- prisons.transfer -------------------------------------------------------------------------


class TransferIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    facility: str = FacilityCode


def _apply_transfer(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    Prisoner.objects.filter(pk=data["prisoner"]).update(facility_id=data["facility"])
    Movement.objects.create(
        prisoner_id=data["prisoner"],
        kind="transfer",
        facility_id=data["facility"],
        from_facility=data["from"],
        at=event.recorded_at,
        seq=event.seq,
    )
    CaseUnit.objects.get_or_create(case=case, unit_id=data["facility"], capacity="prison")
    return {"prisoner": data["prisoner"], "from": data["from"], "facility": data["facility"]}


@act_kind(
    "prisons.transfer",
    schema=TransferIn,
    roles=(OFFICER,),
    legal_basis="CEC 75",
    apply=_apply_transfer,
    title="Transfer a prisoner to another facility",
)
def transfer(ctx: Context) -> dict[str, Any]:
    """Records the transfer of a prisoner from the officer's facility to another (CEC 75). The
    receiving facility may then read the case; the calculation is unchanged."""
    given = ctx.input
    entry = register_entry(ctx, given.person)
    check_acting_facility(ctx, entry)
    target = prison_facility(given.facility)
    if target.code == entry.facility_id:
        raise Conflict(
            say(
                "%(person)s is already held at %(facility)s.",
                person=given.person,
                facility=target.code,
            )
        )
    return {
        "prisoner": entry.id,
        "person": given.person,
        "from": entry.facility_id,
        "facility": target.code,
    }


# --- recalculation and manual calculation -----------------------------------------------------


class RecalculateIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    reason: Literal["appeal_modified", "correction"] = "correction"
    appeal: str | None = pydantic.Field(default=None, max_length=60)
    note: str = pydantic.Field(default="", max_length=2000)


def _apply_recalculate(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    prisoner = data["prisoner"]
    Prisoner.objects.filter(pk=prisoner).update(sentence=data["sentence"])
    made = data.get("calculation")
    if made and "release_date" in made:
        _store(event, prisoner, data["n"], data["reason"], made)
    elif made or data.get("manual"):
        unit = data["facility"]
        reason = (made or {}).get("manual") or data["manual"]
        _manual_alert(event, case, unit, data["person"], reason)
    return {
        "prisoner": prisoner,
        "calculation": _calculation_json(made),
        "supersedes": data.get("supersedes"),
        "manual": (made or {}).get("manual") or data.get("manual"),
    }


@act_kind(
    "prisons.sentence.recalculate",
    schema=RecalculateIn,
    roles=(OFFICER, "system"),
    legal_basis="CPC 417(1), 426(2); CC 80(5)-(6), 88(4); CEC 159(2)",
    apply=_apply_recalculate,
    title="Recalculate a sentence (verdict modified, or a correction)",
)
def recalculate(ctx: Context) -> dict[str, Any]:
    """Recalculates the sentence of a prisoner from the verdict as it now stands — done by the
    system when the appeal court modifies the verdict (CPC 417(1)(2)-(4), 426(2)), or by the
    prison officer as a correction. The earlier calculation is kept and marked superseded; the
    new one records its inputs, rule version and breakdown. For a convict not yet admitted
    only the sentence is updated (the calculation is made at admission)."""
    case = ctx.case
    assert case is not None
    given = ctx.input
    entry = register_entry(ctx, given.person, OPEN_STATES)
    if entry.state == HELD and not getattr(ctx.user, "is_system", False):
        check_acting_facility(ctx, entry)
    sentence, manual = sentence_of(case, entry.verdict, given.person)
    recorded: dict[str, Any] = {
        "prisoner": entry.id,
        "person": given.person,
        "reason": given.reason,
        "appeal": given.appeal,
        "note": given.note,
        "facility": entry.facility_id or entry.expected_unit_id,
        "previous_sentence": entry.sentence,
        "sentence": sentence or {},
    }
    if sentence is None:
        recorded["manual"] = say(
            "The verdict no longer imposes imprisonment on %(person)s; release on the court's "
            "decision (CEC 158(1)(3)) is recorded by hand.",
            person=given.person,
        )
        return recorded
    if entry.state != HELD:
        recorded["manual"] = manual or None
        return recorded
    previous = entry.calculations.filter(superseded_at__isnull=True).first()
    n = (entry.calculations.aggregate(n=Max("n"))["n"] or 0) + 1
    start = entry.start_date or local_date(entry.admitted_at or ctx.now)
    reason = "in_force_in_custody" if entry.in_custody else "admission"
    made = _run(case, entry, sentence, start, reason)
    if manual and "release_date" in made:
        made = {"inputs": made["inputs"], "manual": manual, "manual_code": "routed"}
    recorded.update({"n": n, "supersedes": previous.id if previous else None, "calculation": made})
    return recorded


@reaction("courts.appeal.decide")
def recalculate_on_appeal(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """A verdict modified on appeal is recalculated for every prisoner of the case whose
    sentence it changed (CPC 417(1), 426(2)). When the decision itself brings the verdict into
    force, the expectation is already made from the modified verdict and nothing differs."""
    if data.get("outcome") != "modified" or ctx.case is None:
        return
    persons = {c.get("person") for c in data.get("changes", [])}
    entries = Prisoner.objects.filter(
        case=ctx.case, state__in=OPEN_STATES, person_id__in=persons, verdict=data["verdict"]
    ).order_by("person_id")
    for entry in entries:
        sentence, _ = sentence_of(ctx.case, entry.verdict, entry.person_id)
        if sentence != entry.sentence:
            yield Reaction(
                "prisons.sentence.recalculate",
                {"person": entry.person_id, "reason": "appeal_modified", "appeal": data["appeal"]},
                ctx.case.number,
            )


class ManualIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    start_date: date
    release_date: date
    term_last_day: date
    parole_eligible_on: date | None = None
    explanation: str = pydantic.Field(min_length=10, max_length=8000)


def _apply_manual(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    _store(event, data["prisoner"], data["n"], "manual", data["calculation"])
    answer(event, "prisons.manual_calculation", data["person"])  # the calculation it asked for
    return {"prisoner": data["prisoner"], "calculation": data["calculation"]}


@act_kind(
    "prisons.sentence.record_manual",
    schema=ManualIn,
    roles=(OFFICER,),
    legal_basis="CC 78-81, 88; CEC 159(2)",
    apply=_apply_manual,
    title="Record a sentence calculated by hand",
)
def record_manual(ctx: Context) -> dict[str, Any]:
    """Records the calculation the prison officer made by hand for a sentence the rules do not
    cover (several sentences combined, CC 78-79; life imprisonment; an unknown regime), with
    the explanation as its breakdown. A rules-made calculation it replaces is kept. It may be
    recorded for a convict still expected (e.g. a second verdict the court combined with the
    first, CC 79) by an officer of the colony expecting them; the admission then keeps it."""
    given = ctx.input
    entry = register_entry(ctx, given.person, OPEN_STATES)
    if entry.state == HELD:
        check_acting_facility(ctx, entry)
    elif ctx.user.unit_id != entry.expected_unit_id:
        raise Forbidden(
            say(
                "%(person)s is expected at %(facility)s; its officers act.",
                person=given.person,
                facility=entry.expected_unit_id,
            )
        )
    if not given.start_date <= given.release_date <= given.term_last_day:
        raise Invalid(
            say(
                "The release date lies between the start and the last day of the term (CEC 159(2))."
            ),
            fields={"release_date": gettext_noop("out of the term")},
        )
    previous = entry.calculations.filter(superseded_at__isnull=True).first()
    n = (entry.calculations.aggregate(n=Max("n"))["n"] or 0) + 1
    made = {
        "method": "manual",
        "inputs": {"sentence": entry.sentence, "routed": entry.manual_reason},
        "start": given.start_date.isoformat(),
        "term_last_day": given.term_last_day.isoformat(),
        "release_date": given.release_date.isoformat(),
        "parole_date": given.parole_eligible_on.isoformat() if given.parole_eligible_on else None,
        "rule_version": "manual",
        "credit_days": 0,
        "breakdown": {"en": [given.explanation], "ru": [given.explanation]},
    }
    return {
        "prisoner": entry.id,
        "person": given.person,
        "n": n,
        "supersedes": previous.id if previous else None,
        "calculation": made,
    }


# --- prisons.admission.redirect ---------------------------------------------------------------


class RedirectIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    facility: str = FacilityCode
    decision: str = pydantic.Field(
        min_length=3,
        max_length=200,
        description="the penitentiary service commission's decision on the colony (CEC 74(1))",
    )
    grounds: str = pydantic.Field(min_length=3, max_length=2000)


def _apply_redirect(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Prisoner.objects.filter(pk=data["prisoner"]).update(expected_unit_id=data["facility"])
    case = case_of(event)
    CaseUnit.objects.get_or_create(case=case, unit_id=data["facility"], capacity="prison")
    return {"prisoner": data["prisoner"], "from": data["from"], "facility": data["facility"]}


@act_kind(
    "prisons.admission.redirect",
    schema=RedirectIn,
    roles=(OFFICER,),
    legal_basis="CEC 74(1)",
    apply=_apply_redirect,
    title="Send an expected convict to another colony (commission's decision)",
)
def redirect(ctx: Context) -> dict[str, Any]:
    """Records that the penitentiary service's commission decided the colony where a convict
    not yet admitted serves the sentence (CEC 74(1)): the convict is expected there instead of
    at the colony of the case's region, which the system chose, and that colony may read the
    case. Recorded by an officer of the colony expecting the convict, naming the decision."""
    given = ctx.input
    entry = register_entry(ctx, given.person, (EXPECTED,))
    if ctx.user.unit_id != entry.expected_unit_id:
        raise Forbidden(
            say(
                "%(person)s is expected at %(facility)s; its officers record where the "
                "commission sends the convict (CEC 74(1)).",
                person=given.person,
                facility=entry.expected_unit_id,
            )
        )
    target = prison_facility(given.facility)
    if target.code == entry.expected_unit_id:
        raise Conflict(
            say(
                "%(person)s is already expected at %(facility)s.",
                person=given.person,
                facility=target.code,
            )
        )
    return {
        "prisoner": entry.id,
        "person": given.person,
        "from": entry.expected_unit_id,
        "facility": target.code,
        "decision": given.decision,
        "grounds": given.grounds,
    }


# --- prisons.admission.merge ------------------------------------------------------------------


class MergeIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    into_case: str = pydantic.Field(
        min_length=1, max_length=40, description="the case whose register entry is served"
    )
    court: str = pydantic.Field(min_length=1, max_length=32, description="the deciding court")
    document: str = pydantic.Field(
        min_length=3, max_length=200, description="number of the court's decision (CC 79)"
    )
    document_date: date


def _apply_merge(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Prisoner.objects.filter(pk=data["prisoner"]).update(state=MERGED)
    answer(event, "prisons.manual_calculation", data["person"])
    if data["case_closed"]:
        close_case(event.stream.removeprefix("case/"), event.recorded_at)
    return {
        "prisoner": data["prisoner"],
        "into": data["into"],
        "case_closed": data["case_closed"],
    }


@act_kind(
    "prisons.admission.merge",
    schema=MergeIn,
    roles=(OFFICER,),
    legal_basis="CC 79; CPC 426(2)",
    apply=_apply_merge,
    title="End an expected entry as merged into the sentence served (sentences combined)",
)
def merge(ctx: Context) -> dict[str, Any]:
    """Ends the expected register entry of this case for a convict already held (or expected)
    under another case, once the court has combined the sentences of the verdicts (CC 79): the
    entry is marked merged into the other, naming the court's decision; the combined sentence
    is then recorded by hand on the entry served (`prisons.sentence.record_manual`). Only an
    officer of the colony holding (or expecting) the convict records it. When nothing else
    remains to be served in this case, it is closed (its sentence is served under the other)."""
    case = ctx.case
    assert case is not None
    given = ctx.input
    entry = register_entry(ctx, given.person, (EXPECTED,))
    lock_person(given.person)
    into = (
        Prisoner.objects.filter(
            person_id=given.person, case_id=given.into_case, state__in=OPEN_STATES
        )
        .exclude(pk=entry.pk)
        .first()
    )
    if into is None:
        raise Conflict(
            say(
                "%(person)s has no open entry in the prison register under case %(case)s; an "
                "entry is merged only into a sentence being served (CC 79).",
                person=given.person,
                case=given.into_case,
            ),
            fields={"into_case": gettext_noop("no open entry of the person")},
        )
    unit = into.facility_id or into.expected_unit_id
    if ctx.user.unit_id != unit:
        raise Forbidden(
            say(
                "%(person)s is served at %(facility)s; its officers record the merger.",
                person=given.person,
                facility=unit,
            )
        )
    if given.document_date > local_date(ctx.now):
        raise Invalid(
            say("The court's decision cannot be dated in the future."),
            fields={"document_date": gettext_noop("in the future")},
        )
    return {
        "prisoner": entry.id,
        "person": given.person,
        "into": into.id,
        "into_case": into.case_id,
        "court": given.court,
        "document": given.document,
        "document_date": given.document_date.isoformat(),
        "case_closed": closes_case(case.number, [f"prisons:{given.person}"]),
    }


# --- what remains to be served ----------------------------------------------------------------


@outstanding
def prisoners_outstanding(case_number: str) -> list[str]:
    """Convicts of the case expected at or held in a colony."""
    persons = Prisoner.objects.filter(case_id=case_number, state__in=OPEN_STATES).values_list(
        "person_id", flat=True
    )
    return [f"prisons:{p}" for p in persons]


projections.tables(HeadCount, Movement, Calculation, Prisoner)
