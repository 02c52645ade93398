"""Verdicts of the trial court and the register of court decisions (CPC 344-360, 400, 426).

The presiding judge delivers the verdict (`courts.verdict.deliver`), structured per defendant and
article: convicted or acquitted, and for a conviction the sentence — its kind, term or amount,
the colony regime, the probation period (CPC 346, 348, 349(2), 354, 356) — with the time the
person spent in custody, read from the ledger, for the credit the verdict must decide
(CPC 354(1)(8); CC 80(5)-(6)). Each verdict gets an ECLI-style identifier
`ECLI:KG:<court>:<year>:<number>`, gap-free per court and year, and enters the register of
court decisions that prisons, probation and enforcement read.

The clerk records service of the copy (`courts.verdict.serve`, CPC 360): for a defendant held in
custody the 30 days of appeal run from it (CPC 400(1)). The verdict enters into force when every
appeal term has run with no appeal (CPC 426(1)) or on the day the appeal court decides
(CPC 426(2), see `appeals`): `courts.verdict.enter_into_force`, done by the worker when due and
by the clerk by hand. With co-defendants it enters into force for each on their own: for those
who did not appeal when the terms have run, even while another's appeal is pending (CPC
426(3)); each defendant's row keeps its own `in_force_at`, and the verdict is `in_force` once
it is for all. The case goes to execution when a convict with a sentence to serve enters into
force (or is closed when no defendant has one).

The register's queries and entries are in `register`; the verdict document in
`verdict_document`; turning a verdict in force to execution in `execution`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pydantic
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_noop

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.jobs import periodic
from icjis.core.models import Case, CaseParticipant, Event, Person, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, Refusal, Said, say
from icjis.courts.context import case_in
from icjis.courts.models import Appeal, CourtCase, Hearing, Verdict, VerdictDefendant
from icjis.legal.articles import refuse_unknown
from icjis.legal.catalogues import CatalogueError, lookup
from icjis.legal.counting import due_at, last_day_of, local_date, parse_moment, start_of_day
from icjis.legal.custody_time import held_before

log = logging.getLogger("icjis.courts")

APPEAL_DAYS = 30  # CPC 400(1)
CRIMINAL_CODES = {"kg-2021": "kg-cc-2021", "kg-2019": "kg-cc-2017", "kg-1997": "kg-cc-1997"}
SENTENCE_KINDS = ("community_work", "restriction_of_liberty", "fine", "probation", "imprisonment")
"""Sentence kinds the verdict records, from the mildest (CC 60(1)); probation is imprisonment
from which the convict is released under probation supervision (CC 82)."""
REGIMES = ("general", "strict", "special", "educational_general", "educational_reinforced")
"""Colonies in which imprisonment is served (CC 67(4)): correctional colonies of general, strict
and special regime; educational colonies of general and reinforced regime for children."""
LIMITS: dict[str, tuple[int, int, str]] = {
    "imprisonment_months": (6, 180, "CC 67(2)"),
    "restriction_of_liberty_months": (6, 36, "CC 62(1)"),
    "community_work_hours": (40, 300, "CC 61(2)"),
    "fine": (200, 2_000, "CC 65(3)"),
    "fine_economic": (3_000, 25_000, "CC 65(4)"),
    "probation_less_grave": (12, 36, "CC 82(4)"),
    "probation_grave": (36, 60, "CC 82(4)"),
}
"""The Criminal Code's limits of each sentence, (lowest, highest, article). Imprisonment is six
months to fifteen years per sentence (CC 67(2)); the twenty years of 67(3) are only for
sentences combined for several crimes or verdicts, which this register does not compute, so
one sentence recorded here is at most 180 months. The seed plans within the same table."""
FINE_ECONOMIC = {"225": None, "238": None, "239": None, "240": (2, 3, 4)}
"""Articles (and parts; None for every part) whose fine is 3,000 to 25,000 calculation indices
(CC 65(4)); every other fine is 200 to 2,000 (CC 65(3)). The numbers are those of the 2021 code."""
NO_PROBATION_ARTICLES = ("137", "157", "158", "166", "167", "168", "172", "173")
"""Articles whose convicts are not released under probation supervision (CC 82(2)(7))."""


def fine_limits(code: str, article: str, part: int | None) -> tuple[int, int, str]:
    """The range of a fine for a conviction under `article` (CC 65(3)-(4)). Only the 2021 code's
    articles are known: a case under an earlier code keeps the widest range the two parts
    allow, 200 to 25,000, as the limits of that code are not in the catalogue."""
    if code != "kg-cc-2021":
        return LIMITS["fine"][0], LIMITS["fine_economic"][1], "CC 65(3)-(4)"
    if article in FINE_ECONOMIC:
        parts = FINE_ECONOMIC[article]
        if parts is None or part in parts:
            return LIMITS["fine_economic"]
    return LIMITS["fine"]


EXECUTING_ROLES = ("prison_officer", "probation_officer", "enforcement_officer")
"""Bodies that execute sentences: they read the register nationwide, the sentence part only."""
ECLI_PATTERN = r"^ECLI:KG:[A-Z0-9]{1,12}:[0-9]{4}:[0-9]{1,7}$"

SentenceKind = Literal[
    "imprisonment", "probation", "fine", "community_work", "restriction_of_liberty"
]
Regime = Literal["general", "strict", "special", "educational_general", "educational_reinforced"]
# How a refusal names a sentence kind and a sentence's field, marked for the catalogue so that a
# page says them in the reader's language (`core.refusals.say`).
KIND_WORDS = {
    "imprisonment": gettext_noop("imprisonment"),
    "probation": gettext_noop("probation"),
    "fine": gettext_noop("fine"),
    "community_work": gettext_noop("community work"),
    "restriction_of_liberty": gettext_noop("restriction of liberty"),
}
FIELD_WORDS = {
    "months": gettext_noop("months"),
    "amount": gettext_noop("amount"),
    "hours": gettext_noop("hours"),
    "regime": gettext_noop("regime"),
    "probation_months": gettext_noop("probation months"),
}


# --- reading the record -----------------------------------------------------------------------


def case_of(event: Event) -> Case:
    return Case.objects.get(number=event.stream.removeprefix("case/"))


def court_case_of(case: Case) -> CourtCase | None:
    """The case's current proceedings in the court of first instance."""
    return CourtCase.objects.filter(case=case, instance="first").order_by("-registered_at").first()


def current_verdict(case: Case) -> Verdict | None:
    """The verdict that stands in the case: delivered or in force (a quashed one does not)."""
    return (
        Verdict.objects.filter(case=case).exclude(state="quashed").order_by("-delivered_at").first()
    )


def verdict_facts(verdict: Verdict) -> dict[str, Any]:
    """What the verdict's event left in the case's details: defendants held in custody at the
    verdict, service of the copy, time in custody."""
    return dict(verdict.case.details.get("verdicts", {}).get(verdict.id, {}))


def ecli_court(court: Unit) -> str:
    """The court part of the ECLI: the court's code in capitals and digits only."""
    return re.sub(r"[^A-Z0-9]", "", court.code.upper())


def in_year(qs: QuerySet[Verdict], year: int) -> QuerySet[Verdict]:
    """Decisions delivered in a calendar year, local time (the year of the ECLI)."""
    return qs.filter(
        delivered_at__gte=start_of_day(date(year, 1, 1)),
        delivered_at__lt=start_of_day(date(year + 1, 1, 1)),
    )


def take_ecli(court: Unit, year: int) -> tuple[str, int]:
    """The court's next decision number for `year`. The court's own row is locked in the act's
    transaction while the decisions of that year are counted, so deliveries in one court take
    their numbers one after another, and a refused or rolled-back delivery leaves no gap.
    (The court's `NumberCounter` row already numbers its court cases; decisions are counted.)"""
    Unit.objects.select_for_update().filter(pk=court.pk).first()
    taken = in_year(Verdict.objects.filter(court=court), year).count()
    seq = taken + 1
    return f"ECLI:KG:{ecli_court(court)}:{year}:{seq}", seq


# --- time in custody (CPC 354(1)(8); CC 80(5)-(6)) ------------------------------------------


def _held(stream: str, persons: list[str], before: date) -> dict[str, dict[str, Any]]:
    record = {}
    for person in persons:
        held = held_before(stream, person, before)
        record[person] = {
            "custody_days": held["ivs_days"] + held["custody_days"],
            "ivs_days": held["ivs_days"],
            "house_arrest_days": held["house_arrest_days"],
            "in_custody": held["in_custody"],
        }
    return record


def custody_record(stream: str, persons: list[str], until: datetime) -> dict[str, dict[str, Any]]:
    """Each person's days held in this case as at `until`, counted from the ledger by the one
    counter of ICJIS (`legal.custody_time`, which the prisons read too): `custody_days` —
    temporary detention and custody ordered by the judge, which CC 80(5) credits alike — with
    `ivs_days` of them in temporary detention, and `house_arrest_days`, which CC 80(6) credits
    at another rate; a day begun held counts whole, the day of `until` too. `in_custody` tells
    whether the person is held at `until` — at the verdict, whose 30 days of appeal then run
    from service (CPC 400(1))."""
    return _held(stream, persons, local_date(until) + timedelta(days=1))


def credited_custody(
    stream: str, persons: list[str], in_force: datetime
) -> dict[str, dict[str, Any]]:
    """As `custody_record`, the days held before the day the verdict enters into force: CC
    80(5)-(6) credit the time held until then, and that day is the first day of the term — the
    days the prison counts for the same person (`legal.custody_time`)."""
    return _held(stream, persons, local_date(in_force))


# --- the appeal terms (CPC 400(1), 426(1)) -------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One appeal term against a verdict: the parties' (`person` "") from the verdict, or a
    detained defendant's from service of the copy; `ends_at` None while the copy is unserved."""

    person: str
    ends_at: datetime | None


def appeal_due(start: datetime) -> datetime:
    """The end of 30 days from `start`: its day not counted, to 24:00, moved off a non-working
    day (CPC 400(1), 137(2)) — an appeal term is not a custody term."""
    return due_at(start, APPEAL_DAYS, "d", shift=True)


def appeal_windows(verdict: Verdict, facts: dict[str, Any] | None = None) -> list[Window]:
    """Every appeal term against the verdict: 30 days from it for the parties, and for each
    defendant held in custody at the verdict, 30 days from service of the copy (CPC 400(1))."""
    facts = verdict_facts(verdict) if facts is None else facts
    windows = [Window("", appeal_due(verdict.delivered_at))]
    served = facts.get("served", {})
    for person in facts.get("detainees", []):
        at = served.get(person)
        windows.append(Window(person, appeal_due(parse_moment(at)) if at else None))
    return windows


def window_for(verdict: Verdict, person: str | None) -> Window:
    """The term an appeal runs in: a detained defendant's own (filed for them by counsel),
    otherwise the 30 days from the verdict."""
    windows = appeal_windows(verdict)
    return next((w for w in windows if person and w.person == person), windows[0])


def appeal_term_closes(verdict: Verdict) -> tuple[datetime | None, str]:
    """When the last appeal term ends, or (None, person) while a detainee's copy is unserved."""
    ends = []
    for window in appeal_windows(verdict):
        if window.ends_at is None:
            return None, window.person
        ends.append(window.ends_at)
    return max(ends), ""


def day_of(moment: datetime) -> str:
    """The local day a term ending at `moment` ends on, for messages."""
    return last_day_of(moment).isoformat()


# --- courts.verdict.deliver ---------------------------------------------------------------------


class SentenceIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: SentenceKind
    months: int | None = pydantic.Field(
        default=None, ge=1, le=240, description="term of imprisonment or restriction of liberty"
    )
    amount: int | None = pydantic.Field(
        default=None, ge=1, le=25_000, description="fine, in calculation indices (CC 65(3))"
    )
    hours: int | None = pydantic.Field(default=None, ge=1, le=300, description="community work")
    regime: Regime | None = pydantic.Field(default=None, description="colony (CC 67(4))")
    probation_months: int | None = pydantic.Field(default=None, ge=1, le=60)


class DefendantIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")
    outcome: Literal["convicted", "acquitted"]
    article: str = pydantic.Field(min_length=1, max_length=16, description="e.g. 205 or 152-1")
    part: int | None = pydantic.Field(default=None, ge=1, le=20)
    sentence: SentenceIn | None = None


class DeliverIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    defendants: list[DefendantIn] = pydantic.Field(min_length=1, max_length=200)


def _ranged(
    value: int | None, low: int, high: int, key: str, refusal: Callable[[int, int], Said]
) -> None:
    """Refuse `value` outside `low`-`high` with the sentence `refusal(low, high)` makes (one
    template per size and article, so each is translated whole)."""
    if value is None or not low <= value <= high:
        message = refusal(low, high)
        raise Invalid(message, fields={key: f"{low}-{high}"})


def _fine_refusal(basis: str) -> Callable[[int, int], Said]:
    """The sentence refusing a fine outside the range `fine_limits` gives, with its article."""
    if basis == "CC 65(3)":
        return lambda low, high: say(
            "A fine in calculation indices must be from %(low)s to %(high)s (CC 65(3)).",
            low=low,
            high=high,
        )
    if basis == "CC 65(4)":
        return lambda low, high: say(
            "A fine in calculation indices must be from %(low)s to %(high)s (CC 65(4)).",
            low=low,
            high=high,
        )
    return lambda low, high: say(
        "A fine in calculation indices must be from %(low)s to %(high)s (CC 65(3)-(4)).",
        low=low,
        high=high,
    )


def _refuse_extra(s: SentenceIn, allowed: set[str]) -> None:
    for key in ("months", "amount", "hours", "regime", "probation_months"):
        if key not in allowed and getattr(s, key) is not None:
            raise Invalid(
                say(
                    "A sentence of %(kind)s has no %(field)s.",
                    kind=KIND_WORDS.get(s.kind, s.kind.replace("_", " ")),
                    field=FIELD_WORDS[key],
                ),
                fields={f"sentence.{key}": gettext_noop("not for this kind")},
            )


def _refuse_foreigner(kind: str, citizenship: str, person: str) -> None:
    """Refuse probation supervision (CC 82(2)(8)) or restriction of liberty (CC 62(5)) for a
    person the persons index records as a citizen of another state."""
    if not citizenship or citizenship == "KGZ":
        return
    if kind == "probation":
        message = say(
            "Probation supervision is not imposed on foreign citizens or stateless persons "
            "temporarily residing in the Kyrgyz Republic (CC 82(2)(8)); %(person)s is recorded "
            "in the persons index as a citizen of %(citizenship)s. Correct the record if that is "
            "wrong, or choose another sentence.",
            person=person,
            citizenship=citizenship,
        )
    else:
        message = say(
            "Restriction of liberty is not imposed on foreign citizens or stateless persons "
            "temporarily residing in the Kyrgyz Republic (CC 62(5)); %(person)s is recorded in "
            "the persons index as a citizen of %(citizenship)s. Correct the record if that is "
            "wrong, or choose another sentence.",
            person=person,
            citizenship=citizenship,
        )
    raise Invalid(message, fields={"sentence.kind": gettext_noop("not for a foreign citizen")})


def check_sentence(
    s: SentenceIn,
    category: str,
    sanction: Mapping[str, Any] | None = None,
    *,
    code: str = "kg-cc-2021",
    article: str = "",
    part: int | None = None,
    citizenship: str = "",
    person: str = "",
) -> dict[str, Any]:
    """The sentence as recorded, checked against the Criminal Code's limits for its kind
    (`LIMITS`) and, where the catalogue gives it, the sanction of the article: a kind it
    provides, no more than its maximum (CC 72(1)). Its minimum is not enforced: an attempt or a
    plea agreement may go below it (CC 75, 79). What the record can show of the exclusions is
    checked: probation not for the articles of CC 82(2)(7) nor for a foreign citizen
    (82(2)(8)); restriction of liberty not for a foreign citizen (62(5))."""
    # The refusals cite the articles of `LIMITS` in their templates, one template per limit.
    low, high, _ = LIMITS["imprisonment_months"]
    if s.kind == "imprisonment":
        _refuse_extra(s, {"months", "regime"})
        _ranged(
            s.months,
            low,
            high,
            "sentence.months",
            lambda low, high: say(
                "Imprisonment in months must be from %(low)s to %(high)s (CC 67(2)).",
                low=low,
                high=high,
            ),
        )
        if s.regime is None:
            raise Invalid(
                say("A sentence of imprisonment names the colony regime (CPC 349(2); CC 67(4))."),
                fields={"sentence.regime": gettext_noop("required")},
            )
    elif s.kind == "probation":
        _refuse_extra(s, {"months", "probation_months"})
        if category not in ("less_grave", "grave"):
            raise Invalid(
                say(
                    "Release from imprisonment under probation supervision is possible only for "
                    "a less grave or grave crime (CC 82(1)-(2))."
                ),
                fields={"sentence.kind": gettext_noop("not for this crime")},
            )
        if code == "kg-cc-2021" and article in NO_PROBATION_ARTICLES:
            raise Invalid(
                say(
                    "Probation supervision is not applied to those convicted under article "
                    "%(article)s (CC 82(2)(7)).",
                    article=article,
                ),
                fields={"sentence.kind": gettext_noop("not for this article")},
            )
        _refuse_foreigner("probation", citizenship, person)
        _ranged(
            s.months,
            low,
            high,
            "sentence.months",
            lambda low, high: say(
                "The imprisonment imposed, in months must be from %(low)s to %(high)s (CC 67(2)).",
                low=low,
                high=high,
            ),
        )
        p_low, p_high, _ = LIMITS[
            "probation_less_grave" if category == "less_grave" else "probation_grave"
        ]
        _ranged(
            s.probation_months,
            p_low,
            p_high,
            "sentence.probation_months",
            lambda low, high: say(
                "The probation period in months must be from %(low)s to %(high)s (CC 82(4)).",
                low=low,
                high=high,
            ),
        )
    elif s.kind == "fine":
        _refuse_extra(s, {"amount"})
        f_low, f_high, f_basis = fine_limits(code, article, part)
        _ranged(s.amount, f_low, f_high, "sentence.amount", _fine_refusal(f_basis))
    elif s.kind == "community_work":
        _refuse_extra(s, {"hours"})
        h_low, h_high, _ = LIMITS["community_work_hours"]
        _ranged(
            s.hours,
            h_low,
            h_high,
            "sentence.hours",
            lambda low, high: say(
                "Community work in hours must be from %(low)s to %(high)s (CC 61(2)).",
                low=low,
                high=high,
            ),
        )
    else:
        _refuse_extra(s, {"months"})
        if category not in ("minor_gravity", "less_grave"):
            raise Invalid(
                say(
                    "Restriction of liberty is imposed only for a crime of minor gravity or a "
                    "less grave crime (CC 62(1))."
                ),
                fields={"sentence.kind": gettext_noop("not for this crime")},
            )
        _refuse_foreigner("restriction_of_liberty", citizenship, person)
        r_low, r_high, _ = LIMITS["restriction_of_liberty_months"]
        _ranged(
            s.months,
            r_low,
            r_high,
            "sentence.months",
            lambda low, high: say(
                "Restriction of liberty in months must be from %(low)s to %(high)s (CC 62(1)).",
                low=low,
                high=high,
            ),
        )
    if sanction:
        _within_sanction(s, sanction)
    return s.model_dump(exclude_none=True)


SANCTION_OF = {
    "imprisonment": ("imprisonment", "imprisonment_months", "months"),
    "probation": ("imprisonment", "imprisonment_months", "months"),
    "fine": ("fine", "fine_calculation_units", "amount"),
    "community_work": ("community_work", "community_work_hours", "hours"),
    "restriction_of_liberty": ("restriction_of_liberty", "restriction_of_liberty_months", "months"),
}


def _within_sanction(s: SentenceIn, sanction: Mapping[str, Any]) -> None:
    penalty, limits, key = SANCTION_OF[s.kind]
    provided = sanction.get("main") or []
    if penalty not in provided:
        if provided:
            message = say(
                "The article's sanction provides %(provided)s, not %(penalty)s (CC 72(1)).",
                provided=", ".join(provided),
                penalty=KIND_WORDS.get(penalty, penalty.replace("_", " ")),
            )
        else:
            message = say(
                "The article's sanction provides no main penalty, not %(penalty)s (CC 72(1)).",
                penalty=KIND_WORDS.get(penalty, penalty.replace("_", " ")),
            )
        raise Invalid(message, fields={"sentence.kind": gettext_noop("not in the sanction")})
    highest = (sanction.get(limits) or {}).get("max")
    value = getattr(s, key)
    if highest is not None and value is not None and value > highest:
        if key == "amount":
            message = say(
                "The article's sanction allows at most %(highest)s calculation indices (CC 72(1)).",
                highest=highest,
            )
        elif key == "hours":
            message = say(
                "The article's sanction allows at most %(highest)s hours (CC 72(1)).",
                highest=highest,
            )
        else:
            message = say(
                "The article's sanction allows at most %(highest)s months (CC 72(1)).",
                highest=highest,
            )
        raise Invalid(
            message, fields={f"sentence.{key}": say("at most %(highest)s", highest=highest)}
        )


def qualify(case: Case, article: str, part: int | None) -> dict[str, Any]:
    """The article (and part) in the case's criminal code, from its catalogue."""
    code = case.criminal_code or CRIMINAL_CODES.get(case.legislation_set, "kg-cc-2021")
    try:
        offence = lookup(code, article, part)
    except CatalogueError as exc:
        refuse_unknown(code, article, part, exc)
    if offence.part is None and len(offence.parts) > 1:
        raise Invalid(
            say(
                "Article %(article)s of %(code)s has parts; say which (CPC 354(1)(3)).",
                article=offence.article,
                code=code,
            ),
            fields={"part": gettext_noop("required for this article")},
        )
    return {
        "article": offence.article,
        "part": int(offence.part) if offence.part and offence.part.isdigit() else part,
        "code": code,
        "category": offence.category or "",
        "sanction": offence.sanction,
    }


def check_defendant(case: Case, given: DefendantIn) -> dict[str, Any]:
    """One defendant-and-article of a verdict (or of an appeal court's change), as recorded."""
    row: dict[str, Any] = {"person": given.person, "outcome": given.outcome}
    row.update(qualify(case, given.article, given.part))
    sanction = row.pop("sanction")
    if given.outcome == "acquitted":
        if given.sentence is not None:
            raise Invalid(
                say("An acquittal imposes no sentence (CPC 356)."),
                fields={"sentence": gettext_noop("acquitted")},
            )
    elif given.sentence is not None:
        citizenship = (
            Person.objects.filter(pk=given.person).values_list("citizenship", flat=True).first()
        )
        row["sentence"] = check_sentence(
            given.sentence,
            row["category"],
            sanction,
            code=row["code"],
            article=row["article"],
            part=row["part"],
            citizenship=citizenship or "",
            person=given.person,
        )
    return row


def _apply_deliver(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    verdict = Verdict.objects.create(
        id=data["verdict"],
        court_case_id=data["court_case"],
        case=case,
        court_id=data["court"],
        judge=event.actor,
        delivered_at=event.recorded_at,
        state="delivered",
    )
    custody = data["custody"]
    VerdictDefendant.objects.bulk_create(
        [
            defendant_row(verdict, d, custody[d["person"]]["custody_days"])
            for d in data["defendants"]
        ]
    )
    CourtCase.objects.filter(pk=data["court_case"]).update(
        state="decided", decided_at=event.recorded_at
    )
    facts = {
        "detainees": sorted(p for p, c in custody.items() if c["in_custody"]),
        "served": {},
        "custody": {
            p: {k: v for k, v in c.items() if k != "in_custody"} for p, c in custody.items()
        },
    }
    details = dict(case.details)
    details["verdicts"] = {**details.get("verdicts", {}), verdict.id: facts}
    details["verdict"] = verdict.id
    Case.objects.filter(pk=case.pk).update(details=details, last_movement_at=event.recorded_at)
    return {
        "verdict": verdict.id,
        "court_case": data["court_case"],
        "appeal_until": iso(appeal_due(event.recorded_at)),
        "detainees": facts["detainees"],
        "custody": facts["custody"],
    }


def defendant_row(verdict: Verdict, d: dict[str, Any], custody_days: int) -> VerdictDefendant:
    """A register row from a recorded defendant. Community work is kept in hours in `amount`
    (the table has no hours column yet)."""
    s = d.get("sentence") or {}
    amount = s.get("hours") if s.get("kind") == "community_work" else s.get("amount")
    return VerdictDefendant(
        verdict=verdict,
        person_id=d["person"],
        outcome=d["outcome"],
        article=d["article"],
        part=d.get("part"),
        code=d["code"],
        sentence_kind=s.get("kind", ""),
        months=s.get("months"),
        amount=amount,
        regime=s.get("regime", ""),
        probation_months=s.get("probation_months"),
        custody_credit_days=custody_days,
    )


@act_kind(
    "courts.verdict.deliver",
    schema=DeliverIn,
    roles=("judge",),
    legal_basis="CPC 344, 346, 348-350, 354, 356, 358; CC 80(5)-(6)",
    apply=_apply_deliver,
    title="Deliver the verdict",
)
def deliver_verdict(ctx: Context) -> dict[str, Any]:
    """Records the verdict the presiding judge pronounces in the name of the Kyrgyz Republic
    (CPC 344, 358), deciding for each accused and each article whether they are guilty, and for a
    conviction the sentence: its kind and size, the colony regime for imprisonment, the probation
    period (CPC 346(1)-(3), 348, 349(2), 354(1)(3)-(6)); or the acquittal (350, 356). Every
    accused of the case is decided on (346(3)). The time each spent in custody and under house
    arrest in the case is read from the ledger and recorded for the credit (354(1)(8);
    CC 80(5)-(6)). The verdict gets its ECLI, gap-free per court and year. The trial term
    (CPC 283(2)) is met; the 30 days of appeal begin (CPC 400(1)); the case stays at trial until
    the verdict enters into force."""
    case = case_in(ctx)
    if case.stage != "trial":
        raise Conflict(
            say("The case is at the stage '%(stage)s'; a verdict ends a trial.", stage=case.stage)
        )
    court_case = court_case_of(case)
    if court_case is None:
        raise Conflict(say("The case has not been registered in the court yet (CPC 277)."))
    if court_case.judge and court_case.judge != ctx.user.username:
        raise Forbidden(
            say(
                "Only the presiding judge of court case %(court_case)s, %(judge)s, delivers its "
                "verdict (CPC 292, 344).",
                court_case=court_case.id,
                judge=court_case.judge,
            )
        )
    if not court_case.judge:
        raise Forbidden(
            say(
                "Only the presiding judge of court case %(court_case)s delivers its verdict "
                "(CPC 292, 344).",
                court_case=court_case.id,
            )
        )
    standing = current_verdict(case)
    if standing is not None:
        raise Conflict(
            say(
                "Verdict %(verdict)s has already been delivered in this case.",
                verdict=standing.id,
            )
        )
    begun = Hearing.objects.filter(court_case=court_case, starts_at__lte=ctx.now).exists()
    if not begun and court_case.state != "in_trial":
        raise Conflict(
            say(
                "No hearing of this case has begun yet: the verdict is pronounced at the end of "
                "the trial in the courtroom (CPC 343, 358)."
            )
        )
    accused = set(
        CaseParticipant.objects.filter(case=case, role="accused").values_list(
            "person_id", flat=True
        )
    )
    rows, seen = [], set()
    for given in ctx.input.defendants:
        if given.person not in accused:
            raise Invalid(
                say(
                    "%(person)s is not an accused in this case; a verdict decides only on the "
                    "accused (CPC 346(1)).",
                    person=given.person,
                ),
                fields={"defendants.person": gettext_noop("not accused in this case")},
            )
        row = check_defendant(case, given)
        key = (row["person"], row["article"], row["part"])
        if key in seen:
            raise Invalid(
                say(
                    "%(person)s appears twice under article %(article)s.",
                    person=given.person,
                    article=row["article"],
                ),
                fields={"defendants": gettext_noop("duplicate")},
            )
        seen.add(key)
        rows.append(row)
    missing = sorted(accused - {r["person"] for r in rows})
    if missing:
        raise Invalid(
            say(
                "The verdict must decide on every accused (CPC 346(3)); missing: %(missing)s.",
                missing=", ".join(missing),
            ),
            fields={"defendants": gettext_noop("an accused is missing")},
        )
    court = court_case.court
    year = local_date(ctx.now).year
    ecli, number = take_ecli(court, year)
    persons = sorted({r["person"] for r in rows})
    return {
        "verdict": ecli,
        "court": court.code,
        "court_case": court_case.id,
        "year": year,
        "number": number,
        "defendants": rows,
        "custody": custody_record(ctx.stream, persons, ctx.now),
    }


# --- courts.verdict.serve -----------------------------------------------------------------------


class ServeIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")


def _apply_serve(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    details = dict(case.details)
    verdicts = dict(details.get("verdicts", {}))
    facts = dict(verdicts[data["verdict"]])
    facts["served"] = {**facts.get("served", {}), data["person"]: iso(event.recorded_at)}
    verdicts[data["verdict"]] = facts
    details["verdicts"] = verdicts
    Case.objects.filter(pk=case.pk).update(details=details, last_movement_at=event.recorded_at)
    result: dict[str, Any] = {"verdict": data["verdict"], "person": data["person"]}
    if data["in_custody"]:
        result["appeal_until"] = iso(appeal_due(event.recorded_at))
    return result


@act_kind(
    "courts.verdict.serve",
    schema=ServeIn,
    roles=("court_clerk", "judge"),
    legal_basis="CPC 360, 400(1)",
    apply=_apply_serve,
    title="Serve the copy of the verdict",
)
def serve_verdict(ctx: Context) -> dict[str, Any]:
    """Records that the copy of the verdict was handed to the convicted or acquitted person
    (CPC 360: within 5 days of its pronouncement). For a defendant held in custody the 30 days
    of appeal run from this service, not from the verdict (CPC 400(1))."""
    verdict = current_verdict(case_in(ctx))  # refused when the act names no case
    if verdict is None or verdict.state != "delivered":
        raise Conflict(say("There is no verdict awaiting entry into force in this case."))
    person = ctx.input.person
    if not verdict.defendants.filter(person_id=person).exists():
        raise Invalid(
            say(
                "%(person)s is not a defendant of verdict %(verdict)s.",
                person=person,
                verdict=verdict.id,
            ),
            fields={"person": gettext_noop("not a defendant")},
        )
    facts = verdict_facts(verdict)
    if person in facts.get("served", {}):
        raise Conflict(
            say(
                "The copy of verdict %(verdict)s was already served on %(person)s.",
                verdict=verdict.id,
                person=person,
            )
        )
    return {
        "verdict": verdict.id,
        "person": person,
        "in_custody": person in facts.get("detainees", []),
    }


# --- courts.verdict.enter_into_force --------------------------------------------------------


class EnterIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


def _held_back(appeal: Appeal) -> Said:
    return say(
        "Appeal %(appeal)s, filed on %(filed)s, awaits the appeal court: an appeal suspends the "
        "verdict's entry into force (CPC 405(1)); it enters into force on the day the appeal "
        "court decides (CPC 426(2)).",
        appeal=appeal.id,
        filed=local_date(appeal.filed_at).isoformat(),
    )


def due_for_entry(verdict: Verdict, now: datetime) -> tuple[list[str], Said | None]:
    """The defendants for whom the verdict enters into force at `now`, and, when there are
    none, why not in a sentence. A pending appeal holds back the defendant it is filed for —
    or every defendant when it names none (CPC 405(1)); the others enter into force once every
    appeal term has run (CPC 426(1), (3)); the appellants on the day the appeal court decides
    (426(2)), the case having reached it only after the terms ran (400(2))."""
    waiting = sorted(
        set(verdict.defendants.filter(in_force_at__isnull=True).values_list("person_id", flat=True))
    )
    if not waiting:
        return [], say(
            "Verdict %(verdict)s is already in force for every defendant.", verdict=verdict.id
        )
    pending = list(
        Appeal.objects.filter(verdict=verdict, state="pending").order_by("filed_at", "id")
    )
    for appeal in pending:
        if appeal.person_id is None:
            return [], _held_back(appeal)
    held = {a.person_id for a in pending}
    free = [p for p in waiting if p not in held]
    if not free:
        return [], _held_back(pending[0])
    if Appeal.objects.filter(verdict=verdict, state="decided").exists():
        return free, None  # decided on appeal: in force on the decision (CPC 426(2))
    closes, unserved = appeal_term_closes(verdict)
    if closes is None:
        return [], say(
            "The copy of verdict %(verdict)s has not been served on %(person)s, who is held in "
            "custody; their 30 days of appeal run from service (CPC 360, 400(1)).",
            verdict=verdict.id,
            person=unserved,
        )
    if now <= closes:
        return [], say(
            "The appeal term against verdict %(verdict)s runs until the end of %(day)s (CPC "
            "400(1)); unappealed, the verdict enters into force after it (CPC 426(1), (3)).",
            verdict=verdict.id,
            day=day_of(closes),
        )
    return free, None


def entry_refusal(verdict: Verdict, now: datetime) -> Said | None:
    """Why the verdict cannot enter into force for any defendant at `now`; None when it can."""
    return due_for_entry(verdict, now)[1]


def _apply_enter(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    rows = VerdictDefendant.objects.filter(verdict_id=data["verdict"])
    if "persons" in data:  # recorded before CPC 426(3) was kept: every defendant at once
        rows = rows.filter(person_id__in=data["persons"])
    rows.update(in_force_at=event.recorded_at)
    if not VerdictDefendant.objects.filter(
        verdict_id=data["verdict"], in_force_at__isnull=True
    ).exists():
        Verdict.objects.filter(pk=data["verdict"]).update(
            state="in_force", in_force_at=event.recorded_at
        )
    for person, record in data["custody"].items():
        VerdictDefendant.objects.filter(verdict_id=data["verdict"], person_id=person).update(
            custody_credit_days=record["custody_days"]
        )
    details = dict(case.details)
    verdicts = dict(details.get("verdicts", {}))
    facts = dict(verdicts[data["verdict"]])
    facts["custody"] = {**facts.get("custody", {}), **data["custody"]}
    verdicts[data["verdict"]] = facts
    details["verdicts"] = verdicts
    Case.objects.filter(pk=case.pk).update(
        stage=data.get("stage", case.stage), details=details, last_movement_at=event.recorded_at
    )
    return {"verdict": data["verdict"], "in_force_at": iso(event.recorded_at), **data}


@act_kind(
    "courts.verdict.enter_into_force",
    schema=EnterIn,
    roles=("court_clerk", "judge", "system"),
    legal_basis="CPC 405(1), 426(1)-(4); CC 80(5)",
    apply=_apply_enter,
    title="Record the verdict's entry into force",
)
def enter_into_force(ctx: Context) -> dict[str, Any]:
    """Records that the verdict has entered into force: when every appeal term has run with no
    appeal (CPC 426(1)) — for a defendant held in custody, 30 days from service of the copy
    (400(1)) — or on the day the appeal court decided (426(2)). Refused while an appeal is
    pending (405(1)) or a term still runs. Done by the worker when due, or by the clerk. Time in
    custody is counted again, up to the day before this one (CC 80(5): custody until entry into
    force is credited; this day is the first day of the term), as the prison counts it.
    With co-defendants it enters into force for each on their own (426(3)): those who did not
    appeal when the terms have run, even while another's appeal is pending; the appellant on
    the decision. The event records who enters into force now (`persons`); the verdict is in
    force once it is for every defendant. The case goes to execution when a convict with a
    sentence to serve enters into force, which must follow within 3 days (426(4)); when every
    defendant is in force and none has a sentence to serve it is closed."""
    case = case_in(ctx)
    verdict = current_verdict(case)
    if verdict is None or verdict.state != "delivered":
        raise Conflict(say("There is no verdict awaiting entry into force in this case."))
    persons, refusal = due_for_entry(verdict, ctx.now)
    if refusal is not None:
        raise Conflict(refusal)
    decided = (
        Appeal.objects.filter(verdict=verdict, state="decided").order_by("-decided_at").first()
    )
    rows = list(verdict.defendants.all())
    now_in = [r for r in rows if r.person_id in persons]
    convicted = sorted({r.person_id for r in now_in if r.outcome == "convicted"})
    counted = credited_custody(ctx.stream, convicted, ctx.now)
    custody = {p: {k: v for k, v in c.items() if k != "in_custody"} for p, c in counted.items()}
    recorded: dict[str, Any] = {
        "verdict": verdict.id,
        "persons": persons,
        "grounds": "appeal_decided" if decided else "appeal_term_lapsed",
        "custody": custody,
    }
    # The case has one stage: execution once a convict with a sentence to serve is in force
    # (the 3 days of CPC 426(4) run for them), even while a co-defendant's appeal is pending
    # (the appeal stays open on its own record); closed when every defendant is in force and
    # none has a sentence to serve; otherwise it stays where it is (at appeal while one is
    # pending). `stage` is recorded only when this entry sets it.
    last = all(r.in_force_at is not None or r.person_id in persons for r in rows)
    if any(r.sentence_kind for r in now_in):
        recorded["stage"] = "execution"
    elif last and not any(r.sentence_kind for r in rows):
        recorded["stage"] = "closed"
    if decided is not None:
        recorded["appeal"] = decided.id
    return recorded


@periodic("courts.verdict.enter_into_force")
def enter_due_verdicts() -> int:
    """Record the entry into force of every verdict whose appeal terms have run unappealed
    (CPC 426(1)) — with co-defendants, for those whose own appeal is not pending (426(3)) — as
    the system. A verdict decided on appeal enters into force with the
    decision itself (see `appeals`)."""
    now = clock.now()
    done = 0
    whole = Appeal.objects.filter(verdict=OuterRef("pk"), state="pending", person__isnull=True)
    waiting = (
        Verdict.objects.filter(state="delivered", delivered_at__lt=now - timedelta(days=29))
        .exclude(Exists(whole))
        .select_related("case")
        .order_by("delivered_at", "id")
    )
    for verdict in waiting.iterator(500):
        # What the act checks: per defendant, no appeal of theirs pending; decided on appeal,
        # or every appeal term run (CPC 400(1), 426(1)-(3)).
        persons, _ = due_for_entry(verdict, now)
        if not persons:
            continue
        try:
            acts.perform(SYSTEM_USER, "courts.verdict.enter_into_force", {}, case=verdict.case_id)
        except Refusal as exc:  # e.g. an appeal filed between our read and the act
            log.info("entry into force of %s refused: %s", verdict.id, exc.message)
            continue
        done += 1
    return done
