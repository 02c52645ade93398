"""Access transparency: a person learns who accessed their record, and why (SPEC, "beyond every
system we know of"), once the law allows it (`ICJIS_ACCESS_REPORTS`).

On the person's request, the auditor gives a report of the reads of their record
(`persons.access_report.give`, on the stream `person/<id>`): every read that showed the record
itself, or a case while the person took part in it, and every list or search that showed the
person (`access.reads_of_person`, `access.sightings_of_person`, over every record merged into
theirs), over a period up to the moment of the act. The report names the institution, the unit
and the role of each reader — as the read recorded them — with the purpose, the day and how many
reads, not the officials' names, which the auditor gives on a reasoned request of its own. Where
an investigation must stay secret (CPC 167), the auditor names its case: every read and
sighting by an official who read that case is left out — a unit and its days would point at the
investigation — and counted in the event for the audit; the document says nothing of them.

The rows are computed once, when the report is given, and kept in its event: the document made
of it (`persons.access_report`, signed by the auditor, checkable by its code like any other)
states exactly those rows, whatever is read afterwards. The event goes to no feed or bus.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_noop

from icjis.core.access import reads_of_person, records_of, sightings_of_person
from icjis.core.access_labels import AUDIT_PURPOSE_LABELS, LIST_LABELS
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.documents import document_kind
from icjis.core.localised import localised
from icjis.core.models import Agency, Event, Person, Unit
from icjis.core.numbering import normalise
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, say
from icjis.core.roles import ROLES
from icjis.legal.counting import LOCAL_TZ, local_date, start_of_day

MAX_ROWS = 1000
"""Rows (a day, a unit, a role, a purpose) a report may hold; a longer history is asked for in
shorter periods."""
SQL_GROUPS = 20 * MAX_ROWS
"""Groups (a day, a reader, what was read) read from the database to make them."""
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
        "established (the kind of document shown, not its number)",
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


def _reads(records: list[str], since: datetime | None, until: datetime) -> list[dict[str, Any]]:
    """The reads that showed the person, counted by day (local), reader, their institution, unit
    and role as the read recorded them, purpose and what was read: in the database, so that a
    much-read record costs no more than its groups (at most `SQL_GROUPS` + 1 are read)."""
    reads = reads_of_person(records).filter(outcome="shown", at__lte=until)
    if since is not None:
        reads = reads.filter(at__gte=since)
    grouped = (
        reads.annotate(day=TruncDate("at", tzinfo=LOCAL_TZ))
        .values(
            "day",
            "actor",
            "purpose",
            "subject_type",
            "subject",
            agency=F("event__actor_agency"),
            unit=F("event__actor_unit"),
            role=F("event__actor_role"),
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    return list(grouped[: SQL_GROUPS + 1])


def _sightings(records: list[str], since: datetime | None, until: datetime) -> list[dict[str, Any]]:
    """The lists and searches that showed the person, per reader and day (local), first shown
    up to `until`."""
    seen = sightings_of_person(records).filter(first_at__lte=until)
    if since is not None:
        seen = seen.filter(day__gte=local_date(since))
    found = seen.values(
        "day",
        "actor",
        "purpose",
        "subject_type",
        "subject",
        "times",
        agency=F("first_event__actor_agency"),
        unit=F("first_event__actor_unit"),
        role=F("first_event__actor_role"),
    ).order_by()
    return list(found[: SQL_GROUPS + 1])


def _secret_readers(records: list[str], withheld: set[str]) -> set[str]:
    """The officials who read a withheld case while the person took part in it: none of their
    reads or sightings of the person is reported, or the report would point at the secret
    investigation by its unit and days (CPC 167)."""
    if not withheld:
        return set()
    found = reads_of_person(records).filter(subject_type="case", subject__in=withheld)
    return set(found.values_list("actor", flat=True).distinct())


def report_rows(
    records: list[str], since: datetime | None, until: datetime, withheld: set[str]
) -> dict[str, Any] | None:
    """The report's rows: the reads and the sightings grouped by day, institution, unit, role
    and purpose (a sighting also by the kind of list); those of the officials who read a
    `withheld` case counted apart. None when there are too many to group."""
    reads_found, seen_found = _reads(records, since, until), _sightings(records, since, until)
    if len(reads_found) > SQL_GROUPS or len(seen_found) > SQL_GROUPS:
        return None
    secret = _secret_readers(records, withheld)
    reads: Counter[tuple[str, ...]] = Counter()
    seen: Counter[tuple[str, ...]] = Counter()
    held = 0
    for r in reads_found:
        if r["actor"] in secret:
            held += r["count"]
            continue
        reads[r["day"].isoformat(), r["agency"], r["unit"], r["role"], r["purpose"]] += r["count"]
    for w in seen_found:
        if w["actor"] in secret:
            held += w["times"]
            continue
        key = (w["day"].isoformat(), w["agency"], w["unit"], w["role"], w["purpose"])
        seen[(*key, w["subject_type"])] += w["times"]
    fields = ("day", "agency", "unit", "role", "purpose")
    return {
        "reads": [
            {**dict(zip(fields, k, strict=True)), "count": n} for k, n in sorted(reads.items())
        ],
        "sightings": [
            {**dict(zip((*fields, "list"), k, strict=True)), "count": n}
            for k, n in sorted(seen.items())
        ],
        "withheld": held,
    }


def _cases_shown(records: list[str]) -> set[str]:
    """The cases whose reads or lists showed the person (those a report can withhold)."""
    read = reads_of_person(records).filter(subject_type="case")
    listed = sightings_of_person(records).values_list("subject", flat=True).distinct()
    return set(read.values_list("subject", flat=True).distinct()) | {
        n for n in (normalise(s) for s in listed) if n
    }


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
    outbox=False,  # told to the person alone, as the reads it reports are
)
def give_access_report(ctx: Context) -> dict[str, Any]:
    """On the person's request, records the report of who accessed their record and why, over
    a period up to now: the reads and the lists that showed them, by institution, unit, role,
    purpose and day (not the officials' names); those of the officials who read a case whose
    investigation stays secret (CPC 167) left out and counted apart. Only where the law allows
    such reports (`ICJIS_ACCESS_REPORTS`)."""
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
    today = local_date(ctx.now)
    if data.since is not None and data.since > today:
        raise Invalid(
            say("The period cannot begin after today."),
            fields={"since": gettext_noop("in the future")},
        )
    records = records_of(person.pk)
    withheld = {normalise(w.case) or w.case for w in data.withhold}
    unread = sorted(withheld - _cases_shown(records))
    if unread:
        raise Invalid(
            say(
                "Case %(case)s showed no read of this person's record; nothing of it is withheld.",
                case=unread[0],
            ),
            fields={"withhold": gettext_noop("not read")},
        )
    since = start_of_day(data.since) if data.since else None
    rows = report_rows(records, since, ctx.now, withheld)
    if rows is None or len(rows["reads"]) + len(rows["sightings"]) > MAX_ROWS:
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
        # The cases withheld and why: in the event, for the audit; the document says nothing of
        # them, since even that some reads are withheld would tell of the investigation.
        "withheld_cases": {normalise(w.case) or w.case: w.reason for w in data.withhold},
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
    rows = data["reads"] + data["sightings"]
    units = {u.code: u for u in Unit.objects.filter(code__in={r["unit"] for r in rows})}
    agencies = {a.code: a for a in Agency.objects.filter(code__in={r["agency"] for r in rows})}

    def who(row: dict[str, Any]) -> dict[str, Any]:
        # The institution and the unit as the read recorded them, named as they are now.
        unit, agency = units.get(row["unit"]), agencies.get(row["agency"])
        role = ROLES.get(row["role"])
        return {
            **row,
            "day": date.fromisoformat(row["day"]),
            "agency": localised(agency) if agency else row["agency"],
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
        "place": localised(issuer.territory) if issuer and issuer.territory_id else "",
    }
