"""The register of court decisions in criminal matters (SPEC module F): which decisions a user may
read, and each entry — the decision with, per defendant and article, the outcome and sentence —
as the API and the verdict document show it. Those who read the whole case file read the
decisions of the cases they may read. The bodies that execute sentences (CPC 429(2)) read,
nationwide, only the verdicts in force that impose a sentence they execute, only the convicts
serving it, and no PIN — the name and birth date identify the convict. Every opening of one
decision is logged."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from icjis.core.access import log_read, restrict
from icjis.core.canonical import iso
from icjis.core.refusals import NotFound, say
from icjis.core.visibility import whole_file
from icjis.courts.models import Verdict, VerdictDefendant
from icjis.courts.verdicts import (
    ECLI_PATTERN,
    appeal_term_closes,
    day_of,
    verdict_facts,
)

EXECUTES: dict[str, tuple[str, ...]] = {
    "prison_officer": ("imprisonment",),
    "probation_officer": ("probation", "restriction_of_liberty", "community_work"),
    "enforcement_officer": ("fine",),
}
"""The sentences each executing body carries out: imprisonment in the colonies (CEC 8);
probation supervision, restriction of liberty and community work by the probation body
(CC 61, 62, 82); the fine by the enforcement body (CC 65(5))."""


def executed_kinds(user: Any) -> tuple[str, ...] | None:
    """The sentence kinds whose register entries the user reads as an executing body, or None
    for a reader of the whole case file (who reads the decisions of the cases in scope)."""
    if whole_file(user):
        return None
    return tuple(sorted({k for role in user.roles for k in EXECUTES.get(role, ())}))


def visible_verdicts(user: Any) -> QuerySet[Verdict]:
    """Decisions the user may read, annotated `executes` (the sentence kinds shown, or None):
    the whole entry for those who read the whole case file of a case in scope (courts,
    prosecutors, counsel …); for the bodies that execute sentences (prisons, probation,
    enforcement), nationwide, the verdicts in force imposing a sentence they execute — never
    one not yet in force (for a co-defendant, in force for that convict, 426(3)), never the
    case file (CPC 426(1), 429(2))."""
    kinds = executed_kinds(user)
    if kinds is None:
        readable = restrict(user).filter(pk=OuterRef("case_id"))
        return Verdict.objects.annotate(full=Exists(readable)).filter(full=True)
    executed = VerdictDefendant.objects.filter(
        verdict=OuterRef("pk"),
        outcome="convicted",
        sentence_kind__in=kinds,
        in_force_at__isnull=False,  # in force for that convict (CPC 426(3))
    )
    return (
        Verdict.objects.filter(Exists(executed))
        .exclude(state="quashed")
        .annotate(full=Value(False, output_field=BooleanField()))
    )


def entries(user: Any, verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """The register entries of `verdicts` as `user` reads them (one query for the defendants)."""
    kinds = executed_kinds(user)
    rows = defendants_of(verdicts)
    return [decision_json(v, rows[v.id], kinds) for v in verdicts]


def access_verdict(user: Any, ecli: str, purpose: str = "court") -> tuple[Verdict, dict[str, Any]]:
    """One decision and its register entry as the user reads it, if the user may (the read is
    logged, with the defendants the entry shows); 404 otherwise."""
    found = None
    if re.match(ECLI_PATTERN, ecli):
        found = visible_verdicts(user).filter(pk=ecli).select_related("court", "case").first()
    if found is None:
        outcome = "denied" if Verdict.objects.filter(pk=ecli[:60]).exists() else "not_found"
        log_read(user, "verdict", ecli[:64], purpose, outcome)
        raise NotFound(say("No such decision, or it is not visible to you."))
    [entry] = entries(user, [found])
    log_read(user, "verdict", ecli, purpose, "shown", persons=defendants_shown([entry]))
    return found, entry


def defendants_shown(shown: list[dict[str, Any]]) -> list[str]:
    """The persons register entries (`entries`) show, for the read's log."""
    return [d["person"]["id"] for e in shown for d in e["defendants"]]


def decision_json(
    v: Verdict, rows: list[VerdictDefendant], executes: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """A register entry: the decision and, per defendant and article, the outcome and sentence.
    An executing body (`executes`, the sentence kinds it carries out) sees only the rows of
    such a sentence in force for the convict (CPC 426(3)), without the convict's PIN."""
    facts = verdict_facts(v)
    shown = rows
    if executes is not None:
        shown = [
            r
            for r in rows
            if r.outcome == "convicted" and r.sentence_kind in executes and r.in_force_at
        ]
    entry: dict[str, Any] = {
        "ecli": v.id,
        "court": v.court_id,
        "court_case": v.court_case_id,
        "case": v.case_id,
        "judge": v.judge,
        "delivered_at": iso(v.delivered_at),
        "state": v.state,
        "in_force_at": iso(v.in_force_at),
        "modified_by": v.modified_by or None,
        "defendants": [defendant_json(r, facts, with_pin=executes is None) for r in shown],
    }
    if v.state == "delivered":
        closes, unserved = appeal_term_closes(v)
        entry["appeal_until"] = iso(closes)
        entry["appeal_last_day"] = day_of(closes) if closes else None
        entry["awaiting_service"] = unserved or None
    return entry


def defendant_json(
    r: VerdictDefendant, facts: dict[str, Any], with_pin: bool = True
) -> dict[str, Any]:
    person = r.person
    custody = facts.get("custody", {}).get(r.person_id, {})
    sentence = None
    if r.sentence_kind:
        hours = r.sentence_kind == "community_work"
        sentence = {
            "kind": r.sentence_kind,
            "months": r.months,
            "amount": None if hours or r.amount is None else int(r.amount),
            "hours": int(r.amount) if hours and r.amount is not None else None,
            "regime": r.regime or None,
            "probation_months": r.probation_months,
        }
    return {
        "person": {
            "id": person.id,
            "name": person.full_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            **({"pin": person.pin} if with_pin else {}),
        },
        "outcome": r.outcome,
        "article": r.article,
        "part": r.part,
        "code": r.code,
        "sentence": sentence,
        "custody_days": r.custody_credit_days,
        "house_arrest_days": custody.get("house_arrest_days"),
        "in_force_at": iso(r.in_force_at),
    }


def defendants_of(verdicts: list[Verdict]) -> dict[str, list[VerdictDefendant]]:
    """The defendants' rows of several decisions in one query."""
    rows: dict[str, list[VerdictDefendant]] = {v.id: [] for v in verdicts}
    qs = VerdictDefendant.objects.filter(verdict_id__in=list(rows)).select_related("person")
    for r in qs.order_by("verdict_id", "person_id", "article", "part", "pk"):
        rows[r.verdict_id].append(r)
    return rows
