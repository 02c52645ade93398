"""Schemathesis over every GET endpoint of the OpenAPI (the write endpoints are fuzzed in
tests/core/test_api_fuzz.py, whose schema and connection fixture this reuses), with a fixed
budget per endpoint: no 500, and every 4xx a JSON {error, message}. Read as the auditor (national
scope, so the deepest read paths run) and as an outsider role without case scope."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from tests.core.test_api_fuzz import keep_test_connection, schema  # noqa: F401 - fixture

from icjis.core.auth import issue_token
from icjis.core.demo import seed_world
from icjis.core.models import User

read_endpoints = schema.include(method="GET")


@pytest.mark.django_db
@read_endpoints.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("reader", ["auditor", "analyst"])
def test_read_endpoints_answer_any_input_without_a_server_error(case, keep_test_connection, reader):  # noqa: F811
    if not User.objects.exists():
        seed_world()
    token, _ = issue_token(User.objects.get(username=reader))
    # A savepoint, so that a request failing in the database (on PostgreSQL the test's whole
    # transaction is then aborted) leaves the next example a working connection.
    savepoint = transaction.savepoint()
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"} and body["message"], body
