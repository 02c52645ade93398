"""The detention projections are rebuilt exactly by replaying the ledger."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from icjis.core import clock
from icjis.core.models import PersonSighting
from icjis.detention.models import Detention, Movement


def test_replaying_a_detention_history_rebuilds_the_same_registers(
    as_user, open_case, add_person, suspect, arrest, admitted, capsys
):
    officer, medic = as_user("ivs_officer"), as_user("ivs_medic")
    child = add_person(surname="Үсөнов", birth_date=f"{clock.now().year - 15}-03-01")
    steps = [
        (medic, "detention.medical_exam", {"person": suspect, "injuries": True, "notes": "Ушиб"}),
        (
            officer,
            "detention.effects.record",
            {"person": suspect, "items": [{"description": "Часы"}]},
        ),
        (officer, "detention.cell_move", {"person": suspect, "cell": "4"}),
        (officer, "detention.depart", {"person": suspect, "purpose": "investigation"}),
        (officer, "detention.return", {"person": suspect}),
        (officer, "detention.complaint", {"person": suspect, "text": "Холодно в камере"}),
    ]
    for api, kind, data in steps:
        r = api.act(kind, data, case=open_case)
        assert r.status_code == 201, (kind, r.content)
    assert arrest(child, ago=timedelta(hours=5)).status_code == 201
    clock.advance(timedelta(hours=30))
    r = officer.act(
        "detention.release", {"person": suspect, "grounds": "term_expired"}, case=open_case
    )
    assert r.status_code == 201
    assert Detention.objects.count() == 2 and Movement.objects.count() == 7
    # The lists named the detainees: their sightings are rebuilt too, counts and days alike.
    for _ in range(2):
        assert officer.get("/detention/held").status_code == 200
        assert officer.get("/detention/register").status_code == 200
    assert PersonSighting.objects.filter(person=suspect).count() == 1  # released: register only
    assert PersonSighting.objects.get(person=child, subject="held:visible").times == 2
    call_command("rebuild_projections", check=True)
    assert "live tables identical" in capsys.readouterr().out
