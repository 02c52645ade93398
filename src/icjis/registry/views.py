"""The motions and complaints section of the case page (`registry.filings`): each filing with
its applicant, addressee, request, decision and the time left to decide it, and the acts the
reader may perform on it now."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from icjis.core import clock
from icjis.core.acts import KINDS
from icjis.core.models import Case, CaseOfficer, User
from icjis.registry.filings import ranks_above, visible_filings, with_term
from icjis.registry.models import Filing
from icjis.web.labels import act_title, choice_label
from icjis.web.queues import time_left

KIND_LABELS = {"motion": gettext_lazy("Party's motion"), "complaint": gettext_lazy("Complaint")}
TO_LABELS = {"higher_prosecutor": gettext_lazy("Higher prosecutor")}  # not an input's choice
WITHDRAWN = gettext_lazy("Withdrawn")  # not a decision's outcome, so no choice of one


def offered_acts(user: Any, filing: Filing, assigned: bool, contested: dict[str, Any]) -> list[str]:
    """The acts on a filing the reader may perform now (each still decides for itself): on a
    pending one, its addressee's, and the withdrawal of a complaint its filer filed; on a
    complaint the prosecutor upheld, the assigned investigator's contest before the higher
    prosecutor, once. `contested`: the prosecutor who decided each complaint contested and not
    withdrawn, by the complaint's id."""
    if filing.state == "decided" and assigned and "investigator" in user.roles:
        upheld = filing.outcome in ("upheld", "partly_upheld")
        if upheld and filing.addressee == "prosecutor":
            return [] if filing.id in contested else ["registry.complaint.contest"]
    if filing.state != "pending":
        return []
    filer = filing.filed_by_role in ("lawyer", "investigator")
    if filing.kind == "complaint" and filer and filing.filed_by == user.username:
        return ["registry.complaint.withdraw"]
    addressee = filing.addressee
    if addressee == "higher_prosecutor":
        if not ranks_above(user, contested.get(filing.contests)):
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


def _contested(rows: list[Filing]) -> dict[str, Any]:
    """The prosecutor (a user with their unit) who decided each complaint of `rows` that a
    contest not withdrawn names; one query, and none without a contest."""
    by_id = {f.id: f for f in rows}
    ids = {f.contests for f in rows if f.contests and f.state != "withdrawn"}
    deciders = {by_id[i].decided_by for i in ids if i in by_id}
    if not deciders:
        return dict.fromkeys(ids)
    users = {
        u.username: u for u in User.objects.select_related("unit").filter(username__in=deciders)
    }
    return {i: users.get(by_id[i].decided_by) if i in by_id else None for i in ids}


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
    contested = _contested(rows)
    said = []
    for f in rows:
        due = getattr(f, "due_at", None)
        left, css = time_left(due, now) if f.state == "pending" and due is not None else ("", "")
        said.append(
            {
                "filing": f,
                "kind": KIND_LABELS[f.kind],
                "to": TO_LABELS.get(f.addressee) or choice_label(f.addressee),
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
                    for k in offered_acts(user, f, assigned, contested)
                ],
            }
        )
    return said
