"""The register of court decisions in criminal matters (SPEC module F): which decisions a user may
read, and each entry — the decision with, per defendant and article, the outcome and sentence —
as the API and the verdict document show it. Prisons, probation and enforcement read the
convictions nationwide; everyone else reads the decisions of the cases they may read. Every
opening of one decision is logged."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from icjis.core.access import log_read, restrict
from icjis.core.canonical import iso
from icjis.core.refusals import NotFound
from icjis.courts.models import Verdict, VerdictDefendant
from icjis.courts.verdicts import (
    ECLI_PATTERN,
    EXECUTING_ROLES,
    appeal_term_closes,
    day_of,
    verdict_facts,
)


def visible_verdicts(user: Any) -> QuerySet[Verdict]:
    """Decisions the user may read, annotated `full`: the whole entry for those who may read
    the case (courts, prosecutors, counsel …); for the bodies that execute sentences (prisons,
    probation, enforcement) nationwide, the convictions only — never the case file."""
    readable = restrict(user).filter(pk=OuterRef("case_id"))
    qs = Verdict.objects.annotate(full=Exists(readable))
    if any(role in EXECUTING_ROLES for role in user.roles):
        convicted = VerdictDefendant.objects.filter(verdict=OuterRef("pk"), outcome="convicted")
        qs = qs.annotate(convicted=Exists(convicted))
        return qs.filter(Q(full=True) | Q(convicted=True))
    return qs.filter(full=True)


def access_verdict(user: Any, ecli: str, purpose: str = "court") -> Verdict:
    """One decision, if the user may read it (the read is logged); 404 otherwise."""
    found = None
    if re.match(ECLI_PATTERN, ecli):
        found = visible_verdicts(user).filter(pk=ecli).select_related("court", "case").first()
    if found is None:
        outcome = "denied" if Verdict.objects.filter(pk=ecli[:60]).exists() else "not_found"
        log_read(user, "verdict", ecli[:64], purpose, outcome)
        raise NotFound("No such decision, or it is not visible to you.")
    log_read(user, "verdict", ecli, purpose, "shown")
    return found


def decision_json(v: Verdict, rows: list[VerdictDefendant]) -> dict[str, Any]:
    """A register entry: the decision and, per defendant and article, the outcome and sentence.
    Those who may not read the case see the convictions only."""
    facts = verdict_facts(v)
    shown = [r for r in rows if v.full or r.outcome == "convicted"]  # type: ignore[attr-defined]
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
        "defendants": [defendant_json(r, facts) for r in shown],
    }
    if v.state == "delivered":
        closes, unserved = appeal_term_closes(v)
        entry["appeal_until"] = iso(closes)
        entry["appeal_last_day"] = day_of(closes) if closes else None
        entry["awaiting_service"] = unserved or None
    return entry


def defendant_json(r: VerdictDefendant, facts: dict[str, Any]) -> dict[str, Any]:
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
            "pin": person.pin,
        },
        "outcome": r.outcome,
        "article": r.article,
        "part": r.part,
        "code": r.code,
        "sentence": sentence,
        "custody_days": r.custody_credit_days,
        "house_arrest_days": custody.get("house_arrest_days"),
    }


def defendants_of(verdicts: list[Verdict]) -> dict[str, list[VerdictDefendant]]:
    """The defendants' rows of several decisions in one query."""
    rows: dict[str, list[VerdictDefendant]] = {v.id: [] for v in verdicts}
    qs = VerdictDefendant.objects.filter(verdict_id__in=list(rows)).select_related("person")
    for r in qs.order_by("verdict_id", "person_id", "article", "part", "pk"):
        rows[r.verdict_id].append(r)
    return rows
