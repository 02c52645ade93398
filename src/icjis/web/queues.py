"""Work queues: what each role has to do next, shown on the landing page.

Each queue is one query (or two) over what the user may see — the same access filters the API
uses (`restrict`, `visible_detentions`, `visible_appointments`) — and every list that names
people is logged as a read, as the API's lists are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from icjis.core.access import in_visible_cases, listed_cases, log_read
from icjis.core.acts import KINDS
from icjis.core.refusals import kept_values
from icjis.evidence.acts import HOLDERS
from icjis.legal.models import Deadline

QUEUE_SIZE = 30


@dataclass
class Cell:
    text: Any
    href: str = ""
    css: str = ""
    when: datetime | None = None  # shown as a localised date and time


@dataclass
class Queue:
    """A titled table of things to do."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = ""
    live: bool = False  # refreshed in place (htmx) because a clock runs in it


def _case_link(number: str) -> Cell:
    return Cell(number, href=reverse("web:case", args=[number]))


def time_left(due: datetime, now: datetime) -> tuple[str, str]:
    """The time left to `due` in words, or by how much it is overdue, with its CSS class."""
    if due >= now:
        return timeuntil(due, now, depth=2), "running"
    return _("overdue by %(time)s") % {"time": timesince(due, now, depth=2)}, "missed"


def _left(due: datetime, now: datetime) -> Cell:
    text, css = time_left(due, now)
    return Cell(text, css=css)


def alerts(user: Any) -> Queue:
    """The open alerts told to the user's roles (a late arrest record, injuries, a complaint, a
    lapsed appointment, a sentence to calculate by hand …): the API's `alerts_for`, newest first,
    said in the user's language with each person, unit and member of staff by name, and a link to
    acknowledge each."""
    from icjis.core.alerts import alerts_for

    q = Queue(
        "alerts",
        _("Alerts"),
        [_("Raised"), _("Case"), _("Alert"), ""],
        empty=_("No open alert."),
        live=True,  # a complaint is to be sent on at once (CPC 97(7)): no reload to see it
    )
    for a, said, href in open_alerts(user, alerts_for(user), "queue"):
        q.rows.append(
            [
                Cell("", when=a.raised_at),
                _case_link(a.case_id) if a.case_id else Cell(""),
                Cell(said),
                Cell(_("Acknowledge"), href=href),
            ]
        )
    return q


def open_alerts(user: Any, alerts: Any, where: str) -> list[tuple[Any, str, str]]:
    """The newest of `alerts` (a query of the user's open alerts), each with its message said
    (`say_alerts`) and the link to acknowledge it."""
    rows = list(alerts.order_by("-raised_at", "id")[:QUEUE_SIZE])
    said = say_alerts(user, rows, where)
    acknowledge = reverse("web:act_new", args=["alerts.acknowledge"])
    return [(a, said[a.id], f"{acknowledge}?{urlencode({'alert': a.id})}") for a in rows]


def say_alerts(user: Any, rows: list[Any], where: str) -> dict[str, str]:
    """Alerts' messages in the user's language by alert id, each person, unit and member of
    staff among their values by name; a read of the persons so named is logged (`where` the
    page shows them)."""
    from icjis.core.models import Person, Unit, User
    from icjis.web.refusals import localise_kept
    from icjis.web.views import localised

    subjects = {a.subject for a in rows if a.subject}
    names = {p.id: p.full_name for p in Person.objects.filter(pk__in=subjects)}
    said = {str(v) for a in rows if a.said for v in kept_values(a.said)} - names.keys()
    units = {u.code: localised(u) for u in Unit.objects.filter(code__in=said)}
    staff = dict(User.objects.filter(username__in=said).values_list("username", "full_name"))
    if names:
        log_read(user, "alerts", where, "caseload", "shown", persons=names)
    return {a.id: localise_kept(a.message, a.said, names | units | staff) for a in rows}


def overdue_terms(user: Any, now: datetime) -> Queue:
    """Terms missed in the cases the user may see (heads of unit, prosecutors, clerks, judges)."""
    from icjis.web.views import deadline_title

    q = Queue(
        "overdue",
        _("Cases past a deadline"),
        [_("Case"), _("Term"), _("Due"), _("Overdue")],
        empty=_("No case is past a deadline."),
    )
    terms = (
        Deadline.objects.filter(in_visible_cases(user))
        .with_state(now)
        .filter(current_state="missed")
        .order_by("due_at", "case_id")[:QUEUE_SIZE]
    )
    for d in terms:
        q.rows.append(
            [
                _case_link(d.case_id),
                Cell(deadline_title(d)),
                Cell("", when=d.due_at),
                _left(d.due_at, now),
            ]
        )
    return q


def undecided(user: Any, now: datetime) -> Queue:
    """Reports awaiting the decision to open a case or to refuse (CPC 153-154)."""
    from icjis.registry.oversight import undecided_reports

    q = Queue(
        "undecided",
        _("Reports awaiting a decision"),
        [_("Case"), _("Registered"), _("Last movement")],
        empty=_("No report is awaiting a decision."),
    )
    for c in undecided_reports(user, now)[:QUEUE_SIZE]:
        q.rows.append(
            [
                _case_link(c.number),
                Cell("", when=c.registered_at),
                Cell("", when=c.last_movement_at),
            ]
        )
    return q


def awaiting_prosecutor(user: Any) -> Queue:
    """Cases sent to the prosecutor with the indictment, awaiting approval or return."""
    q = Queue(
        "prosecution",
        _("Indictments awaiting your decision"),
        [_("Case"), _("Last movement")],
        empty=_("No indictment is awaiting a decision."),
    )
    waiting = listed_cases(user).filter(stage="prosecution").order_by("last_movement_at")
    for c in waiting[:QUEUE_SIZE]:
        q.rows.append([_case_link(c.number), Cell("", when=c.last_movement_at)])
    return q


def detainees(user: Any, now: datetime) -> Queue:
    """Who is held now with the custody clock running (IVS officers, ombudsperson, prosecutors)."""
    from icjis.detention.access import read_purpose, visible_detentions

    q = Queue(
        "detainees",
        _("Detainees held now"),
        [_("Case"), _("Detainee"), _("Detained"), _("Status"), _("Custody clock")],
        empty=_("Nobody is held now."),
        live=True,
    )
    held = (
        visible_detentions(user)
        .held()
        .with_clock(now)
        .select_related("person")
        .soonest_first()[:QUEUE_SIZE]
    )
    held = list(held)
    for d in held:
        due = getattr(d, "limit_due", None)
        clock_cell = _left(due, now) if due else Cell(_("no running term"))
        q.rows.append(
            [
                _case_link(d.case_id),
                Cell(d.person.full_name),
                Cell("", when=d.detained_at),
                Cell(DETENTION_STATES.get(d.status, d.status)),
                clock_cell,
            ]
        )
    persons = [d.person_id for d in held]
    log_read(user, "detention", "held:queue", read_purpose(user), "shown", persons=persons)
    return q


def facility_overview(user: Any, now: datetime) -> Queue:
    """The ombudsperson's overview of every detention facility (CPC 97; the Ombudsperson's
    mandate over places of detention): capacity, places taken now (admitted, or away under escort
    and keeping the place), detainees on their way in, and those held past the term that ends
    their lawful holding (CPC 100(2), 115(1)). Counts only, no names; the read is logged."""
    from django.db.models import Count, Q

    from icjis.core.models import Unit
    from icjis.detention.access import oversees_all, read_purpose
    from icjis.detention.models import HELD, IN_FACILITY, Detention

    q = Queue(
        "facilities",
        _("Detention facilities"),
        [
            _("Facility"),
            _("Capacity"),
            _("Places taken"),
            _("On the way in"),
            _("Held past their term"),
        ],
        empty=_("No detention facility."),
    )
    if not oversees_all(user):
        return q
    held = Detention.objects.filter(status__in=HELD)
    counts = {
        r["facility_id"]: r
        for r in held.values("facility_id").annotate(
            taken=Count("id", filter=Q(status__in=IN_FACILITY)),
            arriving=Count("id", filter=Q(status="arrested")),
        )
    }
    late: dict[str | None, int] = {}
    for facility_id in (
        held.with_clock(now).filter(limit_due__lt=now).values_list("facility_id", flat=True)
    ):
        late[facility_id] = late.get(facility_id, 0) + 1
    language = (get_language() or "ru")[:2]
    for unit in Unit.objects.filter(kind="ivs").order_by("code"):
        row = counts.get(unit.code, {})
        taken, arriving = row.get("taken", 0), row.get("arriving", 0)
        over = unit.capacity is not None and taken > unit.capacity
        past = late.get(unit.code, 0)
        name = getattr(unit, f"name_{language}", None) or unit.name_ru
        q.rows.append(
            [
                Cell(name),
                Cell(number_format(unit.capacity) if unit.capacity is not None else "—"),
                Cell(number_format(taken), css="missed" if over else ""),
                Cell(number_format(arriving)),
                Cell(number_format(past), css="missed" if past else ""),
            ]
        )
    if late.get(None):
        q.rows.append(
            [
                Cell(_("Not yet in a facility")),
                Cell("—"),
                Cell("—"),
                Cell(number_format(counts.get(None, {}).get("arriving", 0))),
                Cell(number_format(late[None]), css="missed"),
            ]
        )
    log_read(user, "detention", "facilities:queue", read_purpose(user), "shown")
    return q


def appointments(user: Any, states: tuple[str, ...], title: str, empty: str) -> Queue:
    """Appointments of lawyers in the given states (the lawyer's own; a coordinator's area)."""
    from icjis.legalaid.api import visible_appointments

    q = Queue(
        "appointments-" + "-".join(states),
        title,
        [_("Case"), _("Person"), _("Appointed"), _("Answer by"), ""],
        empty=empty,
    )
    rows = list(
        visible_appointments(user)
        .filter(state__in=states)
        .select_related("person")
        .order_by("appointed_at", "id")[:QUEUE_SIZE]
    )
    for a in rows:
        action = Cell("")
        if a.state == "offered" and user.has_role("lawyer"):
            action = Cell(
                _("Accept or decline"),
                href=reverse("web:act", args=[a.case_id, "legalaid.accept"])
                + f"?appointment={a.id}",
            )
        q.rows.append(
            [
                _case_link(a.case_id),
                Cell(a.person.full_name),
                Cell("", when=a.appointed_at),
                Cell("", when=a.respond_by) if a.respond_by else Cell(""),
                action,
            ]
        )
    purpose = "defence" if user.has_role("lawyer") else "caseload"
    log_read(user, "appointments", "queue", purpose, "shown", persons=[a.person_id for a in rows])
    return q


def roster_gaps(request: Any) -> Queue:
    """Stretches of the next 7 days when nobody is on duty in a district of the coordinator's
    area (the API's own coverage computation)."""
    from datetime import datetime as moment

    from icjis.legalaid.api import Period, coverage

    q = Queue(
        "roster-gaps",
        _("Duty roster gaps in the next 7 days"),
        [_("District"), _("From"), _("Until"), _("Hours")],
        empty=_("Every district has a lawyer on duty."),
    )
    body = coverage(request, Period.model_validate({}))
    for district in body["districts"]:
        for gap in district["gaps"][:3]:
            q.rows.append(
                [
                    Cell(district["name"]),
                    Cell("", when=moment.fromisoformat(gap["from"].replace("Z", "+00:00"))),
                    Cell("", when=moment.fromisoformat(gap["to"].replace("Z", "+00:00"))),
                    Cell(number_format(gap["hours"], 1), css="missed"),
                ]
            )
        if len(q.rows) >= QUEUE_SIZE:
            break
    return q


def hearings_today(user: Any, now: datetime) -> Queue:
    """The hearings of the user's court today (clerks and judges)."""
    from icjis.courts.models import Hearing
    from icjis.legal.counting import local_date

    q = Queue(
        "hearings",
        _("Hearings today"),
        [_("Time"), _("Room"), _("Case"), _("Judge")],
        empty=_("No hearing today."),
    )
    day = local_date(now)
    start = now - timedelta(days=2)
    hearings = (
        Hearing.objects.filter(
            in_visible_cases(user, "court_case__case_id"),
            court_id=user.unit_id,
            starts_at__gte=start,
            starts_at__lt=now + timedelta(days=2),
        )
        .select_related("court_case")
        .order_by("starts_at", "room")
    )
    for h in hearings:
        if local_date(h.starts_at) != day:
            continue
        q.rows.append(
            [
                Cell("", when=h.starts_at),
                Cell(h.room),
                _case_link(h.court_case.case_id),
                Cell(h.judge),
            ]
        )
    return q


def prison_admissions(user: Any) -> Queue:
    """Convicts expected at the user's colony from verdicts of imprisonment in force."""
    from icjis.prisons.api import visible_prisoners
    from icjis.prisons.models import EXPECTED

    q = Queue(
        "expected",
        _("Admissions expected"),
        [_("Case"), _("Person"), _("Verdict in force")],
        empty=_("No admission is expected."),
    )
    rows = list(
        visible_prisoners(user)
        .filter(state=EXPECTED)
        .select_related("person")
        .order_by("in_force_at", "id")[:QUEUE_SIZE]
    )
    for p in rows:
        q.rows.append(
            [_case_link(p.case_id), Cell(p.person.full_name), Cell("", when=p.in_force_at)]
        )
    persons = [p.person_id for p in rows]
    log_read(user, "prisons", "expected:queue", "caseload", "shown", persons=persons)
    return q


def prison_releases(user: Any, now: datetime) -> Queue:
    """Prisoners whose release falls within 30 days, or has passed without a release."""
    from icjis.legal.counting import local_date
    from icjis.prisons.api import visible_prisoners
    from icjis.prisons.models import HELD

    q = Queue(
        "releases",
        _("Releases due in 30 days"),
        [_("Case"), _("Person"), _("Release date")],
        empty=_("No release is due."),
    )
    until = local_date(now) + timedelta(days=30)
    rows = list(
        visible_prisoners(user)
        .filter(state=HELD, release_date__lte=until)
        .select_related("person")
        .order_by("release_date", "id")[:QUEUE_SIZE]
    )
    today = local_date(now)
    for p in rows:
        q.rows.append(
            [
                _case_link(p.case_id),
                Cell(p.person.full_name),
                Cell(
                    date_format(p.release_date, "SHORT_DATE_FORMAT"),
                    css=("missed" if p.release_date < today else ""),
                ),
            ]
        )
    persons = [p.person_id for p in rows]
    log_read(user, "prisons", "releases-due:queue", "caseload", "shown", persons=persons)
    return q


def probation_meetings(user: Any, now: datetime) -> list[Queue]:
    """The probation officer's meetings today, and those missed in the last 30 days."""
    from icjis.legal.counting import end_of_day, local_date, start_of_day
    from icjis.probation.acts import missed_after
    from icjis.probation.api import visible_meetings

    today = local_date(now)
    columns = [_("Case"), _("Person"), _("Time")]
    todays = Queue("meetings-today", _("Meetings today"), columns, empty=_("No meeting today."))
    shown: list[str] = []
    for m in (
        visible_meetings(user)
        .filter(at__gte=start_of_day(today), at__lt=end_of_day(today))
        .select_related("file__person")
        .order_by("at", "id")[:QUEUE_SIZE]
    ):
        todays.rows.append(
            [_case_link(m.file.case_id), Cell(m.file.person.full_name), Cell("", when=m.at)]
        )
        shown.append(m.file.person_id)
    missed = Queue(
        "meetings-missed", _("Missed meetings"), columns, empty=_("No meeting was missed.")
    )
    recent = (
        visible_meetings(user)
        .filter(at__gte=now - timedelta(days=30), at__lt=now)
        .filter(state__in=("missed", "absent", "scheduled"))
        .select_related("file__person")
        .order_by("-at", "id")
    )
    for m in recent[: QUEUE_SIZE * 2]:
        if m.state == "scheduled" and now < missed_after(m):
            continue
        missed.rows.append(
            [
                _case_link(m.file.case_id),
                Cell(m.file.person.full_name),
                Cell("", when=m.at, css="missed"),
            ]
        )
        shown.append(m.file.person_id)
    log_read(user, "probation", "meetings:queue", "supervision", "shown", persons=shown)
    return [todays, missed]


DETENTION_STATES = {
    "arrested": gettext_lazy("arrested, not yet admitted"),
    "admitted": gettext_lazy("admitted"),
    "away": gettext_lazy("away under escort"),
    "released": gettext_lazy("released"),
}


def orders_to_issue(user: Any, now: datetime) -> Queue:
    """Protection orders asked for and not yet issued or refused, soonest due first, with the
    24 hours to issue each (Law No. 63, art. 25) counting down."""
    from icjis.offences.access import order_persons, visible_orders
    from icjis.offences.views import term_left

    q = Queue(
        "orders",
        _("Protection orders to issue"),
        [_("Order"), _("Restrained"), _("Reported"), _("Term")],
        empty=_("No protection order is awaiting issue."),
        live=True,
    )
    waiting = list(
        visible_orders(user)
        .filter(state="requested")
        .prefetch_related("persons__person")
        .order_by("issue_due_at", "number")[:QUEUE_SIZE]
    )
    for o in waiting:
        left, css = term_left(o, "requested", now)
        restrained = [p.person.full_name for p in o.persons.all() if p.role == "restrained"]
        q.rows.append(
            [
                Cell(o.number, href=reverse("offences:order", args=[o.number])),
                Cell(", ".join(restrained)),
                Cell("", when=o.reported_at),
                Cell(left, css=css),
            ]
        )
    persons = [pid for o in waiting for pid in order_persons(o)]
    log_read(user, "orders", "requested:queue", "caseload", "shown", persons=persons)
    return q


def held_for_offences(user: Any, now: datetime) -> Queue:
    """Persons held in administrative detention (CoO 524-526) by the user's unit (a
    prosecutor: in their territory), soonest to be released first, each term counting down."""
    from icjis.detention.access import read_purpose
    from icjis.offences.access import visible_detentions
    from icjis.offences.detention_views import release_left

    q = Queue(
        "held-offences",
        _("Held in administrative detention"),
        [_("Detention"), _("Person"), _("Detained"), _("Term")],
        empty=_("Nobody is held."),
        live=True,
    )
    held = list(
        visible_detentions(user)
        .filter(state="held")
        .select_related("person")
        .order_by("release_by", "number")[:QUEUE_SIZE]
    )
    for d in held:
        left, css = release_left(d, now)
        q.rows.append(
            [
                Cell(d.number, href=reverse("offences:detention", args=[d.number])),
                Cell(d.person.full_name),
                Cell("", when=d.detained_at),
                Cell(left, css=css),
            ]
        )
    persons = [d.person_id for d in held]
    log_read(user, "detentions-coo", "held:queue", read_purpose(user), "shown", persons=persons)
    return q


def offences_to_decide(user: Any, now: datetime) -> Queue:
    """Offence cases the user's unit or court must act on now, soonest due first: protocols the
    police decide or send to court (within 24 hours, CoO 521(1)), cases sent to the court; the
    term to decide (535) or to send counting down."""
    from django.db.models import F, Q

    from icjis.offences.access import visible_offences
    from icjis.offences.views import offence_row

    q = Queue(
        "offences",
        _("Offence cases to decide"),
        [_("Case"), _("Article"), _("Person"), _("State"), _("Term")],
        empty=_("No offence case is awaiting a decision."),
        live=True,
    )
    before_us = (
        Q(state="registered", unit_id=user.unit_id)
        | Q(state="referred", court_id=user.unit_id)
        | Q(state="appealed", appeal_court_id=user.unit_id)
    )
    open_cases = list(
        visible_offences(user)
        .filter(before_us)
        .select_related("person")
        .order_by(F("due_at").asc(nulls_last=True), "number")[:QUEUE_SIZE]
    )
    for c in open_cases:
        row = offence_row(c, now)
        q.rows.append(
            [
                Cell(c.number, href=reverse("offences:offence", args=[c.number])),
                Cell(row["article"]),
                Cell(c.person.full_name),
                Cell(row["state"]),
                Cell(row["left"], css=row["css"]),
            ]
        )
    persons = [c.person_id for c in open_cases]
    log_read(user, "offences", "open:queue", "caseload", "shown", persons=persons)
    return q


def expertises_to_do(user: Any, now: datetime) -> Queue:
    """The open expertises the expert is assigned to, the soonest term first, with the time left
    to the opinion (the term the order set)."""
    from icjis.forensics.access import visible_expertises
    from icjis.forensics.api import with_term
    from icjis.forensics.views import said

    q = Queue(
        "expertises",
        _("Your expertises"),
        [_("Expertise"), _("Case"), _("State"), _("Term")],
        empty=_("No expertise is awaiting your opinion."),
    )
    found = with_term(
        visible_expertises(user).filter(
            assignments__expert=user.username, state__in=("assigned", "signing")
        ),
        now,
    ).order_by("due_at", "id")
    shown = list(found[:QUEUE_SIZE])
    for e in shown:
        row = said(e, now)
        q.rows.append(
            [
                Cell(row["kinds"], href=row["url"]),
                _case_link(e.case_id),
                Cell(row["state"]),
                Cell(row["left"], css=row["css"]),
            ]
        )
    persons = [e.person for e in shown if e.person]
    log_read(user, "expertise", "list:queue", "caseload", "shown", persons=persons)
    return q


def items_incoming(user: Any) -> Queue:
    """Evidence items handed over to the user and not yet received, the oldest first: each to
    be received with the seal checked."""
    from icjis.evidence.access import visible_items
    from icjis.evidence.views import said

    q = Queue(
        "incoming",
        _("Evidence handed over to you"),
        [_("Item"), _("Case"), _("From"), _("Seal")],
        empty=_("No item is on its way to you."),
    )
    found = visible_items(user).filter(transit_to=user.username, status="in_transit")
    for item in found.order_by("id")[:QUEUE_SIZE]:
        q.rows.append(
            [
                Cell(item.description[:80], href=said(item)["url"]),
                _case_link(item.case_id),
                Cell(item.holder),
                Cell(item.transit_seal),
            ]
        )
    log_read(user, "evidence", "list:incoming", "caseload", "shown")
    return q


def months_to_publish(now: datetime) -> Queue:
    """For the analyst: the months that have ended and whose statistics are not yet published,
    oldest first, each opening the act that publishes it."""
    from icjis.analytics.service import months_to_publish as months

    q = Queue(
        "statistics",
        _("Statistics to publish"),
        [_("Month")],
        empty=_("Every month that has ended is published."),
    )
    for period in months(now)[:QUEUE_SIZE]:
        href = reverse("web:act_new", args=["analytics.statistics.publish"]) + f"?period={period}"
        q.rows.append([Cell(period, href=href)])
    return q


def queues_for(request: Any, now: datetime, only: str | None = None) -> list[Queue]:
    """The queues of every role the user holds, most urgent first, without repeats; with `only`,
    that queue alone (a list refreshing in place builds, and logs as read, nothing else)."""
    user = request.user
    roles = set(user.roles)
    out: dict[str, Queue] = {}

    def add(q: Queue) -> None:
        out.setdefault(q.key, q)

    def wanted(*keys: str) -> bool:
        return only is None or only in keys

    acknowledge = KINDS["alerts.acknowledge"].roles
    if roles & acknowledge and wanted("alerts"):  # every role an alert is told to
        add(alerts(user))
    if "ombudsperson" in roles and wanted("facilities"):
        add(facility_overview(user, now))
    if roles & {"ivs_officer", "ivs_medic", "ombudsperson", "prosecutor"} and wanted("detainees"):
        add(detainees(user, now))
    if "lawyer" in roles:
        if wanted("appointments-offered"):
            add(
                appointments(
                    user,
                    ("offered",),
                    _("Appointments awaiting your answer"),
                    _("No appointment is awaiting your answer."),
                )
            )
        if wanted("appointments-accepted"):
            add(
                appointments(
                    user,
                    ("accepted",),
                    _("Your accepted appointments"),
                    _("No accepted appointment."),
                )
            )
    if "legal_aid_coordinator" in roles:
        if wanted("appointments-unassigned-offered"):
            add(
                appointments(
                    user,
                    ("unassigned", "offered"),
                    _("Appointments without a lawyer yet"),
                    _("Every appointment has a lawyer."),
                )
            )
        if wanted("roster-gaps"):
            add(roster_gaps(request))
    if roles & {"court_clerk", "judge", "court_president"} and wanted("hearings"):
        add(hearings_today(user, now))
    if "prison_officer" in roles:
        if wanted("expected"):
            add(prison_admissions(user))
        if wanted("releases"):
            add(prison_releases(user, now))
    if "probation_officer" in roles and wanted("meetings-today", "meetings-missed"):
        for q in probation_meetings(user, now):
            add(q)
    if roles & {"offences_officer", "unit_head", "prosecutor"} and wanted("held-offences"):
        add(held_for_offences(user, now))
    if roles & {"offences_officer", "unit_head"} and wanted("orders"):
        add(orders_to_issue(user, now))
    if roles & {"offences_officer", "unit_head", "judge", "appeal_judge"} and wanted("offences"):
        add(offences_to_decide(user, now))
    if "expert" in roles and wanted("expertises"):
        add(expertises_to_do(user, now))
    if roles & set(HOLDERS) and wanted("incoming"):
        add(items_incoming(user))
    if "analyst" in roles and wanted("statistics"):
        add(months_to_publish(now))
    if "prosecutor" in roles and wanted("prosecution"):
        add(awaiting_prosecutor(user))
    if roles & {"unit_head", "prosecutor"} and wanted("undecided"):
        add(undecided(user, now))
    overdue_roles = {"unit_head", "prosecutor", "court_clerk", "judge", "court_president"}
    if roles & overdue_roles and wanted("overdue"):
        add(overdue_terms(user, now))
    return list(out.values())
