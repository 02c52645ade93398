"""No personal data in logs: a contour run over HTTP against gunicorn at DEBUG log level — a
report with an applicant, a suspect, searches, reads, refusals — and then the server's whole log
(application and access log) is searched for the PINs and names used, in Cyrillic and in our
Latin form."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from tests.reliability.server import call

from icjis.core.names import to_latin

pytestmark = pytest.mark.postgres

APPLICANT = {
    "pin": "11505199000123",  # 1 = female, born 15.05.1990
    "surname": "Жумабаева",
    "given_name": "Чолпонай",
    "patronymic": "Токтосуновна",
    "birth_date": "1990-05-15",
    "sex": "F",
}
SUSPECT = {
    "pin": "20302198500457",  # 2 = male, born 03.02.1985
    "surname": "Бейшекеев",
    "given_name": "Мырзабек",
    "patronymic": "Осмонович",
    "birth_date": "1985-02-03",
    "sex": "M",
}


def test_the_server_log_of_a_contour_run_holds_no_pin_or_name(server):
    registrar, investigator = server.token("registrar"), server.token("investigator")
    auditor = server.token("auditor")
    port = server.port
    status, _, body = call(
        port,
        "POST",
        "/api/v1/acts",
        {
            "kind": "registry.report.register",
            "data": {
                "channel": "in_person",
                "summary": f"{SUSPECT['surname']} отнял телефон у заявителя",
                "place": {"region": "KG-GB"},
                "applicant": APPLICANT,
            },
        },
        registrar,
    )
    assert status == 201, body
    number = body["result"]["case"]
    status, _, body = call(
        port,
        "POST",
        "/api/v1/acts",
        {
            "kind": "registry.participant.add",
            "case": number,
            "data": {"role": "suspect", "person": SUSPECT},
        },
        investigator,
    )
    assert status == 201, body
    person = body["result"]["person"]
    wrong_pin = {**SUSPECT, "pin": "20302198500458", "birth_date": "1986-02-03"}
    status, _, _ = call(
        port,
        "POST",
        "/api/v1/acts",
        {
            "kind": "registry.participant.add",
            "case": number,
            "data": {"role": "witness", "person": wrong_pin},
        },
        investigator,
    )
    assert status == 400
    for path in (
        f"/api/v1/persons?q={quote(SUSPECT['surname'])}",
        f"/api/v1/persons?q={to_latin(APPLICANT['surname'])}",
        f"/api/v1/persons?q={SUSPECT['pin']}",
        f"/api/v1/persons/{person}",
        f"/api/v1/cases/{number}",
        f"/api/v1/cases/{number}/timeline",
        f"/api/v1/audit/access?person={person}",
    ):
        assert call(port, "GET", path, token=auditor)[0] == 200, path
    # Failures are logged too: a wrong password for a user named like the suspect, an outsider.
    call(
        port,
        "POST",
        "/api/v1/auth/token",
        {"username": SUSPECT["surname"], "password": APPLICANT["pin"]},
    )
    assert call(port, "GET", f"/api/v1/persons/{person}", token=server.token("analyst"))[0] == 404
    server.stop()

    log = server.log.read_text(encoding="utf-8")
    assert "/api/v1/acts" in log, "the log is empty; the test proved nothing"
    secrets = {
        value
        for who in (APPLICANT, SUSPECT, wrong_pin)
        for key in ("pin", "surname", "given_name", "patronymic")
        for value in (who[key], to_latin(who[key]), quote(who[key]))
    }
    found = sorted(s for s in secrets if s in log or s.lower() in log.lower())
    assert found == [], f"personal data in the server log: {found}"
