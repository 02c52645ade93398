"""Demo people of the courts: each demo court's president (who orders judges' leave, sets the
assignment settings and reassigns cases) and two more appeal judges, so that an appeal court can
seat a panel of three (CPC 29(4)). Synthetic: no real person's data."""

from __future__ import annotations

from django.db import transaction

from icjis.core import clock
from icjis.core.demo import demo_password_hash
from icjis.core.models import Unit, User
from icjis.core.seeding import world_seeder

# (username, unit, roles)
PEOPLE = [
    ("court_president", "GB-SUD", ["court_president"]),
    ("court_president_osh", "OSH-SUD", ["court_president"]),
    ("appeal_judge_2", "GB-APP", ["appeal_judge"]),
    ("appeal_judge_3", "GB-APP", ["appeal_judge"]),
    ("appeal_judge_2_osh", "OSH-APP", ["appeal_judge"]),
    ("appeal_judge_3_osh", "OSH-APP", ["appeal_judge"]),
]


@world_seeder
@transaction.atomic
def seed_court_people() -> None:
    """Idempotent: users that exist are left alone; courts missing from the world are skipped."""
    units = {u.code: u for u in Unit.objects.filter(code__in={p[1] for p in PEOPLE})}
    password = demo_password_hash()
    for username, code, roles in PEOPLE:
        unit = units.get(code)
        if unit is None:
            continue
        User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": f"Demo {username}",
                "agency_id": unit.agency_id,
                "unit": unit,
                "roles": roles,
                "is_demo": True,
                "created_at": clock.now(),
                "password": password,
            },
        )
