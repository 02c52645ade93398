"""Synthetic prison stories for `icjis seed --cases N` (all names invented): a case tried to a
verdict of imprisonment in force (`courts.seed.trial_plot`), the convict expected at the colony
of the region by the system, admitted with the sentence calculated, in some stories moved to
the other colony, head-counts submitted by the colony, and some released under an act of
amnesty or pardon — which closes the case. Steps whose moment depends on earlier acts skip
themselves (a data function returning None) until they can be done, so no act is refused."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from icjis.core.seeding import Story, generator

COLONY = {"": "GB-COL", "_osh": "OSH-COL"}
OTHER = {"": "_osh", "_osh": ""}


@dataclass(frozen=True)
class _As:
    """A step's actor named in full (the plot would add its site's suffix to a plain name);
    compared by value, so a story's steps stay reproducible for a seed."""

    username: str

    def __call__(self, state: dict[str, Any]) -> str:
        return self.username


def _expected(state: dict[str, Any]) -> list[dict[str, Any]]:
    return state.get("by_kind", {}).get("prisons.admission.expect", [])


def _done(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return state.get("by_kind", {}).get(kind, [])


@generator("imprisoned", weight=0.06)
def imprisoned(rng: random.Random, i: int) -> Story:
    """A convict admitted to the colony; some transferred, some released by amnesty or pardon."""
    from icjis.courts.seed import accused, trial_plot
    from icjis.registry.seed import _site

    suffix, region = _site(rng)
    plot = trial_plot(rng, site=(suffix, region), kinds=["imprisonment"])
    home, away = COLONY[suffix], COLONY[OTHER[suffix]]

    def admit(state: dict[str, Any]) -> dict[str, Any] | None:
        if not _expected(state) or _done(state, "prisons.admit"):
            return None
        return {"person": accused(state)[0], "facility": home}

    plot.then(plot.days(2, 9), "prison_officer", "prisons.admit", admit)
    moved = rng.random() < 0.2
    if moved:

        def transfer(state: dict[str, Any]) -> dict[str, Any] | None:
            if not _done(state, "prisons.admit") or _done(state, "prisons.transfer"):
                return None
            return {"person": accused(state)[0], "facility": away}

        plot.then(plot.days(5, 30), "prison_officer", "prisons.transfer", transfer)

    def count(state: dict[str, Any]) -> dict[str, Any] | None:
        from icjis.prisons.models import HELD, Prisoner

        if not _done(state, "prisons.admit") or _done(state, "prisons.headcount.submit"):
            return None
        if moved and not _done(state, "prisons.transfer"):
            return None
        facility = away if moved else home
        present = list(
            Prisoner.objects.filter(facility_id=facility, state=HELD)
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
        if present and rng.random() < 0.3:
            present = present[1:]  # someone missing from the count: the mismatch surfaces
        return {"facility": facility, "persons": present}

    officer = "prison_officer" + (OTHER[suffix] if moved else suffix)
    plot.then(plot.days(1, 10), _As(officer), "prisons.headcount.submit", count, case=False)
    if rng.random() < 0.2:
        grounds = rng.choice(["amnesty", "pardon"])
        document = "Закон КР об амнистии" if grounds == "amnesty" else "Указ Президента КР"

        def release(state: dict[str, Any]) -> dict[str, Any] | None:
            from icjis.core import clock
            from icjis.legal.counting import local_date

            if not _done(state, "prisons.admit") or _done(state, "prisons.release"):
                return None
            if moved and not _done(state, "prisons.transfer"):
                return None
            return {
                "person": accused(state)[0],
                "grounds": grounds,
                "document": f"{document} № {rng.randint(1, 300)}",
                "document_date": local_date(clock.now()).isoformat(),
            }

        plot.then(plot.days(10, 40), _As(officer), "prisons.release", release)
    return Story(plot.steps)
