"""Which crew to send: the available crews of the incident's area ranked by their distance to
the scene, nearest first (great-circle distance from the positions they last reported). Where
the scene has no coordinates, the crews of its district come first, then the longest
available. Pure functions of their inputs, so a recommendation can be re-run from what the
dispatch act recorded."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """The great-circle distance in whole metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


@dataclass(frozen=True)
class Candidate:
    call_sign: str
    lat: float
    lon: float
    since: datetime  # available since
    territory_path: str


@dataclass(frozen=True)
class Ranked:
    call_sign: str
    distance_m: int | None


def rank(
    crews: Iterable[Candidate],
    lat: float | None,
    lon: float | None,
    district_path: str = "",
) -> list[Ranked]:
    """Every candidate, best first; ties go to the crew available longer, then by call sign."""
    if lat is not None and lon is not None:
        measured = [(distance_m(lat, lon, c.lat, c.lon), c) for c in crews]
        measured.sort(key=lambda m: (m[0], m[1].since, m[1].call_sign))
        return [Ranked(c.call_sign, d) for d, c in measured]
    ordered = sorted(
        crews,
        key=lambda c: (
            not (district_path and c.territory_path.startswith(district_path)),
            c.since,
            c.call_sign,
        ),
    )
    return [Ranked(c.call_sign, None) for c in ordered]
