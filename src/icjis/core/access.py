"""Access policy: every read goes through `restrict`; every read of a case or person is logged.

Missing and forbidden look the same to the user (404); the access log tells them apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from icjis.core import ledger, projections
from icjis.core.models import (
    AccessRecord,
    Case,
    CaseOfficer,
    CaseParticipant,
    CaseUnit,
    Event,
    Person,
    PersonSighting,
)
from icjis.core.persons import search
from icjis.core.refusals import NotFound, Said, say
from icjis.core.roles import ROLES, SCOPES, widest_scope
from icjis.core.visibility import DEFENDANT_ROLES, part_for
from icjis.legal.counting import local_date

PURPOSES = (
    "caseload",
    "supervision",
    "court",
    "defence",
    "detention",
    "audit",
    "oversight",
    "search",
)


@dataclass(frozen=True)
class SystemUser:
    """The system itself, performing reactions (e.g. appointing the duty lawyer)."""

    username: str = "system"
    roles: tuple[str, ...] = ("system",)
    agency_id: str = ""
    unit_id: str = ""
    is_system: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


SYSTEM_USER = SystemUser()


def scope_of(user: Any) -> str:
    if getattr(user, "is_system", False):
        return "national"
    return widest_scope(list(user.roles))


def case_filter(user: Any, case_key: str = "pk") -> Q | None:
    """The cases `user` may read, as a Q on a model whose `case_key` field holds the case number
    (`pk` on Case itself, `case_id` on a row of a case such as a Deadline); None means every case.

    Each branch is a correlated EXISTS by case number, which PostgreSQL may run as one index probe
    per row tested or, when the set is small, as a hashed set; `pk IN (subquery)` leaves it only
    the set, and a set larger than work_mem (a unit holding 500k cases) is then searched row by
    row for every row tested: a unit head's list of overdue terms took seconds at 1M cases."""
    scope = scope_of(user)
    rank = SCOPES.index(scope)
    if scope == "national":
        return None
    if rank == 0:
        return Q(pk__in=[])
    case = OuterRef(case_key)
    q = Q(Exists(CaseOfficer.objects.filter(case_id=case, username=user.username)))
    if rank >= SCOPES.index("unit"):
        q |= Q(Exists(CaseUnit.objects.filter(case_id=case, unit_id=user.unit_id)))
    if rank >= SCOPES.index("region"):
        area = {"territory_path__startswith": user.unit.territory.path}
        q |= Q(**area) if case_key == "pk" else Q(Exists(Case.objects.filter(pk=case, **area)))
    if rank >= SCOPES.index("agency"):
        q |= Q(Exists(CaseUnit.objects.filter(case_id=case, unit__agency_id=user.agency_id)))
    return q


# At most this many visible cases are read as a list of numbers before a list of rows is filtered.
FEW_CASES = 1000


def few_visible_cases(user: Any) -> list[str] | None:
    """The numbers of the cases `user` may read, when there are at most `FEW_CASES`; None when
    there are more (or the user reads every case).

    One query: the branches of `case_filter` (the user's assignments, the unit's cases, the
    territory's, the agency's), each read from its own index and each stopping after
    `FEW_CASES` + 1 numbers, so a unit holding 500k cases costs about as little as a judge whose
    court holds three. (Without the limit inside each branch, PostgreSQL planned the union with
    parallel workers whose start cost more than the reading.)"""
    scope = scope_of(user)
    if scope == "national":
        return None
    if scope == SCOPES[0]:
        return []
    branches = _scope_branches(user)
    cap = FEW_CASES + 1
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({_CASES_OF[name]} LIMIT {cap}) b{i}"  # noqa: S608 - constants only
        for i, (name, _) in enumerate(branches)
    )
    params = [param for _, param in branches]
    with connection.cursor() as cur:
        cur.execute(f"{sql} LIMIT {cap}", params)  # noqa: S608 - this module's constants only
        rows = cur.fetchall()
    if len(rows) > FEW_CASES:
        return None
    return sorted({number for (number,) in rows})


def _scope_branches(user: Any) -> list[tuple[str, Any]]:
    """The branches of `case_filter` that a user below national scope reaches, each with its
    parameter: their own assignments, their unit's cases, their territory's, their agency's."""
    rank = SCOPES.index(scope_of(user))
    branches: list[tuple[str, Any]] = [("own", user.username)]
    if rank >= SCOPES.index("unit"):
        branches.append(("unit", user.unit_id))
    if rank >= SCOPES.index("region"):
        area = connection.ops.prep_for_like_query(user.unit.territory.path) + "%"
        branches.append(("region", area))
    if rank >= SCOPES.index("agency"):
        branches.append(("agency", user.agency_id))
    return branches


# Each branch as the case numbers it reaches (`few_visible_cases`) ...
_CASES_OF = {
    "own": "SELECT case_id FROM core_caseofficer WHERE username = %s",
    "unit": "SELECT case_id FROM core_caseunit WHERE unit_id = %s",
    "region": "SELECT number FROM core_case WHERE territory_path LIKE %s ESCAPE '\\'",
    "agency": (
        "SELECT u.case_id FROM core_caseunit u JOIN core_unit n ON n.code = u.unit_id "
        "WHERE n.agency_id = %s"
    ),
}


def in_visible_cases(user: Any, case_key: str = "case_id") -> Q:
    """Rows of cases (deadlines, detentions, appointments …) whose case `user` may read, as a Q
    on the rows' own case number `case_key`: what `case__in=restrict(user).values("pk")`
    selects.

    For a user who may read few cases (`few_visible_cases`) the Q names them, and a list is
    read from its rows of those cases. Otherwise each row is tested (see `case_filter`): walking
    a list in its own order (terms by due date) and testing every row goes through nearly the
    whole table when almost nothing in it is visible (a judge's list of terms took 2.2 s at 1M
    cases), while a set of 500k visible cases does not fit in a list."""
    few = few_visible_cases(user)
    if few is not None:
        return Q(**{f"{case_key}__in": few})
    return in_visible_cases_per_row(user, case_key)


def of_whole_files(user: Any, rows: QuerySet[Any]) -> QuerySet[Any]:
    """`rows` (of a model with a `case`) of the cases whose whole file `user` reads; none for a
    reader of a part of files (IVS, prison, probation …: `core.visibility.part_for`)."""
    return rows.none() if part_for(user) is not None else rows.filter(in_visible_cases(user))


def in_visible_cases_per_row(user: Any, case_key: str = "case_id") -> Q:
    """`in_visible_cases` tested row by row, without first reading the user's few cases: for
    the rows of one object (a person's roles), where there are few rows to test and the list
    of cases would be read for nothing."""
    q = case_filter(user, case_key)
    return Q() if q is None else q


def restrict(user: Any, action: str = "read") -> QuerySet[Case]:
    """The cases `user` may see (for `read`) or act on (for `act`)."""
    qs = Case.objects.all()
    known = [ROLES[r] for r in user.roles if r in ROLES]
    if action == "act" and known and all(r.read_only for r in known):
        return qs.none()  # oversight roles read, never act
    q = case_filter(user)
    return qs if q is None else qs.filter(q)


def listed_cases(user: Any) -> QuerySet[Case]:
    """`restrict(user)` for a list of cases (the work list, the queues, `GET /cases`): the
    same cases, read through `in_visible_cases` so that a user who may read few cases has
    their list read from those cases. A single case is still found through `restrict`."""
    return Case.objects.filter(in_visible_cases(user, "pk"))


def case_for_act(user: Any, number: str) -> Case:
    """The case an act is about, if the user may act on it; 404 otherwise (logged).

    The same rule as `restrict(user, "act")`, written as SQL on the one case row: every act
    makes this check, and composing the queryset cost ~2 ms of Python per act against ~0.3 ms
    for the query itself. The officer and unit conditions are correlated EXISTS lookups by case
    number, so the cost does not grow with the number of cases a unit holds (tests hold the two
    equal for every role)."""
    condition, params = _act_condition(user)
    sql = _CASE_FOR_ACT.format(columns=_case_columns(), condition=condition)
    found = list(Case.objects.raw(sql, [number, *params]))
    if not found:
        raise NotFound(say("No such case, or it is not visible to you."))
    return found[0]


_CASE_FOR_ACT = 'SELECT {columns} FROM "core_case" c WHERE c.number = %s AND ({condition})'


@functools.cache
def _case_columns() -> str:
    """The case's columns by name, not `c.*`: the statement is prepared on each connection, and
    PostgreSQL refuses to run a prepared statement whose result columns a migration changed."""
    return ", ".join(f'c."{field.column}"' for field in Case._meta.concrete_fields)


# ... and as a condition on the case row `c` (`case_for_act`).
_CONDITION_OF = {
    "own": (
        "EXISTS (SELECT 1 FROM core_caseofficer o WHERE o.case_id = c.number AND o.username = %s)"
    ),
    "unit": "EXISTS (SELECT 1 FROM core_caseunit u WHERE u.case_id = c.number AND u.unit_id = %s)",
    "region": "c.territory_path LIKE %s ESCAPE '\\'",
    "agency": (
        "EXISTS (SELECT 1 FROM core_caseunit u JOIN core_unit n ON n.code = u.unit_id "
        "WHERE u.case_id = c.number AND n.agency_id = %s)"
    ),
}


def _act_condition(user: Any) -> tuple[str, list[Any]]:
    """`case_filter(user)` and the read-only refusal of `restrict(user, "act")`, as an SQL
    condition on the case row `c` with its parameters."""
    if getattr(user, "is_system", False):
        return "1 = 1", []
    known = [ROLES[r] for r in user.roles if r in ROLES]
    if known and all(r.read_only for r in known):
        return "1 = 0", []  # oversight roles read, never act
    scope = scope_of(user)
    if scope == "national":
        return "1 = 1", []
    if scope == SCOPES[0]:
        return "1 = 0", []
    branches = _scope_branches(user)
    return " OR ".join(_CONDITION_OF[name] for name, _ in branches), [p for _, p in branches]


def found_or_refused(
    user: Any, visible: QuerySet[Any], kind: str, key: str, purpose: str, missing: Said
) -> Any:
    """The record `key` among those `user` may read (`visible`). When it is not among them the
    read is logged — denied if it exists beyond the user's reach, else not found — and `missing`
    refused: both look the same to the reader (404). The caller logs the read it shows, with the
    persons the record names."""
    found = visible.filter(pk=key).first()
    if found is None:
        exists = visible.model.objects.filter(pk=key).exists()
        log_read(user, kind, key[:64], purpose, "denied" if exists else "not_found")
        raise NotFound(missing)
    return found


def access_case(user: Any, number: str, purpose: str = "caseload") -> Case:
    """Fetch and authorise a case in one call, logging the read whatever its outcome."""
    missing = say("No such case, or it is not visible to you.")
    case: Case = found_or_refused(user, restrict(user), "case", number, purpose, missing)
    # A reader of part of the file sees the defendants alone among the participants.
    part = "defendants" if part_for(user) is not None else ""
    log_read(user, "case", number, purpose, "shown", part=part)
    return case


PersonRegister = Callable[[Any, bool], "QuerySet[Any] | None"]
PERSON_REGISTERS: list[PersonRegister] = []
"""Registers outside the criminal cases that name persons (protection orders …): each gives, for
a user, the ids of the persons in the records of it the user may read — with `own`, only in those
the user made, as a case they are assigned to — or None (`person_register`; core knows none of
them by name)."""


def person_register(fn: PersonRegister) -> PersonRegister:
    if fn not in PERSON_REGISTERS:
        PERSON_REGISTERS.append(fn)
    return fn


def _in_registers(user: Any, own: bool = False) -> Q | None:
    """The persons of the other registers' records `user` may read (`own`: made), or None when
    none gives any."""
    q = None
    for register in PERSON_REGISTERS:
        ids = register(user, own)
        if ids is not None:
            q = Q(pk__in=ids) if q is None else q | Q(pk__in=ids)
    return q


def in_own_records(user: Any, person_id: str) -> bool:
    """Whether the person is named in a record of another register that `user` made (an order
    they asked for, a protocol they entered): their work, as a case they are assigned to is."""
    q = _in_registers(user, own=True)
    return q is not None and Person.objects.filter(q, pk=person_id).exists()


def visible_persons(user: Any) -> QuerySet[Person]:
    """Persons the user may open: those in cases they may read (national scope: everyone) — of a
    case whose part alone the user reads (`core.visibility`), its defendants — and
    in the records of other registers they may read, tested person by person; for one person
    (`access_person`). A search reads `listed_persons`."""
    visible = case_filter(user, "case_id")
    if visible is None:
        return Person.objects.all()
    if part_for(user) is not None:  # a reader of part of a file sees its defendants alone
        visible &= Q(role__in=DEFENDANT_ROLES)
    roles = CaseParticipant.objects.filter(visible, person_id=OuterRef("pk"))
    q = Q(Exists(roles))
    if (registers := _in_registers(user)) is not None:
        q |= registers
    return Person.objects.filter(q)


def listed_persons(user: Any) -> QuerySet[Person]:
    """`visible_persons` for a search: for a user who may read few cases, the persons of those
    cases (see `in_visible_cases`), so that a search is not tested against every person whose
    name matches (the judge's search took 5.8 s at 1M cases)."""
    few = few_visible_cases(user)
    if few is None:
        return visible_persons(user)
    in_cases = CaseParticipant.objects.filter(case_id__in=few)
    if part_for(user) is not None:  # as `visible_persons`: the defendants alone
        in_cases = in_cases.filter(role__in=DEFENDANT_ROLES)
    q = Q(pk__in=in_cases.values("person_id"))
    if (registers := _in_registers(user)) is not None:
        q |= registers
    return Person.objects.filter(q)


# A person's id in the index (`persons.new_person_id`).
_PERSON_ID = re.compile(r"P[0-9A-F]{12}")


def person_ids(values: Iterable[Any]) -> set[str]:
    """Those of `values` that are persons' ids in the index (an alert's values, say)."""
    return {v for v in values if isinstance(v, str) and _PERSON_ID.fullmatch(v)}


def persons_in(stream: str, data: Any) -> set[str]:
    """The persons an event names, for the log of a read that shows it: a person's own stream,
    and every value anywhere in its data that is a person's id, under whatever key (`person`,
    `applicant`, `convict`, a record's `id`, a list of them): a person's id has a shape no other
    identifier of the system takes (`persons.new_person_id`), so no act need declare where it
    names persons for its reads to be logged whole."""
    found = {stream.removeprefix("person/")} if stream.startswith("person/") else set()
    return found | person_ids(_leaves(data))


def _leaves(value: Any) -> Iterator[Any]:
    """Every value inside `value` that is neither a record nor a list, however deep."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner)
    else:
        yield value


def find_persons(user: Any, query: str, limit: int) -> list[tuple[Person, float]]:
    """`persons.search` among the persons the user may list, best first; the search is logged
    as a read that showed each person found (the query itself is not kept)."""
    found = search(listed_persons(user), query, limit)
    log_read(user, "persons", "search", "search", "shown", persons=[p.pk for p, _ in found])
    return found


def access_person(user: Any, person_id: str, purpose: str = "caseload") -> Person:
    missing = say("No such person, or the person is not visible to you.")
    person: Person = found_or_refused(
        user, visible_persons(user), "person", person_id, purpose, missing
    )
    log_read(user, "person", person_id, purpose, "shown")
    return person


def log_read(
    user: Any,
    subject_type: str,
    subject: str,
    purpose: str,
    outcome: str,
    persons: Iterable[str] = (),
    part: str = "",
) -> Event:
    """Append a read to the actor's access stream (hash-chained, covered by checkpoints). A
    list or a search that shows persons names them in `persons` (their ids), so that the read
    counts as a sighting of each (`PersonSighting`, "who saw this person"). A case read by a
    role that reads only the defendants among its participants says so (`part`)."""
    if purpose not in PURPOSES:
        purpose = "caseload"
    actor = ledger.Actor(
        username=user.username,
        agency=getattr(user, "agency_id", "") or "",
        unit=getattr(user, "unit_id", "") or "",
        role=(list(user.roles) or [""])[0],
    )
    data: dict[str, Any] = {
        "subject_type": subject_type,
        "subject": subject[:64],
        "purpose": purpose,
        "outcome": outcome,
    }
    if shown := sorted({str(p)[:16] for p in persons if p}):  # ids, as the index keeps them
        data["persons"] = shown  # absent when none: the reads before it keep their shape
    if part:
        data["part"] = part
    with transaction.atomic():
        event = ledger.append(f"access/{user.username}", "access.read", data, actor)
        projections.project(event, data)
    return event


def reads_of_person(records: list[str]) -> QuerySet[AccessRecord]:
    """Who saw a person's record (SPEC 6): the reads of the person (any outcome), and the reads
    of a case shown to a reader while the person was a participant in it, since the case's
    page and its API answer list the participants by name, with their roles and birth dates.
    A reader of part of the file (`core.visibility`) is shown the defendants alone, and such a
    read counts only for them (`AccessRecord.defendants_only`; the reads logged before it kept
    no part and count for every participant). `records` are the person's (`records_of`): the
    reads of every record merged into the person's count as its own. Newest first."""
    roles = CaseParticipant.objects.filter(person_id__in=records)
    cases = sorted(set(roles.values_list("case_id", flat=True)))  # a few: each read by its index
    in_the_case = roles.filter(case_id=OuterRef("subject"), since__lte=OuterRef("at"))
    as_defendant = in_the_case.filter(role__in=DEFENDANT_ROLES)
    shown = Q(defendants_only=False) & Exists(in_the_case) | Q(defendants_only=True) & Exists(
        as_defendant
    )
    return AccessRecord.objects.filter(
        Q(subject_type="person", subject__in=records)
        | Q(subject_type="case", subject__in=cases, outcome="shown") & shown
    ).order_by("-at", "-id")


def records_of(person_id: str) -> list[str]:
    """A person's record and every record merged into it (`persons.merge`), those merged into
    them included: the index's records of one person, for who saw that person."""
    records = [person_id[:64]]
    reached = set(records)
    while (
        step := set(Person.objects.filter(merged_into_id__in=records).values_list("pk", flat=True))
        - reached
    ):
        reached |= step
        records = sorted(step)
    return sorted(reached)


def records_of_all(persons: Iterable[str]) -> list[str]:
    """`records_of` each of `persons` (a person and the records they may be the same as), each
    record once, in order."""
    out: list[str] = []
    for person in persons:
        out.extend(r for r in records_of(person) if r not in out)
    return out


def _project_read(event: Event, data: dict[str, Any]) -> None:
    AccessRecord.objects.create(
        event=event,
        actor=event.actor,
        at=event.recorded_at,
        subject_type=data["subject_type"],
        subject=data["subject"],
        purpose=data["purpose"],
        outcome=data["outcome"],
        defendants_only=data.get("part") == "defendants",
    )
    if persons := data.get("persons"):
        _sighted(event, data, persons)


# For each person a read showed, a new row for the day or the day's row moved on, many persons
# to a statement (PostgreSQL and SQLite both take this form of upsert).
_SIGHTED = """
INSERT INTO core_personsighting (person, actor, subject_type, subject, purpose, day, first_at,
    last_at, times, first_event_id, last_event_id)
VALUES {rows}
ON CONFLICT (person, actor, subject_type, subject, purpose, day) DO UPDATE SET
    last_at = excluded.last_at, times = core_personsighting.times + 1,
    last_event_id = excluded.last_event_id
"""


SIGHTINGS_PER_STATEMENT = 500


def _sighted(event: Event, data: dict[str, Any], persons: list[str]) -> None:
    ops = connection.ops
    at = ops.adapt_datetimefield_value(event.recorded_at)
    day = ops.adapt_datefield_value(local_date(event.recorded_at))  # as the country counts it
    row = [event.actor, data["subject_type"], data["subject"], data["purpose"], day, at, at]
    with connection.cursor() as cur:
        # In statements of at most SIGHTINGS_PER_STATEMENT rows: a statement takes at most
        # 65,535 parameters on PostgreSQL and, as SQLite is built by default, 32,766 there; a
        # row has 11.
        for n in range(0, len(persons), SIGHTINGS_PER_STATEMENT):
            some = persons[n : n + SIGHTINGS_PER_STATEMENT]
            params: list[Any] = []
            for person in some:
                params += [person, *row, 1, event.id, event.id]
            values = ", ".join(["(" + ", ".join(["%s"] * 11) + ")"] * len(some))
            cur.execute(_SIGHTED.format(rows=values), params)


def sightings_of_person(records: list[str]) -> QuerySet[PersonSighting]:
    """The lists and searches that showed a person (any of its `records`, `records_of`), per
    reader and day, newest first."""
    return PersonSighting.objects.filter(person__in=records).order_by("-last_at", "-id")


projections.projector("access.read", _project_read)
