"""The stages of a case at which an act can succeed, for the acts whose decide refuses outside
certain stages (`registry.common.require_stage` and the modules' own stage checks).

The acts framework declares no stages, so the case page keeps this small table and offers an
act only at a stage where its decide could accept it; acts not named here are offered at every
stage. The table only narrows what is offered: the act itself still decides (and refuses with
its own reason when the URL is opened directly). `tests/web/test_stages.py` checks that every act
named here exists and that an act left out at a stage is indeed refused there.
"""

from __future__ import annotations

from icjis.courts.measures import PRE_TRIAL
from icjis.detention.acts import ARREST_STAGES
from icjis.evidence.acts import RECOGNISE_STAGES, SEIZE_STAGES
from icjis.forensics.acts import ORDER_STAGES
from icjis.registry.acts import OPEN_STAGES
from icjis.registry.filings import PRE_TRIAL as FILING_STAGES
from icjis.registry.torture import STAGES as TORTURE_STAGES

INVESTIGATION = ("investigation",)
PROSECUTION = ("prosecution",)

ACT_STAGES: dict[str, tuple[str, ...]] = {
    # Registry: CPC 153-154 (the report), 141-142 (joining, splitting), 162-163 (terms),
    # 190-201 (suspicion, charge), 231-260 (suspension, termination), 264-268 (indictment).
    "registry.case.assign": OPEN_STAGES,
    "registry.participant.add": OPEN_STAGES,
    "registry.case.open": ("pre_investigation",),
    "registry.case.refuse": ("registered", "pre_investigation"),
    "registry.case.reopen": ("closed",),
    "registry.case.transfer": ("registered", "pre_investigation", "investigation"),
    "registry.term.extend": ("pre_investigation", "investigation"),
    "registry.case.join": INVESTIGATION,
    "registry.case.split": INVESTIGATION,
    "registry.case.suspend": INVESTIGATION,
    "registry.case.resume": INVESTIGATION,
    "registry.suspicion.notify": INVESTIGATION,
    "registry.charge": INVESTIGATION,
    "registry.indictment.submit": INVESTIGATION,
    # The investigator terminates or requalifies during the investigation, the prosecutor after.
    "registry.case.terminate": (*INVESTIGATION, *PROSECUTION),
    "registry.charge.requalify": (*INVESTIGATION, *PROSECUTION),
    "registry.indictment.approve": PROSECUTION,
    "registry.indictment.return": PROSECUTION,
    # Detention (CPC 96) and the investigating judge's measures before trial (CPC 110-115).
    "detention.arrest": ARREST_STAGES,
    "courts.measure.petition": PRE_TRIAL,
    "courts.measure.consent": PRE_TRIAL,
    # A verdict ends a trial (CPC 348).
    "courts.verdict.deliver": ("trial",),
    # Items are seized in the investigation and recognised before trial or by the court (CPC
    # 86(2), 173).
    "evidence.item.seize": SEIZE_STAGES,
    "evidence.item.recognise": RECOGNISE_STAGES,
    "forensics.expertise.order": ORDER_STAGES,
    "forensics.expertise.extend": ORDER_STAGES,
    # Motions and complaints before trial (CPC 123-130, 182); a complaint may contest a refusal
    # or a termination once the case is closed. What is pending is answered at any stage (the
    # decisions check no stage), from the case page's section.
    "registry.motion.file": FILING_STAGES,
    "registry.complaint.file": (*FILING_STAGES, "closed"),
    "registry.complaint.contest": (*FILING_STAGES, "closed"),
    # A statement of torture, while someone can order the expertise it calls for (CPC 179(11)).
    "registry.torture.report": TORTURE_STAGES,
}


def possible_at(kind: str, stage: str) -> bool:
    """Whether the act `kind` can be accepted on a case at `stage` (True when not in the table)."""
    stages = ACT_STAGES.get(kind)
    return stages is None or stage in stages
