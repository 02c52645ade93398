"""A detainee remanded in custody leaves the IVS for a pre-trial detention facility: the IVS
register closes the stay and frees the place, but custody goes on — its term keeps running and
the days keep counting towards a sentence (CPC 101(1), 115)."""

from __future__ import annotations

from datetime import timedelta

from icjis.core import clock
from icjis.courts.verdicts import custody_record
from icjis.legal.counting import LOCAL_TZ
from icjis.legal.models import Deadline

TO = "СИЗО-1 ГСИН, г. Бишкек"


def remand(as_user, case, person):
    petition = as_user("investigator").act(
        "courts.measure.petition",
        {"person": person, "measure": "custody", "months": 2, "grounds": "может скрыться"},
        case=case,
    )
    assert petition.status_code == 201, petition.content
    number = petition.json()["result"]["petition"]
    assert as_user("prosecutor").act("courts.measure.consent", {"petition": number}, case=case)
    until = clock.now().astimezone(LOCAL_TZ).date() + timedelta(days=50)
    r = as_user("investigating_judge").act(
        "courts.measure.decide",
        {"petition": number, "granted": True, "until": until.isoformat()},
        case=case,
    )
    assert r.status_code == 201, r.content


def test_a_remanded_detainee_is_handed_over_and_custody_runs_on(
    as_user, open_case, suspect, admitted
):
    officer = as_user("ivs_officer")
    body = {"person": suspect, "to": TO}
    refused = officer.act("detention.transfer", body, case=open_case)
    assert refused.status_code == 409 and "not remanded" in refused.json()["message"]

    remand(as_user, open_case, suspect)
    r = officer.act("detention.transfer", body, case=open_case)
    assert r.status_code == 201, r.content
    assert r.json()["result"]["to"] == TO

    assert officer.get("/detention/held").json()["items"] == []
    facility = {f["code"]: f for f in officer.get("/detention/facilities").json()}["GB-IVS"]
    assert facility["occupancy"] == 0
    term = Deadline.objects.get(case_id=open_case, subject=suspect, rule="custody.term")
    assert term.state == "running"

    clock.advance(timedelta(days=10))
    record = custody_record(f"case/{open_case}", [suspect], clock.now())[suspect]
    assert record["in_custody"] is True and record["custody_days"] >= 11

    again = officer.act("detention.transfer", body, case=open_case)
    assert again.status_code == 409
