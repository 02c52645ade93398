"""The motions and complaints section of the case page (`registry.filings`): each filing with
its applicant, addressee, request, decision and the time left to decide it, and the acts the
reader may perform on it now."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from icjis.core import clock
from icjis.core.acts import KINDS
from icjis.core.models import Case, CaseOfficer, Event, Unit
from icjis.legalaid.acts import represented
from icjis.registry.filings import (
    CONTESTED_BY,
    has_office_above,
    ranks_above,
    side_of,
    visible_filings,
    with_term,
)
from icjis.registry.models import Filing
from icjis.web.labels import act_title, choice_label
from icjis.web.queues import time_left

KIND_LABELS = {"motion": gettext_lazy("Party's motion"), "complaint": gettext_lazy("Complaint")}
WITHDRAWN = gettext_lazy("Withdrawn")  # not a decision's outcome, so no choice of one


@dataclass
class Reviews:
    """What the section needs to know of the decisions taken to a higher prosecutor: the office
    of the prosecutor who took each decision under review (`Filing.reviewed`) or open to a
    contest, as the deciding act recorded it, and the complaints already before a higher
    prosecutor, by side (not withdrawn)."""

    offices: dict[str, Unit | None] = field(default_factory=dict)
    taken: set[tuple[str, str]] = field(default_factory=set)


def _contest_offered(user: Any, filing: Filing, assigned: bool, clients: set[str]) -> str:
    """The side (`filings.CONTESTED_BY`) the reader may take a decided complaint to the higher
    prosecutor for: the assigned investigator, of a decision upholding it; counsel of its
    applicant, of one not upholding it wholly. "" when neither."""
    if filing.kind != "complaint" or filing.addressee != "prosecutor":
        return ""
    if assigned and "investigator" in user.roles:
        side = "investigator"
    elif "lawyer" in user.roles and filing.person_id in clients:
        side = "applicant"
    else:
        return ""
    return side if filing.outcome in CONTESTED_BY[side] else ""


def offered_acts(
    user: Any, filing: Filing, assigned: bool, reviews: Reviews, clients: set[str]
) -> list[str]:
    """The acts on a filing the reader may perform now (each still decides for itself): on a
    pending one, its addressee's, and the withdrawal of a complaint its filer filed; on a
    complaint the prosecutor decided, the contest before the higher prosecutor of the assigned
    investigator (of an upheld one) or of counsel of the applicant (`clients`, of one not
    upheld wholly), once for each side."""
    if filing.state == "decided":
        side = _contest_offered(user, filing, assigned, clients)
        above = has_office_above(reviews.offices.get(filing.id))
        if side and above and (filing.id, side) not in reviews.taken:
            return ["registry.complaint.contest"]
    if filing.state != "pending":
        return []
    filer = filing.filed_by_role in ("lawyer", "investigator")
    if filing.kind == "complaint" and filer and filing.filed_by == user.username:
        return ["registry.complaint.withdraw"]
    addressee = filing.addressee
    if addressee == "higher_prosecutor":
        if not ranks_above(user, reviews.offices.get(filing.reviewed)):
            return []
        addressee = "prosecutor"
    if addressee not in user.roles:
        return []
    if filing.addressee == "investigator" and not assigned:
        return []
    judge = filing.kind == "motion" and addressee == "investigating_judge"
    kinds = ["registry.motion.rule" if judge else f"registry.{filing.kind}.decide"]
    if filing.kind == "complaint":
        kinds.append("registry.complaint.withdraw")
        if filing.extended_at is None:
            kinds.append("registry.complaint.extend")
    return [k for k in kinds if set(user.roles) & KINDS[k].roles]


def _reviews(case: Case, rows: list[Filing]) -> Reviews:
    """`Reviews` of `rows`: two queries for the deciding offices (the deciding events' units),
    and none when no decision is before a higher prosecutor or open to a contest."""
    by_id = {f.id: f for f in rows}
    before_higher = [f for f in rows if f.reviewed and f.state != "withdrawn"]
    reviews = Reviews(
        taken={(f.contests, side_of(f.filed_by_role)) for f in before_higher if f.contests}
    )
    contestable = {
        f.id
        for f in rows
        if f.kind == "complaint" and f.addressee == "prosecutor" and f.state == "decided"
    }
    wanted = {i for i in {f.reviewed for f in before_higher} | contestable if i in by_id}
    seqs = {by_id[i].decided_seq for i in wanted} - {None}
    if not seqs:
        return reviews
    unit_at = dict(
        Event.objects.filter(stream=f"case/{case.number}", seq__in=seqs).values_list(
            "seq", "actor_unit"
        )
    )
    units = {u.code: u for u in Unit.objects.filter(code__in=set(unit_at.values()))}
    reviews.offices = {i: units.get(unit_at.get(by_id[i].decided_seq, "")) for i in wanted}
    return reviews


def case_filings(user: Any, case: Case) -> list[dict[str, Any]]:
    """The section's rows: the filings of the case the reader may see, in the order filed. The
    applicants are the case's participants, whom the page's logged read of the case shows."""
    now = clock.now()
    rows = list(with_term(visible_filings(user).filter(case=case), now).order_by("filed_seq"))
    if not rows:
        return []
    assigned = CaseOfficer.objects.filter(
        case=case, role="investigator", username=user.username
    ).exists()
    reviews = _reviews(case, rows)
    clients = represented(case, user.username) if "lawyer" in user.roles else set()
    said = []
    for f in rows:
        due = getattr(f, "due_at", None)
        left, css = time_left(due, now) if f.state == "pending" and due is not None else ("", "")
        said.append(
            {
                "filing": f,
                "kind": KIND_LABELS[f.kind],
                "to": choice_label(f.addressee),
                "subject": choice_label(f.subject),
                "outcome": (WITHDRAWN if f.state == "withdrawn" else choice_label(f.outcome))
                if f.outcome
                else "",
                "left": left,
                "css": css,
                "offered": [
                    {
                        "title": act_title(k),
                        "url": reverse("web:act", args=[case.number, k])
                        + "?"
                        + urlencode({f.kind: f.id}),
                    }
                    for k in offered_acts(user, f, assigned, reviews, clients)
                ],
            }
        )
    return said
