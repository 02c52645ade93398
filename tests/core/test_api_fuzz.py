"""Schemathesis over the OpenAPI of the write endpoints: no 500, every 4xx a JSON
{error, message}, and the ledger unchanged after a rejected write."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from icjis.core.auth import issue_token
from icjis.core.demo import seed_world
from icjis.core.models import Event, User
from icjis.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
write_endpoints = schema.include(method="POST")


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calling the WSGI app directly would close the test's connection at each request end
    (Django's test client does the same disconnection)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def non_read_events() -> int:
    return Event.objects.exclude(kind="access.read").count()


@pytest.mark.django_db
@write_endpoints.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_endpoints_answer_bad_input_with_json_4xx_and_write_nothing(
    case, keep_test_connection
):
    if not User.objects.exists():
        seed_world()
    token, _ = issue_token(User.objects.get(username="registrar"))
    before = non_read_events()
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"} and body["message"], body
        assert non_read_events() == before


def test_a_nul_character_is_refused_before_it_reaches_a_query(as_user):
    """PostgreSQL cannot keep a NUL in text: refused with a 400 in the query string and in a JSON
    body alike, whatever the endpoint, and nothing is written."""
    from icjis.core.models import Event

    api = as_user("registrar")
    before = Event.objects.count()
    r = api.get("/courts/cases", q="a\x00b")
    assert r.status_code == 400 and r.json()["error"] == "invalid"
    report = {"channel": "in_person", "summary": "Кража\u0000", "place": {"region": "KG-GB"}}
    r = api.act("registry.report.register", report)
    assert r.status_code == 400 and "NUL" in r.json()["message"]
    assert Event.objects.count() == before
