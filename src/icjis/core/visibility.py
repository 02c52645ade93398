"""What of a case file each role reads, once `core.access` has let it open the case.

Access decides *whether* a user may open a case (by scope); this module decides *how much* of
it they see. Investigators, prosecutors, judges, counsel and auditors read the whole file. The
agencies that meet a case only at one end of the chain read their part plus what their work
needs (SPEC, "functional responsibility"): a prison officer reads the verdict, the custody that
is credited against the sentence and the execution — never the investigation file (the report's
summary, witnesses, victims, evidence). One function serves the API and the pages, so the two
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from icjis.core.models import Case, Event

EXECUTION = ("courts.verdict.", "courts.appeal.decide", "prisons.", "probation.", "fines.")
CUSTODY = ("detention.", "courts.measure.decide")
CREDITED = (
    "detention.arrest",
    "detention.release",
    "detention.transfer",
    "courts.measure.decide",
)
"""The custody a sentence credits (CC 80(5)-(6)): when it began and ended — not the detention
file's medical findings, complaints, effects or the grounds of the arrest."""
REDACTED_FIELDS = frozenset(
    {"grounds", "place", "note", "notes", "summary", "text", "description", "reasons", "findings"}
)
"""Free-text fields of events a partial role reads: they may carry the investigation's facts or
a third person's words, so a partial reader gets the event without them."""


@dataclass(frozen=True)
class Part:
    """A role's part of the file: event kinds and deadline rules, each by id or id prefix
    (a prefix ends with a dot)."""

    events: tuple[str, ...]
    deadlines: tuple[str, ...]
    details: tuple[str, ...] = ()  # keys of `Case.details` (module state) the role reads


PARTIAL_ROLES: dict[str, Part] = {
    # Detention staff: the custody record and the measures that keep a person held.
    "ivs_officer": Part((*CUSTODY, "legalaid."), ("detention.", "custody.")),
    "ivs_medic": Part(CUSTODY, ("detention.",)),
    # The coordinator sees whom the duty lawyer was sent to and why (the arrest), no more.
    "legal_aid_coordinator": Part(("legalaid.", "detention.arrest"), ("detention.",)),
    # The executing bodies: the verdict, the custody credited against it, their own acts.
    "prison_officer": Part(
        (*EXECUTION, *CREDITED), ("custody.", "verdict.", "prisons."), ("verdict", "verdicts")
    ),
    "probation_officer": Part(
        (*EXECUTION, "courts.hearing.schedule"),
        ("probation.", "verdict."),
        ("verdict", "verdicts", "probation"),
    ),
    "enforcement_officer": Part(
        EXECUTION, ("verdict.", "fines."), ("verdict", "verdicts", "fines")
    ),
    # A forensic expert reads nothing of the file itself: only their own expertises and the
    # items handed to them, through those modules' own checks (`forensics.access`,
    # `evidence.access`) — not another expert's expertise in the same case.
    "expert": Part((), ()),
}
"""Roles that read only their part of a case file."""

DEFENDANT_ROLES = ("suspect", "accused")


def part_for(user: Any) -> Part | None:
    """The part of a case file the user reads, or None for the whole file. A user holding any
    role outside PARTIAL_ROLES (or the system) reads the whole file."""
    if getattr(user, "is_system", False):
        return None
    roles = list(getattr(user, "roles", ()))
    if not roles or any(role not in PARTIAL_ROLES for role in roles):
        return None
    parts = [PARTIAL_ROLES[role] for role in roles]
    return Part(
        tuple(sorted({p for part in parts for p in part.events})),
        tuple(sorted({p for part in parts for p in part.deadlines})),
        tuple(sorted({k for part in parts for k in part.details})),
    )


def whole_file(user: Any) -> bool:
    return part_for(user) is None


def matches(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether `name` is one of `prefixes` or starts with one (ids are dotted)."""
    return any(name == p or name.startswith(p if p.endswith(".") else p + ".") for p in prefixes)


def name_filter(field: str, prefixes: tuple[str, ...]) -> Q:
    """A Q matching `field` against ids or id prefixes (see `matches`)."""
    q = Q(pk__in=[])
    for p in prefixes:
        if p.endswith("."):
            q |= Q(**{f"{field}__startswith": p})
        else:
            q |= Q(**{field: p}) | Q(**{f"{field}__startswith": p + "."})
    return q


def event_filter(user: Any, field: str = "kind") -> Q | None:
    """The events (by their kind, at `field`) the user reads; None for every event."""
    part = part_for(user)
    return None if part is None else name_filter(field, part.events)


def deadline_filter(user: Any, field: str = "rule") -> Q | None:
    """The deadlines (by their rule, at `field`) the user reads; None for every deadline."""
    part = part_for(user)
    return None if part is None else name_filter(field, part.deadlines)


def visible_events(user: Any, case: Case) -> QuerySet[Event]:
    """The case's events the user may read, in order (the case opened through `access_case`)."""
    events = Event.objects.filter(stream=f"case/{case.number}").order_by("seq")
    q = event_filter(user)
    return events if q is None else events.filter(q)


def redact_event(user: Any, body: dict[str, Any]) -> dict[str, Any]:
    """An event as `core.serialise.event_json` renders it, without its free-text fields for a
    partial reader (the hash still proves the whole event; the redaction is marked)."""
    if whole_file(user):
        return body
    data = body["data"]
    hidden = sorted(k for k in data if k in REDACTED_FIELDS)
    if not hidden:
        return body
    kept = {k: v for k, v in data.items() if k not in REDACTED_FIELDS}
    return {**body, "data": kept, "redacted": hidden}


def shown_participants(user: Any, participants: QuerySet[Any]) -> QuerySet[Any]:
    """A case's participants (a query of `CaseParticipant`) as `user` reads them: a role that
    reads its part of the file sees the defendants alone, as `redact_case` cuts the API's."""
    if part_for(user) is None:
        return participants
    return participants.filter(role__in=DEFENDANT_ROLES)


def redact_case(user: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The case as `core.serialise.case_json` renders it, cut to what a partial role reads: no
    summary, only its modules' details (the verdict, its own files), only the defendants among
    the participants, only the deadlines of its part."""
    part = part_for(user)
    if part is None:
        return body
    return {
        **body,
        "summary": "",
        "details": {k: v for k, v in body["details"].items() if k in part.details},
        "participants": [p for p in body["participants"] if p["role"] in DEFENDANT_ROLES],
        "deadlines": [d for d in body["deadlines"] if matches(d["rule"], part.deadlines)],
        "partial": True,
    }
