"""Release on parole (the real `prisons.release`) hands the parolee to the probation office as
post-penitentiary supervision until the day the prison service recorded; completing it after
that day closes the case (CC 88, 90(2)-(3))."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from tests.courts.test_verdicts import created, refused
from tests.prisons.conftest import Convict, today

from icjis.core import clock
from icjis.core.execution import remaining
from icjis.legal.counting import end_of_day
from icjis.prisons.models import Prisoner
from icjis.probation.models import ProbationFile


def test_parole_puts_the_parolee_under_postpenitentiary_supervision(as_user):
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    n, person = con.number, con.person
    created(
        as_user("prison_officer").act("prisons.admit", {"person": person, "facility": "GB-COL"}, n)
    )
    entry = Prisoner.objects.get(case_id=n)
    clock.set_to(clock.now() + timedelta(days=(entry.parole_date - today()).days))
    decision = {
        "person": person,
        "grounds": "parole",
        "court": "GB-SUD",
        "document": "№ 4-512",
        "document_date": today().isoformat(),
    }
    body = created(as_user("prison_officer").act("prisons.release", decision, n))
    until = body["result"]["supervision_until"]
    [caused] = [r for r in body["reactions"] if r["event"]["kind"] == "probation.register"]
    f = ProbationFile.objects.get(pk=caused["result"]["file"])
    assert (f.type, f.source, f.office_id, f.ends_on.isoformat()) == (
        "postpenitentiary",
        "prison",
        "GB-PROB",
        until,
    )
    assert remaining(n) == {f"probation:{person}"}
    assert as_user("prosecutor").get(f"/cases/{n}").json()["stage"] == "execution"

    officer = as_user("probation_officer")
    assert refused(officer.act("probation.complete", {"person": person}, n), 409)
    clock.set_to(end_of_day(f.ends_on) + timedelta(minutes=1))
    done = created(officer.act("probation.complete", {"person": person}, n))
    assert done["result"]["case_closed"] is True
    assert as_user("prosecutor").get(f"/cases/{n}").json()["stage"] == "closed"
    call_command("rebuild_projections", check=True)
