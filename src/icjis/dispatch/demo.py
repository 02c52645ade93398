"""The demo's dispatch centres: once the cases are made, each demo police unit puts four crews on
duty, notes a hazard, and takes calls under the simulation clock, which moves forward minutes
at a time between the radio reports (nothing back-dated): two incidents cleared (one of them
registered as a crime report in one click), one with a crew on the scene — at the address of a
protection order in force where the unit has one — and one awaiting a crew. All synthetic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from icjis.core import acts, clock
from icjis.core.models import User
from icjis.core.seeding import after_cases
from icjis.offences.warnings import orders_in_force

# (username suffix, call-sign prefix, region, district, centre of the district)
SITES = [
    ("", "GB", "KG-GB", "KG-GB-LEN", (42.8746, 74.5698)),
    ("_osh", "OSH", "KG-O", "KG-O-KSU", (40.5283, 72.7985)),
]
CREW_OFFSETS = [(0.004, -0.006), (-0.012, 0.010), (0.015, 0.018), (-0.020, -0.015)]


def _perform(user: User, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return acts.perform(user, kind, data).result


def _minutes(n: float) -> None:
    clock.advance(timedelta(minutes=n))


def _send_first(user: User, incident: str) -> str:
    """Send the crew the system recommends, and return its call sign."""
    from icjis.dispatch.acts import ranking
    from icjis.dispatch.models import Incident

    first = ranking(user, Incident.objects.get(pk=incident))[0]["crew"]
    _perform(user, "dispatch.incident.dispatch", {"incident": incident, "crew": first})
    return first


def _site(
    suffix: str, prefix: str, region: str, district: str, centre: tuple[float, float]
) -> None:
    user = User.objects.filter(username=f"dispatcher{suffix}").first()
    if user is None:
        return
    lat, lon = centre
    for n, (dlat, dlon) in enumerate(CREW_OFFSETS, start=1):
        _perform(
            user,
            "dispatch.crew.on_duty",
            {
                "call_sign": f"{prefix}-{10 + n}",
                "kind": "patrol" if n < 4 else "traffic",
                "lat": lat + dlat,
                "lon": lon + dlon,
            },
        )
    hazard_address = "ул. Ленина, д. 15"
    _perform(
        user,
        "dispatch.hazard.record",
        {
            "kind": "weapons",
            "place": {"region": region, "district": district, "address": hazard_address},
            "note": "Зарегистрированное охотничье ружьё в квартире",
        },
    )

    def call(kind: str, address: str, summary: str, near: tuple[float, float] | None) -> str:
        place: dict[str, Any] = {"region": region, "district": district, "address": address}
        if near is not None:
            place.update(lat=lat + near[0], lon=lon + near[1])
        return _perform(
            user,
            "dispatch.call.receive",
            {"type": kind, "place": place, "summary": summary, "callback": "+996 555 000 000"},
        )["incident"]

    theft = call(
        "theft", "ул. Токтогула, д. 88", "Из припаркованной машины украли сумку", (0.002, -0.004)
    )
    _minutes(1.5)
    crew = _send_first(user, theft)
    _minutes(6)
    _perform(user, "dispatch.incident.arrive", {"incident": theft, "crew": crew})
    _minutes(12)
    _perform(
        user,
        "registry.report.register",
        {
            "channel": "dispatch",
            "summary": "Кража сумки из автомобиля",
            "place": {"region": region, "district": district, "address": "ул. Токтогула, д. 88"},
            "reference": theft,
        },
    )
    _perform(
        user, "dispatch.incident.clear", {"incident": theft, "disposition": "report_registered"}
    )

    noise = call("disturbance", "мкр. Джал, д. 7", "Шумная компания во дворе", (-0.010, 0.008))
    _minutes(2)
    crew = _send_first(user, noise)
    _minutes(9)
    _perform(user, "dispatch.incident.arrive", {"incident": noise, "crew": crew})
    _minutes(8)
    _perform(
        user, "dispatch.incident.clear", {"incident": noise, "disposition": "resolved_on_scene"}
    )

    order = orders_in_force(clock.now()).filter(unit__code=user.unit_id).order_by("number").first()
    address = order.address if order is not None else hazard_address
    violence = call("family_violence", address, "Соседи слышат крики и удары", (0.006, 0.003))
    _minutes(1)
    crew = _send_first(user, violence)
    _minutes(5)
    _perform(user, "dispatch.incident.arrive", {"incident": violence, "crew": crew})
    _minutes(3)
    call("traffic", "пр. Чуй / ул. Советская", "Столкновение двух машин без пострадавших", None)
    _minutes(2)


@after_cases
def dispatch_demo() -> None:
    if settings.PRODUCTION:
        return
    for site in SITES:
        _site(*site)
