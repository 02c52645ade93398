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
from icjis.core.models import Case, CaseOfficer
from icjis.registry.filings import visible_filings, with_term
from icjis.registry.models import Filing
from icjis.web.labels import act_title, choice_label
from icjis.web.queues import time_left

KIND_LABELS = {"motion": gettext_lazy("Party's motion"), "complaint": gettext_lazy("Complaint")}
TO_LABELS = {"higher_prosecutor": gettext_lazy("Higher prosecutor")}  # not an input's choice
WITHDRAWN = gettext_lazy("Withdrawn")  # not a decision's outcome, so no choice of one


def offered_acts(user: Any, filing: Filing, assigned: bool, contested: set[str]) -> list[str]:
    """The acts on a filing the reader may perform now (each still decides for itself): on a
    pending one, its addressee's, and counsel's withdrawal of the complaint they filed; on a
    complaint upheld by the prosecutor or the head of the unit, the assigned investigator's
    contest before the higher prosecutor, once (`contested`: the complaints contested)."""
    if filing.state == "decided" and assigned and "investigator" in user.roles:
        upheld = filing.outcome in ("upheld", "partly_upheld")
        if upheld and filing.addressee in ("prosecutor", "unit_head"):
            return [] if filing.id in contested else ["registry.complaint.contest"]
    if filing.state != "pending":
        return []
    if filing.kind == "complaint" and filing.filed_by == user.username:
        return [] if filing.contests else ["registry.complaint.withdraw"]
    addressee = "prosecutor" if filing.addressee == "higher_prosecutor" else filing.addressee
    if addressee not in user.roles:
        return []
    if filing.addressee == "investigator" and not assigned:
        return []
    kinds = [f"registry.{filing.kind}.decide"]
    if filing.kind == "complaint":
        kinds.append("registry.complaint.withdraw")
        if filing.extended_at is None:
            kinds.append("registry.complaint.extend")
    return [k for k in kinds if set(user.roles) & KINDS[k].roles]


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
    contested = {f.contests for f in rows if f.contests}
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
