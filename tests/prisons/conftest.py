"""A convict walked through the API from the report to a verdict of imprisonment in force, at
fixed days of the simulation clock, so the sentence calculation can be checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tests.courts.test_measures import custody_for, decide, petitioned_and_consented
from tests.courts.test_verdicts import THEFT, created

from icjis.core import clock
from icjis.core.canonical import iso
from icjis.courts.models import CourtCase
from icjis.legal.counting import LOCAL_TZ, local_date

PRISON = {"kind": "imprisonment", "months": 36, "regime": "general"}
ACCUSED = {"surname": "Токтогулов", "given_name": "Азамат", "birth_date": "1990-04-11", "sex": "M"}
SECOND = {"surname": "Исмаилова", "given_name": "Гүлнара", "birth_date": "1993-09-20", "sex": "F"}


def local(y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=LOCAL_TZ).astimezone(UTC)


def today() -> date:
    return local_date(clock.now())


class Convict:
    """A theft case (CC 205(3), less grave) in Bishkek: each accused arrested on day A at 07:00
    and held in temporary detention, custody ordered by the investigating judge on day A+1,
    indicted, tried and convicted; the verdict enters into force 31 days after its copy is
    served. `at_liberty` persons are not arrested (`house_arrest`: put under house arrest by
    the investigating judge on day A+1 instead)."""

    def __init__(
        self,
        as_user: Any,
        *,
        accused: tuple[dict[str, Any], ...] = (ACCUSED,),
        at_liberty: bool = False,
        house_arrest: bool = False,
        region: str = "KG-GB",
        court: str = "GB-SUD",
        suffix: str = "",
    ) -> None:
        self.as_user = as_user
        self.suffix = suffix
        self.court = court
        u = self.user
        body = created(
            u("registrar").act(
                "registry.report.register",
                {"channel": "in_person", "summary": "Кража", "place": {"region": region}},
            )
        )
        self.number = n = body["result"]["case"]
        inv = u("investigator")
        created(u("unit_head").act("registry.case.assign", {"officer": "investigator" + suffix}, n))
        created(inv.act("registry.case.open", THEFT, n))
        self.persons = []
        self.arrested_on = today()
        for person in accused:
            p = created(
                inv.act("registry.participant.add", {"role": "suspect", "person": person}, n)
            )
            pid = p["result"]["person"]
            self.persons.append(pid)
            if not at_liberty:
                arrest = {
                    "person": pid,
                    "detained_at": iso(clock.now() - timedelta(hours=2)),
                    "place": "ул. Токтогула",
                    "grounds": "Застигнут при совершении (CPC 96(2))",
                }
                created(inv.act("detention.arrest", arrest, n))
            counsel = {"person": pid, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
            created(inv.act("legalaid.private_counsel", counsel, n))
            created(inv.act("registry.suspicion.notify", {"person": pid}, n))
        self.person = self.persons[0]
        if at_liberty and house_arrest:
            clock.advance(timedelta(days=1))
            self.house_arrest_on = today()
            for pid in self.persons:
                pet = petitioned_and_consented(self._as, n, pid, measure="house_arrest")
                assert decide(self._as, n, pet).status_code == 201
        if not at_liberty:
            clock.advance(timedelta(days=1))
            self.custody_on = today()
            for pid in self.persons:
                custody_for(self._as, n, pid)
        for pid in self.persons:
            created(inv.act("registry.charge", {"person": pid, **THEFT}, n))
        created(inv.act("registry.indictment.submit", {}, n))
        created(u("prosecutor").act("registry.indictment.approve", {"court": court}, n))
        self.judge = CourtCase.objects.get(case_id=n, instance="first").judge

    def user(self, name: str) -> Any:
        return self.as_user(name if name.startswith(("judge", "appeal")) else name + self.suffix)

    def _as(self, name: str) -> Any:
        return self.user(name)

    def convict(
        self,
        *sentences: dict[str, Any],
        rows: list[dict[str, Any]] | None = None,
        serve: bool = True,
    ) -> str:
        """Open the trial 6 days on, deliver the verdict (one sentence per accused, 36 months
        by default) and serve its copy; returns the ECLI."""
        from tests.courts.test_verdicts import unshifted_term

        judge = self.as_user(self.judge)
        starts = clock.now() + timedelta(days=6)
        body = created(
            judge.act(
                "courts.hearing.schedule", {"starts_at": iso(starts), "room": "3"}, self.number
            )
        )
        clock.advance(timedelta(days=6, minutes=1))
        created(judge.act("courts.trial.open", {"hearing": body["result"]["hearing"]}, self.number))
        unshifted_term()
        rows = rows or [
            {"person": p, "outcome": "convicted", **THEFT, "sentence": s}
            for p, s in zip(self.persons, sentences or [PRISON] * len(self.persons), strict=True)
        ]
        verdict = created(judge.act("courts.verdict.deliver", {"defendants": rows}, self.number))
        if serve:
            for p in self.persons:
                created(
                    self.user("court_clerk").act("courts.verdict.serve", {"person": p}, self.number)
                )
        return verdict["result"]["verdict"]

    def enter_into_force(self) -> dict[str, Any]:
        clock.advance(timedelta(days=31))
        body = created(
            self.user("court_clerk").act("courts.verdict.enter_into_force", {}, self.number)
        )
        self.in_force_on = today()
        return body


@pytest.fixture
def fixed_clock(db: None) -> None:
    """Monday 3 February 2031, 09:00 in Bishkek: the days below are computed by hand from it."""
    clock.set_to(local(2031, 2, 3))
