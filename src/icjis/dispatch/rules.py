"""What a dispatcher chooses from: the types of incident with the priority each starts at, how
an incident is cleared, the kinds of crew and of hazard. These are the service's own
classifications, not legal values: no article sets them, and a dispatcher may raise or lower a
call's priority (1 is the most urgent)."""

from __future__ import annotations

from typing import Literal

IncidentType = Literal[
    "family_violence",
    "assault",
    "robbery",
    "weapon",
    "burglary",
    "theft",
    "traffic_injury",
    "traffic",
    "disturbance",
    "missing_person",
    "other",
]
PRIORITY: dict[str, int] = {
    "family_violence": 1,
    "assault": 1,
    "robbery": 1,
    "weapon": 1,
    "traffic_injury": 1,
    "burglary": 2,
    "theft": 2,
    "missing_person": 2,
    "disturbance": 3,
    "traffic": 3,
    "other": 3,
}
"""The priority a call starts at, by its type: 1 a threat to life or a crime in progress,
2 a crime just committed or a person missing, 3 the rest."""

Disposition = Literal[
    "report_registered",
    "offence_protocol",
    "order_requested",
    "resolved_on_scene",
    "no_police_matter",
    "unfounded",
    "false_call",
    "duplicate",
]
CrewKind = Literal["patrol", "traffic", "rapid_response", "district_officer"]
HazardKind = Literal["weapons", "violent_person", "dangerous_animal", "infection", "other"]
IncidentRole = Literal["caller", "victim", "suspect", "witness", "other"]
