"""The API's refusals in the caller's language: English unless Accept-Language asks for Kyrgyz or
Russian, the language named in Content-Language; the error codes never change."""

from __future__ import annotations

from django.test import Client
from tests.web.i18n import catalogue

NO_CASE = {
    "en": "No such case, or it is not visible to you.",
    "ru": "Такого дела нет, или оно вам недоступно.",
    "ky": "Мындай иш жок, же ал сизге көрүнбөйт.",
}


def _missing_case(api, accept: str | None):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept is not None else {}
    return api.client.get("/api/v1/cases/GB-2099-999999", **headers)


def test_a_refusal_is_said_in_the_language_the_caller_asks_for(as_user):
    api = as_user("investigator")
    for accept, language in [
        ("ky", "ky"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-GB,ru;q=0.5", "en"),
        ("fr-FR, de;q=0.8, ky;q=0.3", "ky"),  # the first the catalogues have, by weight
        ("fr, de", "en"),  # none of them: English
        ("", "en"),
        (None, "en"),
    ]:
        r = _missing_case(api, accept)
        assert r.status_code == 404, accept
        assert r.json() == {"error": "not_found", "message": NO_CASE[language]}, accept
        assert r["Content-Language"] == language, accept
        assert "Accept-Language" in r["Vary"], accept


def test_a_refusal_with_values_keeps_them_in_the_translated_sentence(as_user):
    api = as_user("investigator")
    body = {"kind": "registry.no_such_act", "data": {}}
    r = api.client.post(
        "/api/v1/acts", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid",
        "message": "Действия с названием 'registry.no_such_act' нет; см. /api/v1/acts/catalogue.",
    }


def test_a_malformed_body_an_unknown_caller_and_a_refused_login_are_said_in_the_asked_language(
    as_user,
):
    api = as_user("investigator")
    r = api.client.post(
        "/api/v1/acts", {"data": {}}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ky"
    )
    assert r.status_code == 400 and r["Content-Language"] == "ky"
    assert r.json()["error"] == "invalid" and "kind" in r.json()["fields"]
    assert r.json()["message"].startswith("«kind» талаасын текшериңиз: ")
    anonymous = Client()
    r = anonymous.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 401 and r["Content-Language"] == "ru"
    assert r.json() == {
        "error": "unauthenticated",
        "message": "Войдите в систему или передайте действующий токен доступа.",
    }
    r = anonymous.post(
        "/api/v1/auth/token",
        {"username": "investigator", "password": "wrong"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ky",
    )
    assert r.status_code == 401 and r["Content-Language"] == "ky"
    assert r.json()["error"] == "unauthenticated"
    assert r.json()["message"] == catalogue("ky")["Wrong username or password."]["str"]


def test_the_api_follows_neither_the_pages_language_cookie_nor_the_sites_default(as_user):
    api = as_user("investigator")
    api.client.cookies["django_language"] = "ky"
    r = _missing_case(api, None)
    assert r.json()["message"] == NO_CASE["en"] and r["Content-Language"] == "en"
    r = api.client.get("/api/v1/clock")  # an answer, not an error: English too
    assert r.status_code == 200 and r["Content-Language"] == "en"
    r = api.client.get("/api/v1/clock", HTTP_ACCEPT_LANGUAGE="ru")
    assert r["Content-Language"] == "ru" and "Accept-Language" in r["Vary"]


def test_errors_made_before_a_request_reaches_the_api_are_said_in_the_asked_language(as_user):
    """An unknown address, a method not allowed, a NUL character (`core.middleware`)."""
    client = as_user("investigator").client
    unknown = "There is no such API address; see %(docs)s."
    r = client.get("/api/v1/no-such-address", HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 404 and r["Content-Language"] == "ru"
    expected = str(catalogue("ru")[unknown]["str"]) % {"docs": "/api/v1/docs"}
    assert r.json() == {"error": "not_found", "message": expected}
    r = client.get("/api/v1/no-such-address")
    assert r.json()["message"] == "There is no such API address; see /api/v1/docs."
    r = client.delete("/api/v1/clock", HTTP_ACCEPT_LANGUAGE="ky")
    assert r.status_code == 405 and r["Content-Language"] == "ky"
    assert r.json()["message"].startswith("Бул жерде DELETE ")
    r = client.get("/api/v1/persons", {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="ky")
    assert r.status_code == 400
    assert r.json()["message"] == catalogue("ky")["The request contains a NUL character."]["str"]


def test_text_goes_as_utf_8_not_as_escapes(as_user):
    """A Cyrillic sentence or name is sent as UTF-8 (two bytes a letter, not six), in an answer
    and in an error alike; control characters stay escaped."""
    api = as_user("registrar")
    report = {"channel": "in_person", "summary": "Кража\tтелефона", "place": {"region": "KG-GB"}}
    created = api.act("registry.report.register", report)
    assert created.status_code == 201, created.content
    raw = api.client.get(f"/api/v1/cases/{created.json()['result']['case']}").content.decode()
    assert '"summary": "Кража\\tтелефона"' in raw and "\\u04" not in raw
    raw = _missing_case(api, "ru").content.decode()
    assert NO_CASE["ru"] in raw and "\\u04" not in raw
