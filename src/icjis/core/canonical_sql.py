"""The canonical encoding of an event (`ledger.canonical_row`) as PostgreSQL SQL over the columns
of core_event: the bytes `ledger.event_hash` hashes, built by the database. The verifier's
reference query and the ledger's body check (`dbtriggers.BODY_CHECK`) both use it;
tests/core/test_verification.py holds it to the Python encoding byte for byte."""

from __future__ import annotations

# The time as `canonical.iso` writes it: UTC, microseconds, 'Z', the year without leading zeros
# (strftime's %Y, which is what `event_hash` used for a year below 1000).
_ISO = """to_char({} AT TIME ZONE 'UTC', 'FMYYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

# The text fields other than `data`. When none of them holds a character JSON escapes (checked
# at once: escaping their concatenation adds no byte), each is quoted as it is.
_SHORT = ("stream", "kind", "actor", "actor_agency", "actor_unit", "actor_role")
_TAIL = ("legal_basis", "rule_pack", "prev_hash")


def _canonical(quote) -> str:
    """SQL for `ledger.canonical_row` of a row of core_event, text fields encoded by `quote`."""
    stream, kind, actor, agency, unit, role = (quote(c) for c in _SHORT)
    basis, pack, prev = (quote(c) for c in _TAIL)
    return (
        f"concat('[', {stream}, ',', seq, ',', {kind}, ',', to_json(data)::text, ',', "
        f"{actor}, ',', {agency}, ',', {unit}, ',', {role}, ',\"', {_ISO.format('recorded_at')}, "
        f"'\",', coalesce('\"' || {_ISO.format('claimed_at')} || '\"', 'null'), ',', "
        f"{basis}, ',', {pack}, ',', coalesce(corrects::text, 'null'), ',', "
        f"CASE WHEN simulated THEN 'true' ELSE 'false' END, ',', {prev}, ']')"
    )


def _as_is(column: str) -> str:
    return f"'\"', {column}, '\"'"


def _escaped(column: str) -> str:
    return f"to_json({column})::text"


_PLAIN = " || ".join((*_SHORT, *_TAIL))
CANONICAL_SQL = (
    f"CASE WHEN octet_length(to_json({_PLAIN})::text) = octet_length({_PLAIN}) + 2 "
    f"THEN {_canonical(_as_is)} ELSE {_canonical(_escaped)} END"
)
