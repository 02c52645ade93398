"""The recommendation's properties (hypothesis): every available crew is ranked once, nearest
first, and the first is never farther than any other; the distance is a metric's distance (zero
for one point, symmetric, within the triangle inequality up to rounding); without coordinates
the district's crews come first, the longest available first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from icjis.dispatch.recommend import Candidate, distance_m, rank

LAT = st.floats(min_value=39.0, max_value=43.5, allow_nan=False)
LON = st.floats(min_value=69.0, max_value=80.5, allow_nan=False)
START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def crews(draw: st.DrawFn) -> list[Candidate]:
    n = draw(st.integers(min_value=0, max_value=12))
    return [
        Candidate(
            call_sign=f"C-{i}",
            lat=draw(LAT),
            lon=draw(LON),
            since=START + timedelta(minutes=draw(st.integers(0, 600))),
            territory_path=draw(st.sampled_from(["KG/KG-GB/KG-GB-LEN", "KG/KG-GB/KG-GB-OKT"])),
        )
        for i in range(n)
    ]


@given(crews(), LAT, LON)
def test_every_crew_is_ranked_once_nearest_first(candidates, lat, lon):
    ranked = rank(candidates, lat, lon)
    assert sorted(r.call_sign for r in ranked) == sorted(c.call_sign for c in candidates)
    distances = [r.distance_m for r in ranked]
    assert distances == sorted(distances)  # type: ignore[type-var]
    if candidates:
        nearest = min(distance_m(lat, lon, c.lat, c.lon) for c in candidates)
        assert ranked[0].distance_m == nearest


@given(LAT, LON, LAT, LON, LAT, LON)
def test_the_distance_is_a_distance(a1, o1, a2, o2, a3, o3):
    assert distance_m(a1, o1, a1, o1) == 0
    assert distance_m(a1, o1, a2, o2) == distance_m(a2, o2, a1, o1)
    assert distance_m(a1, o1, a3, o3) <= distance_m(a1, o1, a2, o2) + distance_m(a2, o2, a3, o3) + 1


def test_one_degree_of_latitude_is_about_111_km():
    assert abs(distance_m(42.0, 74.0, 43.0, 74.0) - 111_195) < 10


@given(crews())
def test_without_coordinates_the_district_comes_first_then_the_longest_available(candidates):
    district = "KG/KG-GB/KG-GB-LEN"
    ranked = rank(candidates, None, None, district)
    by_sign = {c.call_sign: c for c in candidates}
    keys = [
        (not by_sign[r.call_sign].territory_path.startswith(district), by_sign[r.call_sign].since)
        for r in ranked
    ]
    assert keys == sorted(keys)
    assert all(r.distance_m is None for r in ranked)
