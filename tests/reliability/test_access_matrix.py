"""The access matrix: every role (core.roles) × every GET endpoint of the OpenAPI × an object in
the reader's scope and one outside it.

Generated, so a new endpoint cannot escape it: the endpoints come from the OpenAPI document
and every path parameter is filled in (a case number or person id where the parameter names
one, an id that does not exist otherwise). The expected answer comes from the role's read
scope in `core.roles` and the reader's unit, territory and agency — computed here, not by
asking `core.access`:
- case and person details: 200 when the scope covers the case, else 404 (missing and forbidden
  look the same); a role that reads only its part of a file (`core.visibility`) opens the
  defendants' records alone, so not the story's applicant;
- every other endpoint: never a 5xx, never 401 with a valid token, 401 JSON without one; an
  object that does not exist is 403/404; and no answer to a reader whose scope does not cover
  the out-of-scope case mentions that case's number or its person (id or surname) — lists
  included;
- the in-scope case appears in `/cases` for every reader whose scope covers it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from icjis.core import acts
from icjis.core.api import api
from icjis.core.auth import issue_token
from icjis.core.models import Case, Person, User
from icjis.core.roles import ROLES, widest_scope
from icjis.core.visibility import PARTIAL_ROLES

MISSING = "ZZ-NOT-THERE-9"


def get_endpoints() -> list[tuple[str, dict[str, Any]]]:
    import icjis.urls  # noqa: F401 - mounts every module's router on the API

    paths = api.get_openapi_schema()["paths"]
    return sorted((p, ops["get"]) for p, ops in paths.items() if "get" in ops)


def expected_case_answer(user: User, case: Case) -> int:
    """What the role definitions say `user` gets for `case`: 200 or 404."""
    scope = widest_scope(list(user.roles))
    holders = set(case.units.values_list("unit_id", flat=True)) | {case.unit_id}
    if scope == "national":
        return 200
    if scope == "unit":
        return 200 if user.unit_id in holders else 404
    if scope == "region":
        inside = case.territory_path.startswith(user.unit.territory.path)
        return 200 if inside or user.unit_id in holders else 404
    if scope == "agency":
        agencies = {case.unit.agency_id} | set(case.units.values_list("unit__agency_id", flat=True))
        return 200 if user.agency_id in agencies else 404
    return 404  # none; own (nobody is assigned to these cases)


def fill(path: str, op: dict[str, Any], case: Case, person: Person) -> tuple[str, dict]:
    values = {"number": case.number, "person_id": person.id, "person": person.id, "kind": "units"}
    params: dict[str, Any] = {}
    for p in op.get("parameters", []):
        name = p["name"]
        if p["in"] == "path":
            path = path.replace("{" + name + "}", values.get(name, MISSING))
        elif p.get("required"):
            params[name] = {"q": person.surname, "person": person.id}.get(name, "x")
    return path, params


def story(registrar: User, region: str, surname: str) -> tuple[Case, Person]:
    outcome = acts.perform(
        registrar,
        "registry.report.register",
        {
            "channel": "in_person",
            "summary": "Кража велосипеда",
            "place": {"region": region},
            "applicant": {"surname": surname, "given_name": "Жылдыз", "sex": "F"},
        },
    )
    case = Case.objects.get(number=outcome.result["case"])
    person = Person.objects.get(surname=surname)
    return case, person


def reader_for(role: str, world: dict[str, User]) -> User:
    holders = [u for u in world.values() if role in u.roles and not u.username.endswith("_osh")]
    if holders:
        return sorted(holders, key=lambda u: u.username)[0]
    # A role no demo account holds (e.g. an integration client): one in the registrar's unit.
    base = world["registrar"]
    return User.objects.create(
        username=f"matrix_{role}",
        full_name=f"Matrix {role}",
        agency=base.agency,
        unit=base.unit,
        roles=[role],
        created_at=base.created_at,
    )


def test_the_matrix_covers_every_role_and_get_endpoint():
    paths = [p for p, _ in get_endpoints()]
    assert "/api/v1/cases/{number}" in paths and "/api/v1/persons/{person_id}" in paths
    assert len(paths) >= 20
    assert set(ROLES) >= {"registrar", "auditor", "analyst", "lawyer"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_get_endpoint_answers_the_role_as_its_scope_says(world, role):
    inside, inside_person = story(world["registrar"], "KG-GB", "Матрицаева")
    outside, outside_person = story(world["registrar_osh"], "KG-O", "Четтеева")
    reader = reader_for(role, world)
    token, _ = issue_token(reader)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    anonymous = Client()
    may_see_outside = expected_case_answer(reader, outside) == 200
    problems: list[str] = []

    for template, op in get_endpoints():
        for case, person, label in (
            (inside, inside_person, "in scope"),
            (outside, outside_person, "out of scope"),
        ):
            path, params = fill(template, op, case, person)
            answer = client.get(path, params)
            status = answer.status_code
            where = f"{role} GET {template} ({label}) -> {status}"
            if status >= 500 or status == 401:
                problems.append(f"{where}: {answer.content[:200]!r}")
                continue
            if status >= 400 and not {"error", "message"} <= set(answer.json()):
                problems.append(f"{where}: the error is not JSON {{error, message}}")
            if template in (
                "/api/v1/cases/{number}",
                "/api/v1/cases/{number}/timeline",
                "/api/v1/persons/{person_id}",
            ):
                expected = expected_case_answer(reader, case)
                if template.startswith("/api/v1/persons/") and role in PARTIAL_ROLES:
                    expected = 404  # the story's person is its applicant, not a defendant
                if status != expected:
                    problems.append(f"{where}, expected {expected}")
            elif MISSING in path and status not in (403, 404):
                problems.append(f"{where}: an object that does not exist must be 403/404")
            text = answer.content.decode()
            leaked = [v for v in (outside.number, outside_person.id, "Четтеева") if v in text]
            if leaked and not may_see_outside and status == 200:
                problems.append(f"{where}: shows {leaked} outside the reader's scope")
        if op.get("security"):
            bare, _ = fill(template, op, inside, inside_person)
            if anonymous.get(bare).status_code != 401:
                problems.append(f"anonymous GET {template} is not 401")

    listed = client.get("/api/v1/cases", {"limit": 500})
    if expected_case_answer(reader, inside) == 200:
        numbers = [c["number"] for c in listed.json()["items"]]
        if inside.number not in numbers:
            problems.append(f"{role}: /cases does not list the case in scope")
    assert problems == []
