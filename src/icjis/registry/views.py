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
WITHDRAWN = gettext_lazy("Withdrawn")  # not a decision's outcome, so no choice of one


def offered_acts(user: Any, filing: Filing, assigned: bool) -> list[str]:
    """The acts on a pending filing the reader may perform now (each still decides for itself):
    its addressee's, and counsel's withdrawal of the complaint they filed; `assigned`: the
    reader is the case's assigned investigator."""
    if filing.state != "pending":
        return []
    if filing.kind == "complaint" and filing.filed_by == user.username:
        return ["registry.complaint.withdraw"]
    if filing.addressee not in user.roles:
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
                    for k in offered_acts(user, f, assigned)
                ],
            }
        )
    return said
