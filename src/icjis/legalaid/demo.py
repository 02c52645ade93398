"""Demo reference data of legal aid: advocates in the register and a round-the-clock duty roster
for the demo districts, recorded through acts of the demo coordinators so the register and the
rosters are in the ledger like any other. Idempotent: what exists is left alone; a roster is set
again only when less than a month of it is left."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from icjis.core import acts, clock
from icjis.core.canonical import iso
from icjis.core.models import User
from icjis.core.seeding import world_seeder
from icjis.legalaid.models import Advocate, DutyShift

LOCAL = ZoneInfo("Asia/Bishkek")
ROSTER_DAYS = 400
SHIFT_CHANGE_HOUR = 8  # local time
# (coordinator, district, region, [(licence, username, full name)] in the order they are asked)
SITES = [
    (
        "legal_aid_coordinator",
        "KG-GB-LEN",
        "KG-GB",
        [
            ("GB-0001", "lawyer", "Асанова Айгүл Бакытовна"),
            ("GB-0002", "lawyer_2", "Иванов Сергей"),
        ],
    ),
    (
        "legal_aid_coordinator_osh",
        "KG-O-KSU",
        "KG-O",
        [
            ("OSH-0001", "lawyer_osh", "Ташиев Нурлан Асанович"),
            ("OSH-0002", "lawyer_2_osh", "Мамытова Жыпар"),
        ],
    ),
]
EXTRA_LAWYERS = (("lawyer_2", "lawyer"), ("lawyer_2_osh", "lawyer_osh"))


def _add_lawyers() -> None:
    """Second demo lawyers, in the same bar chambers as `lawyer` and `lawyer_osh`."""
    for username, model_name in EXTRA_LAWYERS:
        model = User.objects.filter(username=model_name).first()
        if model is None or User.objects.filter(username=username).exists():
            continue
        User.objects.create(
            username=username,
            full_name=f"Demo {username}",
            agency_id=model.agency_id,
            unit_id=model.unit_id,
            roles=["lawyer"],
            language=model.language,
            is_demo=True,
            created_at=clock.now(),
            password=model.password,
        )


def _first_shift_start(now: datetime) -> datetime:
    local = now.astimezone(LOCAL)
    start = local.replace(hour=SHIFT_CHANGE_HOUR, minute=0, second=0, microsecond=0)
    if start > local:
        start -= timedelta(days=1)
    return start


def _roster(start: datetime, licences: list[str]) -> list[dict[str, object]]:
    return [
        {
            "starts_at": iso(start + timedelta(days=d)),
            "ends_at": iso(start + timedelta(days=d + 1)),
            "advocates": licences,
        }
        for d in range(ROSTER_DAYS)
    ]


@world_seeder
def seed_legal_aid() -> None:
    """Register the demo advocates and give each demo district a 24-hour duty roster for the
    next 400 days (`lawyer` first, then `lawyer_2`; in Osh `lawyer_osh`, then `lawyer_2_osh`)."""
    if settings.PRODUCTION:
        return
    _add_lawyers()
    now = clock.now()
    for coordinator_name, district, region, advocates in SITES:
        coordinator = User.objects.filter(username=coordinator_name).first()
        if coordinator is None:
            continue
        for licence, username, full_name in advocates:
            if Advocate.objects.filter(pk=licence).exists():
                continue
            if not User.objects.filter(username=username).exists():
                continue
            acts.perform(
                coordinator,
                "legalaid.advocate.register",
                {
                    "licence": licence,
                    "username": username,
                    "full_name": full_name,
                    "status": "active",
                    "languages": ["ky", "ru"],
                    "region": region,
                    "specialisations": ["criminal"],
                },
            )
        covered = (
            DutyShift.objects.filter(
                district=district, starts_at__lte=now, ends_at__gt=now
            ).exists()
            and DutyShift.objects.filter(
                district=district, ends_at__gte=now + timedelta(days=30)
            ).exists()
        )
        licences = [lic for lic, _, _ in advocates if Advocate.objects.filter(pk=lic).exists()]
        if covered or not licences:
            continue
        acts.perform(
            coordinator,
            "legalaid.roster.set",
            {"district": district, "shifts": _roster(_first_shift_start(now), licences)},
        )
