"""The bearer-token lookup every API request makes (`auth.user_for_token`, one plain query for
speed) gives the same user, unit and territory as the ORM does, with the unit and territory
already loaded, and nobody for an expired token or an inactive account."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from icjis.core import clock
from icjis.core.auth import issue_token, user_for_token
from icjis.core.canonical import sha256_hex
from icjis.core.models import ApiToken, User


def _values(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_token_user_is_the_orm_user_with_unit_and_territory(world: dict[str, User]) -> None:
    for username in ("investigator", "prosecutor_city", "registrar_osh", "auditor"):
        expected = User.objects.select_related("unit__territory").get(username=username)
        token, _ = issue_token(expected)
        with CaptureQueriesContext(connection) as queries:
            found = user_for_token(token)
            assert found is not None
            path = found.unit.territory.path  # loaded with the user: no further query
        assert len(queries.captured_queries) == 1
        assert _values(found) == _values(expected)
        assert _values(found.unit) == _values(expected.unit)
        assert _values(found.unit.territory) == _values(expected.unit.territory)
        assert path == expected.unit.territory.path
        assert isinstance(found.roles, list) and found.roles == expected.roles
        assert found.is_active is True and found.is_authenticated
        assert found.created_at.tzinfo is not None
        assert not found._state.adding


def test_no_user_for_an_expired_token_an_inactive_account_or_a_wrong_token(
    world: dict[str, User],
) -> None:
    user = world["investigator"]
    token, _ = issue_token(user)
    assert user_for_token(token) is not None
    assert user_for_token(token + "x") is None
    ApiToken.objects.filter(key_hash=sha256_hex(token)).update(
        expires_at=clock.wall() - timedelta(seconds=1)
    )
    assert user_for_token(token) is None
    fresh, _ = issue_token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert user_for_token(fresh) is None
