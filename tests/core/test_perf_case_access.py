"""The access check every act makes (`access.case_for_act`, written as SQL for speed) admits
exactly the cases `restrict(user, "act")` admits, for every role of the demo world and for
users holding several roles at once."""

from __future__ import annotations

from typing import Any

from django.db import connection
from tests.conftest import postgres_only

from icjis.core.access import SYSTEM_USER, case_for_act, restrict
from icjis.core.acts import perform
from icjis.core.models import User
from icjis.core.refusals import NotFound
from icjis.core.roles import ROLES

REPORT = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}


def _admitted(user: Any, number: str) -> bool:
    try:
        case = case_for_act(user, number)
    except NotFound:
        return False
    assert case.number == number
    return True


def test_the_act_check_admits_exactly_the_cases_restrict_admits(world: dict[str, User]) -> None:
    bishkek = perform(world["registrar"], "registry.report.register", REPORT).result["case"]
    perform(world["unit_head"], "registry.case.assign", {"officer": "investigator"}, case=bishkek)
    osh = perform(world["registrar_osh"], "registry.report.register", REPORT).result["case"]
    numbers = [bishkek, osh, "26-9999-999999-9"]
    users: list[Any] = list(world.values())
    # Every role on the Bishkek police unit, and users holding several roles: a read-only role
    # beside an acting one, two scopes at once.
    for i, roles in enumerate(
        [
            *([role] for role in ROLES if role != "system"),
            ["auditor", "investigator"],
            ["auditor", "ombudsperson"],
            ["analyst", "prosecutor"],
            ["lawyer", "integration"],
            ["nonexistent-role"],
            [],
        ]
    ):
        users.append(
            User(
                username=f"multi{i}",
                roles=roles,
                unit=world["investigator"].unit,
                agency_id=world["investigator"].agency_id,
            )
        )
    seen = {True: 0, False: 0}
    for user in users:
        for number in numbers:
            expected = restrict(user, "act").filter(number=number).exists()
            assert _admitted(user, number) == expected, (user.username, user.roles, number)
            seen[expected] += 1
    # Both answers occur: the investigator acts on the Bishkek case and not on the Osh one.
    assert _admitted(world["investigator"], bishkek)
    assert not _admitted(world["investigator"], osh)
    assert seen[True] > 0 and seen[False] > 0
    assert _admitted(SYSTEM_USER, osh) and not _admitted(SYSTEM_USER, numbers[2])


@postgres_only()
def test_the_prepared_act_check_survives_a_column_a_migration_adds(committing_db, world) -> None:
    """The statement is prepared on each connection; a running server's statement must not break
    when a migration elsewhere adds a column to the case table ("cached plan must not change
    result type", as `SELECT c.*` would)."""
    import psycopg

    number = perform(world["registrar"], "registry.report.register", REPORT).result["case"]
    # DB_PREPARE_THRESHOLD: runs before a statement is prepared; None (-1) for never.
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    for _ in range((threshold or 0) + 3):  # past the threshold
        assert _admitted(world["unit_head"], number)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "core_case" c WHERE c.number =%'],
        )
        assert cur.fetchone()[0] == (0 if threshold is None else 1)
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    ) as elsewhere:
        elsewhere.execute("ALTER TABLE core_case ADD COLUMN added_later integer")
        elsewhere.commit()
        try:
            assert _admitted(world["unit_head"], number)
        finally:
            elsewhere.execute("ALTER TABLE core_case DROP COLUMN added_later")
            elsewhere.commit()
