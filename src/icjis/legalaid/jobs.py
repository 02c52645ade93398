"""The escalation job: an appointment nobody accepted in time passes to the next lawyer, and an
appointment left without a lawyer is filled as soon as somebody comes on duty. Run by
`icjis worker` on every pass (`core.jobs`); each act is performed by the system under the same
locks and checks as any other, so two workers cannot escalate one appointment twice."""

from __future__ import annotations

import logging

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.jobs import periodic
from icjis.core.refusals import Refusal
from icjis.legalaid.models import Appointment
from icjis.legalaid.register import duty_lawyer

log = logging.getLogger("icjis.legalaid")
BATCH = 100


@periodic("legalaid.escalate")
def escalate_overdue() -> int:
    """Escalate offers past `respond_by`; retry unassigned appointments once somebody is on
    duty. Returns how many acts were performed."""
    now = clock.now()
    done = 0
    overdue = Appointment.objects.filter(state="offered", respond_by__lte=now).order_by(
        "respond_by", "id"
    )
    for a in overdue[:BATCH]:
        done += _perform("legalaid.escalate", {"appointment": a.id}, a.case_id)
    waiting = Appointment.objects.filter(state="unassigned").select_related("case")
    for a in waiting.order_by("appointed_at", "id")[:BATCH]:
        tried = set(
            Appointment.objects.filter(
                case=a.case, person=a.person_id, state__in=("declined", "lapsed")
            ).values_list("licence", flat=True)
        )
        if duty_lawyer(a.case, now, exclude=tried) is None:
            continue  # still nobody on duty; the coordinator's alert stays open
        data = {"person": a.person_id, "trigger": "retry", "after": a.id}
        done += _perform("legalaid.appoint", data, a.case_id)
    return done


def _perform(kind: str, data: dict[str, str], case: str) -> int:
    try:
        acts.perform(SYSTEM_USER, kind, data, case=case)
    except Refusal as exc:
        # Someone answered (or another worker escalated) between our read and the act.
        log.info("legal aid job: %s on %s refused: %s", kind, case, exc.message)
        return 0
    return 1
