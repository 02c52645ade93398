"""Which unit serves a place: the deepest unit of a kind whose territory holds it, in one query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from icjis.core.models import Agency, Territory, Unit
from icjis.core.units import ancestors, unit_covering, unit_serving


def test_ancestors_are_the_prefixes_of_the_path() -> None:
    assert ancestors("KG/KG-GB/KG-GB-LEN/") == ["KG/", "KG/KG-GB/", "KG/KG-GB/KG-GB-LEN/"]
    assert ancestors("KG/") == ["KG/"]
    assert ancestors("") == []


@given(st.lists(st.text("ABCKG-", min_size=1, max_size=5), min_size=1, max_size=5))
def test_every_ancestor_holds_the_path_and_the_deepest_is_the_path(parts: list[str]) -> None:
    path = "/".join(parts) + "/"
    held = ancestors(path)
    assert held[-1] == path and len(held) == len(parts)
    assert all(path.startswith(a) for a in held)
    assert [len(a) for a in held] == sorted(len(a) for a in held)


def test_the_deepest_covering_unit_is_found_in_one_query(world) -> None:
    with CaptureQueriesContext(connection) as queries:
        prison = unit_covering("KG/KG-GB/KG-GB-LEN/", "prison")
    assert prison is not None and prison.code == "GB-COL"
    assert len(queries.captured_queries) == 1
    assert unit_covering("KG/KG-O/KG-O-KSU/", "prison").code == "OSH-COL"
    # A probation office placed on a district is deeper than one placed on the region.
    region = Unit.objects.get(code="GB-PROB")
    Unit.objects.create(
        code="GB-PROB-CITY",
        agency=Agency.objects.get(pk=region.agency_id),
        territory=Territory.objects.get(code="KG-GB"),
        kind="probation_office",
        level="region",
        name_ky="x",
        name_ru="x",
        name_en="City probation",
    )
    assert unit_covering("KG/KG-GB/KG-GB-LEN/", "probation_office").code == "GB-PROB"
    assert unit_covering("KG/KG-GB/", "probation_office").code == "GB-PROB-CITY"
    # Nothing of the kind covers the country as a whole, nor an unknown kind anywhere.
    assert unit_covering("KG/", "prison") is None
    assert unit_covering("KG/KG-GB/KG-GB-LEN/", "no_such_kind") is None


def test_serving_falls_back_to_the_first_unit_of_the_region(world) -> None:
    # No probation office sits on this district of Osh oblast; the oblast's first office serves it.
    assert unit_covering("KG/KG-O/KG-O-ELSEWHERE/", "probation_office") is None
    assert unit_serving("KG/KG-O/KG-O-ELSEWHERE/", "probation_office").code == "OSH-PROB"
    assert unit_serving("KG/KG-GB/KG-GB-LEN/", "probation_office").code == "GB-PROB"
    assert unit_serving("KG/KG-NONE/", "probation_office") is None


def test_every_demo_unit_is_named_in_each_language_with_its_territory(world) -> None:
    """The demo world's units carry Kyrgyz and Russian names of their own (the pages show the
    name in the user's language), each followed by the name of its region (a district's unit:
    its district's region) in that language."""
    import re

    latin = re.compile(r"[A-Za-z]")
    units = list(Unit.objects.select_related("territory__parent"))
    assert units
    for unit in units:
        place = unit.territory.parent if unit.territory.level == "district" else unit.territory
        assert unit.name_en.endswith(", " + place.name_en), unit.code
        assert unit.name_ru.endswith(", " + place.name_ru), unit.code
        assert unit.name_ky.endswith(", " + place.name_ky), unit.code
        assert not latin.search(unit.name_ru) and not latin.search(unit.name_ky), unit.code
