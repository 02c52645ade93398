"""Demo reference data of temporary detention: the cells of the demo facilities."""

from __future__ import annotations

from django.db import transaction

from icjis.core.models import Unit
from icjis.core.seeding import world_seeder
from icjis.detention.models import Cell

DEMO_FACILITIES = ("GB-IVS", "OSH-IVS")
CELLS_PER_FACILITY = 10
PLACES_PER_CELL = 4


@world_seeder
@transaction.atomic
def seed_cells() -> None:
    """Ten cells of four places in each demo facility (40 places, the facility's capacity).
    Idempotent: cells that exist are left alone."""
    for facility in Unit.objects.filter(code__in=DEMO_FACILITIES, kind="ivs"):
        for n in range(1, CELLS_PER_FACILITY + 1):
            Cell.objects.get_or_create(
                code=f"{facility.code}-{n:02d}",
                defaults={"facility": facility, "number": str(n), "capacity": PLACES_PER_CELL},
            )
