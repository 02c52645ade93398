"""Access transparency: a person learns who accessed their record, and why (SPEC, "beyond every
system we know of"), once the law allows it (`ICJIS_ACCESS_REPORTS`).

On the person's request, the auditor gives a report of the reads of their record
(`persons.access_report.give`, on the stream `person/<id>`): every read that showed the record
itself, or a case while the person took part in it, and every list or search that showed the
person (`access.reads_of_person`, `access.sightings_of_person`, over every record merged into
theirs), over a period up to the moment of the act. The report names the institution, the unit
and the role of each reader — as the read recorded them — with the purpose, the day and how many
reads, not the officials' names, which the auditor gives on a reasoned request of its own. The
reads of a case whose investigation must stay secret (CPC 167) are withheld and counted, the
person told that some are withheld and why.

The rows are computed once, when the report is given, and kept in its event: the document made
of it (`persons.access_report`, signed by the auditor, checkable by its code like any other)
states exactly those rows, whatever is read afterwards.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from icjis.core.access import reads_of_person, records_of, sightings_of_person
from icjis.core.access_labels import AUDIT_PURPOSE_LABELS, LIST_LABELS
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Event, Person, Unit
from icjis.core.numbering import normalise
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, say
from icjis.core.roles import ROLES

MAX_ROWS = 1000
"""Rows (a day, a unit, a role, a purpose) a report may hold; a longer history is asked for in
shorter periods."""
AUDITOR = "auditor"


class Withheld(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    case: str = pydantic.Field(min_length=4, max_length=32, description="the case number")
    reason: Literal["investigation_secrecy"] = pydantic.Field(
        default="investigation_secrecy",
        description="why its reads are withheld: the data of an investigation (CPC 167)",
    )


class AccessReportIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="the person's record")
    request: str = pydantic.Field(
        min_length=10,
        max_length=2000,
        description="the request: when and how it was made, and how the person's identity was "
        "established",
    )
    since: date | None = pydantic.Field(
        default=None, description="the first day the report covers (all the reads if none)"
    )
    withhold: list[Withheld] = pydantic.Field(
        default_factory=list,
        max_length=20,
        description="cases whose reads are withheld, each with its reason",
    )


def _person_stream(data: Any) -> str:
    return f"person/{data.person}"


def _local_day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


def _since(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _reads(records: list[str], since: datetime | None, until: datetime) -> list[dict[str, Any]]:
    """The reads that showed the person, as they were recorded (`access.read` events)."""
    reads = reads_of_person(records).filter(outcome="shown", at__lte=until)
    if since is not None:
        reads = reads.filter(at__gte=since)
    return list(
        reads.values(
            "at",
            "purpose",
            "subject_type",
            "subject",
            "event__actor_agency",
            "event__actor_unit",
            "event__actor_role",
        )
    )


def _sightings(records: list[str], since: datetime | None) -> list[dict[str, Any]]:
    """The lists and searches that showed the person, per reader and day."""
    seen = sightings_of_person(records)
    if since is not None:
        seen = seen.filter(day__gte=timezone.localdate(since))
    return list(
        seen.values(
            "day",
            "purpose",
            "subject_type",
            "subject",
            "times",
            "first_event__actor_agency",
            "first_event__actor_unit",
            "first_event__actor_role",
        )
    )


def report_rows(
    records: list[str], since: datetime | None, until: datetime, withheld: set[str]
) -> dict[str, Any]:
    """The report's rows: the reads and the sightings grouped by day, institution, unit, role
    and purpose (a sighting also by the kind of list), those of the `withheld` cases counted
    apart per case."""
    reads: Counter[tuple[str, ...]] = Counter()
    held: Counter[str] = Counter()
    for r in _reads(records, since, until):
        case = r["subject"] if r["subject_type"] == "case" else ""
        if case in withheld:
            held[case] += 1
            continue
        key = (
            _local_day(r["at"]),
            r["event__actor_agency"],
            r["event__actor_unit"],
            r["event__actor_role"],
            r["purpose"],
        )
        reads[key] += 1
    seen: Counter[tuple[str, ...]] = Counter()
    for s in _sightings(records, since):
        case = normalise(s["subject"]) or ""
        if case in withheld:
            held[case] += s["times"]
            continue
        seen_key = (
            s["day"].isoformat(),
            s["first_event__actor_agency"],
            s["first_event__actor_unit"],
            s["first_event__actor_role"],
            s["purpose"],
            s["subject_type"],
        )
        seen[seen_key] += s["times"]
    fields = ("day", "agency", "unit", "role", "purpose")
    return {
        "reads": [
            {**dict(zip(fields, k, strict=True)), "count": n} for k, n in sorted(reads.items())
        ],
        "sightings": [
            {**dict(zip((*fields, "list"), k, strict=True)), "count": n}
            for k, n in sorted(seen.items())
        ],
        "withheld": [{"case": c, "count": n} for c, n in sorted(held.items())],
    }


def _read_cases(records: list[str], until: datetime) -> set[str]:
    found = reads_of_person(records).filter(subject_type="case", at__lte=until)
    return set(found.values_list("subject", flat=True))


def _apply_report(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    """Nothing to project: the report is its event (and the document made of it)."""
    return {"person": data["person"], "access_report": event.seq}


@act_kind(
    "persons.access_report.give",
    schema=AccessReportIn,
    roles=(AUDITOR,),
    legal_basis="Law on personal data",
    target="stream",
    stream_for=_person_stream,
    apply=_apply_report,
    title="Give a person the report of who accessed their record",
)
def give_access_report(ctx: Context) -> dict[str, Any]:
    """On the person's request, records the report of who accessed their record and why, over
    a period up to now: the reads and the lists that showed them, by institution, unit, role,
    purpose and day (not the officials' names); the reads of cases whose investigation stays
    secret (CPC 167) withheld and counted. Only where the law allows such reports
    (`ICJIS_ACCESS_REPORTS`)."""
    if not settings.ACCESS_REPORTS:
        raise Forbidden(
            say(
                "Reports of access to a person's record are not given on this installation: the "
                "law must allow them first (ICJIS_ACCESS_REPORTS)."
            )
        )
    data = ctx.input
    person = Person.objects.filter(pk=data.person).first()
    if person is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=data.person))
    if person.merged_into_id:
        raise Conflict(
            say(
                "%(person)s is merged into %(into)s; give the report of that record, which "
                "covers this one.",
                person=person.pk,
                into=person.merged_into_id,
            )
        )
    today = timezone.localdate(ctx.now)
    if data.since is not None and data.since > today:
        raise Invalid(
            say("The period cannot begin after today."),
            fields={"since": gettext_noop("in the future")},
        )
    records = records_of(person.pk)
    withheld = {normalise(w.case) or w.case for w in data.withhold}
    unread = sorted(withheld - _read_cases(records, ctx.now))
    if unread:
        raise Invalid(
            say(
                "Case %(case)s showed no read of this person's record; nothing of it is withheld.",
                case=unread[0],
            ),
            fields={"withhold": gettext_noop("not read")},
        )
    rows = report_rows(records, _since(data.since), ctx.now, withheld)
    if len(rows["reads"]) + len(rows["sightings"]) > MAX_ROWS:
        raise Invalid(
            say(
                "The period holds more than %(max)s rows; give the report over a shorter period.",
                max=MAX_ROWS,
            ),
            fields={"since": gettext_noop("too long")},
        )
    return {
        "person": person.pk,
        "records": records,
        "request": data.request,
        "since": data.since.isoformat() if data.since else None,
        "through": iso(ctx.now),
        "reasons": {normalise(w.case) or w.case: w.reason for w in data.withhold},
        **rows,
    }


# --- the document ---------------------------------------------------------------------------


def read_report(user: Any, event: Event, purpose: str) -> None:
    """The report is the auditor's record (the person receives it on paper or by its code)."""
    if AUDITOR not in user.roles:
        raise NotFound(say("No such document, or it is not visible to you."))


@document_kind(
    "persons.access_report",
    source="persons.access_report.give",
    template="core/documents/access_report.html",
    title=gettext_noop("Report of access to personal data"),
    legal_basis="Law on personal data",
    authorise=read_report,
)
def access_report_document(event: Event) -> dict[str, Any]:
    data = event.payload
    person = Person.objects.get(pk=data["person"])
    issuer = Unit.objects.select_related("territory").filter(pk=event.actor_unit).first()
    codes = {r["unit"] for r in data["reads"] + data["sightings"]}
    units = {u.code: u for u in Unit.objects.select_related("agency").filter(code__in=codes)}

    def who(row: dict[str, Any]) -> dict[str, Any]:
        unit = units.get(row["unit"])
        role = ROLES.get(row["role"])
        return {
            **row,
            "agency": localised(unit.agency) if unit else row["agency"],
            "unit": localised(unit) if unit else row["unit"],
            "role": localised(role, "title") if role else row["role"],
            "purpose": AUDIT_PURPOSE_LABELS.get(row["purpose"], row["purpose"]),
        }

    return {
        "person": person,
        "request": data["request"],
        "since": date.fromisoformat(data["since"]) if data["since"] else None,
        "through": timezone.localtime(datetime.fromisoformat(data["through"])),
        "reads": [who(r) for r in data["reads"]],
        "sightings": [
            {**who(s), "list": LIST_LABELS.get(s["list"], s["list"])} for s in data["sightings"]
        ],
        "withheld": sum(w["count"] for w in data["withheld"]),
        "withheld_cases": len(data["withheld"]),
        "place": localised(issuer.territory) if issuer and issuer.territory_id else "",
    }
