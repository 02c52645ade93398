"""Synthetic enforcement stories for `icjis seed --cases N` (all names invented): a case tried to
a verdict of a fine in force (`courts.seed.trial_plot`), the enforcement file opened by the
system, in some stories a schedule of two instalments, a first payment and — in most — the rest,
which closes the file and the case; the others stay with a balance (and fall into arrears once
their day passes). Steps whose moment depends on earlier acts skip themselves."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from icjis.core.seeding import Story, generator


def _done(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return state.get("by_kind", {}).get(kind, [])


def _open_file(state: dict[str, Any]) -> Any:
    from icjis.fines.models import FineFile

    opened = _done(state, "fines.file.open")
    if not opened:
        return None
    return FineFile.objects.filter(pk=opened[0]["fine"], state="open").first()


@generator("fined", weight=0.05)
def fined(rng: random.Random, i: int) -> Story:
    """A fine paid in one or two parts (some on instalments), or left partly unpaid."""
    from icjis.courts.seed import trial_plot
    from icjis.registry.seed import _site

    suffix, region = _site(rng)
    plot = trial_plot(rng, site=(suffix, region), kinds=["fine"])
    share = Decimal(rng.choice(["0.3", "0.5", "0.6"]))
    if rng.random() < 0.5:

        def grant(state: dict[str, Any]) -> dict[str, Any] | None:
            from icjis.core import clock
            from icjis.legal.counting import local_date

            f = _open_file(state)
            if f is None or _done(state, "fines.instalments.grant"):
                return None
            today = local_date(clock.now())
            first = (f.amount * share).quantize(Decimal("0.01"))
            second_day = min(today + timedelta(days=45), f.due_on)
            return {
                "fine": f.id,
                "grounds": "Низкий доход осуждённого (УК 65(2))",
                "instalments": [
                    {"due_on": (today + timedelta(days=15)).isoformat(), "amount": str(first)},
                    {"due_on": second_day.isoformat(), "amount": str(f.amount - first)},
                ],
            }

        plot.then(plot.days(2, 6), "enforcement_officer", "fines.instalments.grant", grant)

    def first_payment(state: dict[str, Any]) -> dict[str, Any] | None:
        f = _open_file(state)
        if f is None or _done(state, "fines.payment.record"):
            return None
        amount = (f.amount * share).quantize(Decimal("0.01"))
        return {"fine": f.id, "amount": str(amount), "reference": f"КВ-{rng.randint(1000, 9999)}"}

    plot.then(plot.days(5, 14), "enforcement_officer", "fines.payment.record", first_payment)
    if rng.random() < 0.8:

        def rest(state: dict[str, Any]) -> dict[str, Any] | None:
            f = _open_file(state)
            if f is None or len(_done(state, "fines.payment.record")) != 1:
                return None
            return {"fine": f.id, "amount": str(f.amount - f.paid)}

        plot.then(plot.days(20, 40), "enforcement_officer", "fines.payment.record", rest)
    return Story(plot.steps)
