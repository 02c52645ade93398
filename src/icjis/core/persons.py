"""The persons index: recording a person from an act's input, duplicate flags, fuzzy search.

A person given in an act (`PersonInput`) is checked in `decide` (PIN against birth date and sex),
given an id, and compared with the index for possible duplicates; all of that is recorded in the
event, so the projector that creates the row is deterministic on replay.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

import pydantic
from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.utils.translation import gettext_noop
from rapidfuzz import fuzz, process

from icjis.core.models import DuplicateFlag, Person, Territory
from icjis.core.names import DUPLICATE_THRESHOLD, close_names, latin_key, match_key, to_latin
from icjis.core.pin import PinError, validate_pin
from icjis.core.refusals import Invalid, NotFound, say


def age_on(birth: date, day: date) -> int:
    """Full years of a person born on `birth` on `day` (a birthday counts on the day itself)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


Name = pydantic.constr(strip_whitespace=True, min_length=1, max_length=100)


class PersonInput(pydantic.BaseModel):
    """A person as an act gives them. The PIN is optional: never reject a person for lack of one."""

    model_config = pydantic.ConfigDict(extra="forbid")

    pin: str | None = pydantic.Field(default=None, max_length=32)
    surname: Name  # type: ignore[valid-type]
    given_name: Name  # type: ignore[valid-type]
    patronymic: str | None = pydantic.Field(default=None, max_length=100)
    birth_date: date | None = None
    sex: Literal["F", "M"]
    citizenship: str | None = pydantic.Field(default=None, pattern=r"^[A-Z]{3}$")
    residence: str | None = pydantic.Field(
        default=None,
        min_length=2,
        max_length=32,
        description="place of residence: the code of a district or a region (KG-GB-LEN, KG-O)",
    )


class PersonRef(pydantic.BaseModel):
    """A person already in the index."""

    model_config = pydantic.ConfigDict(extra="forbid")

    id: str = pydantic.Field(min_length=1, max_length=16)


def new_person_id() -> str:
    return "P" + secrets.token_hex(6).upper()


def merge_chain(person: Person) -> list[Person]:
    """The record and each record it was merged into in turn (`persons.merge`), the survivor
    last: a record merged into one later merged into a third leads to the third."""
    chain = [person]
    while chain[-1].merged_into_id and len(chain) <= 100:  # merges refuse a cycle; a bound anyway
        chain.append(Person.objects.select_related("residence").get(pk=chain[-1].merged_into_id))
    return chain


def prepare_person(given: PersonInput | PersonRef, today: date) -> dict[str, Any]:
    """Check a person given in an act and return what the event records about them."""
    if isinstance(given, PersonRef):
        person = Person.objects.filter(pk=given.id).first()
        if person is None:
            raise NotFound(say("There is no person %(person)s in the index.", person=given.id))
        return {"id": merge_chain(person)[-1].id, "existing": True}
    if given.birth_date and given.birth_date > today:
        raise Invalid(
            say("The birth date lies in the future."),
            fields={"birth_date": gettext_noop("in the future")},
        )
    pin = None
    if given.pin:
        try:
            pin = (
                validate_pin(given.pin, birth_date=given.birth_date, sex=given.sex, today=today)
                or None
            )
        except PinError as exc:
            raise Invalid(exc.message, fields={f"person.{exc.field}": exc.message}) from None
    if given.residence is not None:
        check_residence(given.residence, field="person.residence")
    latin_name, key = name_fields(given.surname, given.given_name, given.patronymic or "")
    record: dict[str, Any] = {
        "id": new_person_id(),
        "existing": False,
        "pin": pin,
        "surname": given.surname,
        "given_name": given.given_name,
        "patronymic": given.patronymic or "",
        "birth_date": given.birth_date.isoformat() if given.birth_date else None,
        "sex": given.sex,
        "citizenship": given.citizenship or "",
        "latin_name": latin_name,
        "match_key": key,
    }
    if given.residence is not None:  # recorded only when known (earlier records lack the key)
        record["residence"] = given.residence
    record["possible_duplicates"] = find_duplicates(pin, given.birth_date, key)
    return record


@functools.lru_cache(maxsize=1 << 15)
def name_part(part: str) -> tuple[str, str]:
    """The Latin form and the name key of one part of a name, transliterated once. Cached: the
    parts of names repeat (surnames, given names, patronymics). A full name's three took 0.10
    ms to transliterate and fold, and 0.04 ms with this cache over 3,000 synthetic names (71 %
    of their parts met before)."""
    latin = to_latin(part)
    return latin, latin_key(latin)


def name_fields(
    surname: str,
    given_name: str,
    patronymic: str,
    part: Callable[[str], tuple[str, str]] = name_part,
) -> tuple[str, str]:
    """The Latin display name and the name key (`names.full_name_key`) stored beside a person's
    name, each its parts' forms joined. Full names hardly repeat, their parts do: `name_part`
    keeps the last parts it met, and the bulk seeder passes a larger cache of it."""
    forms = [part(p) for p in (surname, given_name, patronymic) if p]
    return " ".join(latin for latin, _ in forms), " ".join(key for _, key in forms if key)


SAME_DAY_SCAN = 500  # persons born the same day compared by name for a new person


def find_duplicates(pin: str | None, birth_date: date | None, key: str) -> list[dict[str, str]]:
    """Persons that may be the same: the same PIN, or the same birth date and a close name."""
    found: dict[str, str] = {}
    if pin:
        for pid in Person.objects.filter(pin=pin).values_list("id", flat=True)[:20]:
            found[pid] = "same_pin"
    if birth_date:
        same_day = list(
            Person.objects.filter(birth_date=birth_date).values_list("id", "match_key")[
                :SAME_DAY_SCAN
            ]
        )
        for i in close_names(key, [other for _, other in same_day], DUPLICATE_THRESHOLD):
            found.setdefault(same_day[i][0], "same_birth_date_close_name")
    return [{"id": pid, "reason": reason} for pid, reason in sorted(found.items())]


def project_person(record: dict[str, Any], recorded_at: Any) -> str:
    """Create the person row an event recorded (no-op for an existing person), with its duplicate
    flags: on PostgreSQL in one statement (`new_person_sql`)."""
    if record.get("existing"):
        return str(record["id"])
    if connection.vendor == "postgresql":
        ctes, params = new_person_sql(record, recorded_at)
        with connection.cursor() as cur:
            cur.execute(f"WITH {ctes} SELECT 1", params)  # noqa: S608 - no input in the text
        return str(record["id"])
    person = Person.objects.create(**_person_row(record, recorded_at))
    DuplicateFlag.objects.bulk_create(
        [
            DuplicateFlag(person=person, other_id=d["id"], reason=d["reason"])
            for d in record["possible_duplicates"]
        ]
    )
    return person.id


def _person_row(record: dict[str, Any], recorded_at: Any) -> dict[str, Any]:
    """The columns of the person row a new person's record makes."""
    birth = record["birth_date"]
    return {
        "id": record["id"],
        "pin": record["pin"],
        "surname": record["surname"],
        "given_name": record["given_name"],
        "patronymic": record["patronymic"],
        "birth_date": date.fromisoformat(birth) if birth else None,
        "sex": record["sex"],
        "citizenship": record["citizenship"],
        "latin_name": record["latin_name"],
        "match_key": record["match_key"],
        "residence_id": record.get("residence"),
        "recorded_at": recorded_at,
    }


def check_residence(code: str, *, field: str) -> Territory:
    """The territory a residence names: a district or a region (the country is not a place of
    residence), else the act is refused at `field`."""
    found = Territory.objects.filter(code=code, level__in=("district", "region")).first()
    if found is None:
        raise Invalid(
            say(
                "%(code)s is not the code of a district or a region (KG-GB-LEN, KG-O …).",
                code=code,
            ),
            fields={field: gettext_noop("unknown place")},
        )
    return found


def new_person_sql(record: dict[str, Any], recorded_at: Any) -> tuple[str, list[Any]]:
    """The person row of a new person's record and its duplicate flags as two data-modifying
    common table expressions of one PostgreSQL statement (text and parameters), for a projector
    that writes more in the same statement. Every act that names a new person writes these: one
    round trip in place of two."""
    row = _person_row(record, recorded_at)
    duplicates = record["possible_duplicates"]
    ctes = (
        f"new_person AS (INSERT INTO core_person ({', '.join(row)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(row))})), "
        "new_flags AS (INSERT INTO core_duplicateflag (person_id, other_id, reason, state) "
        "SELECT %s, other, reason, %s FROM unnest(%s::varchar[], %s::varchar[]) "
        "AS flag (other, reason))"
    )
    others, reasons = [d["id"] for d in duplicates], [d["reason"] for d in duplicates]
    state = DuplicateFlag._meta.get_field("state").default
    return ctes, [*row.values(), record["id"], state, others, reasons]


def search(persons: QuerySet[Person], query: str, limit: int = 20) -> list[tuple[Person, float]]:
    """Fuzzy search in Cyrillic or Latin (or by PIN) among `persons`, best first."""
    query = query.strip()
    if not query:
        return []
    if query.isdigit() and len(query) == 14:
        return [(p, 100.0) for p in persons.filter(pin=query)[:limit]]
    key = match_key(query)
    if not key:
        return []
    if connection.vendor == "postgresql":
        candidates = _indexed_candidates(persons, key, limit)
    else:
        candidates = list(persons)
    scored = [(p, _score(key, p.match_key)) for p in candidates]
    scored = [s for s in scored if s[1] >= 50.0]
    scored.sort(key=lambda s: (-s[1], s[0].id))
    return scored[:limit]


# The first word of a name key (the surname's, when the surname is one word) and the rest of it,
# as SQL over `core_person.match_key`. Migration 0005 indexes the rest with the first word's
# length on PostgreSQL; a query must spell the expressions exactly so for the index to serve it.
KEY_FIRST_SQL = "split_part({col}::text, ' ', 1)"
KEY_REST_SQL = "substr({col}::text, length(split_part({col}::text, ' ', 1)) + 2)"
# A search is answered from the close pass alone when its best score reaches this (see
# `_confident`), or when a stored key equals the query's key (100).
CLOSE_ENOUGH = 90.0
# Most keys one close-pass query reads (a common surname, a common given name and patronymic).
CLOSE_READ_CAP = 5000
# Most keys tied with the last of a page whose persons are read too (a short part of a name ties
# thousands of keys; beyond these, ties are not ordered by id).
CLOSE_TIES = 200
# Most ranked keys whose persons are read when the first `limit` keys give too few of `persons`.
CLOSE_WIDER = 500


def _score(key: str, candidate_key: str) -> float:
    """`names.similarity` of a query whose key is `key` (computed once per search)."""
    return float(fuzz.WRatio(key, candidate_key, processor=None)) if candidate_key else 0.0


def _confident(key: str, found: list[Person]) -> bool:
    """Whether the close pass's persons answer `key`: one of them has the very key, or the best
    scores `CLOSE_ENOUGH` and the query has two words or more, or is one word that is the first
    word of a found key (a surname as recorded; the keys that begin with it score the most a
    part of a name can, 90, and only a key nearly equal to the query itself could score more)."""
    best = max((_score(key, p.match_key) for p in found), default=0.0)
    if best >= 100.0:
        return True
    if best < CLOSE_ENOUGH:
        return False
    return " " in key or any(p.match_key.startswith(key + " ") for p in found)


def _indexed_candidates(persons: QuerySet[Person], key: str, limit: int) -> list[Person]:
    """Candidates for `key` on PostgreSQL: those of the close pass among `persons` when the best
    of them is close enough, else the trigram search's as well.

    The close pass reads name keys only, from every person (index-only scans), ranks them, and
    then reads the persons of the best keys through `persons`, so that what a user may not see
    is never returned; when the best keys' persons are not among `persons`, the next best keys'
    are read (up to `CLOSE_WIDER`)."""
    ranked = _ranked_keys(key, _close_keys(key))
    found: dict[str, Person] = {}
    cut = _tied_cut(ranked, limit)
    for chosen in (ranked[:cut], ranked[cut:CLOSE_WIDER]):
        if not chosen or len(found) >= limit:
            break
        for p in persons.filter(match_key__in=[k for k, _ in chosen])[:CLOSE_READ_CAP]:
            found.setdefault(p.id, p)
    if _confident(key, list(found.values())):
        return list(found.values())
    for p in _trigram_candidates(persons, key, limit * 5, want=limit):
        found.setdefault(p.id, p)
    return list(found.values())


def _close_keys(key: str) -> set[str]:
    """Stored keys within one slip of `key`, read through b-tree indexes only: the keys that
    begin with it (the query itself, or a name given in part), and for a query of several words
    those with the same first word (the rest mistyped) and those with the same rest and a first
    word of nearly the same length (the surname mistyped). Not found: a key that differs from
    the query in two words, or by a space added or dropped; the trigram search looks for those
    when this pass finds nothing close."""
    from django.db.models.expressions import RawSQL

    everyone = Person.objects.all()
    keys = set(
        everyone.filter(match_key__startswith=key).values_list("match_key", flat=True)[
            :CLOSE_READ_CAP
        ]
    )
    first, _, rest = key.partition(" ")
    if not rest:
        return keys
    keys.update(
        everyone.filter(match_key__startswith=first + " ").values_list("match_key", flat=True)[
            :CLOSE_READ_CAP
        ]
    )
    col = f'"{Person._meta.db_table}"."match_key"'
    same_rest = RawSQL(  # noqa: S611 - fixed SQL, the values are parameters
        f"{KEY_REST_SQL.format(col=col)} = %s"
        f" AND length({KEY_FIRST_SQL.format(col=col)}) BETWEEN %s AND %s",
        [rest, len(first) - 2, len(first) + 2],
        output_field=BooleanField(),
    )
    keys.update(everyone.filter(same_rest).values_list("match_key", flat=True)[:CLOSE_READ_CAP])
    return keys


def _ranked_keys(key: str, keys: set[str]) -> list[tuple[str, float]]:
    """`keys` scoring at least 50 against `key` by the search score (`names.similarity`), best
    first."""
    scored = process.extract(
        key, keys, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=50.0
    )
    return sorted(((k, float(score)) for k, score, _ in scored), key=_best_first)


def _best_first(scored: tuple[str, float]) -> tuple[float, str]:
    return -scored[1], scored[0]


def _tied_cut(ranked: list[tuple[str, float]], limit: int) -> int:
    """How many of `ranked` to read for a page of `limit`: the first `limit` keys and those tied
    with the last of them (at most `CLOSE_TIES` more), whose persons are then ordered by id."""
    if len(ranked) <= limit:
        return len(ranked)
    last = ranked[limit - 1][1]
    cut = limit
    while cut < min(len(ranked), limit + CLOSE_TIES) and ranked[cut][1] >= last:
        cut += 1
    return cut


# Word-similarity thresholds tried in turn. The GIN trigram index (`person_match_key_trgm`) can
# serve only the `<%` operator, whose threshold is a setting; a low threshold makes it fetch
# nearly every row that shares a common given name or patronymic, so the close names are asked
# for first and the wider net is cast only when they are too few.
WORD_SIMILARITY_TIERS = (0.6, 0.5, 0.3)


def _trigram_candidates(persons: QuerySet[Person], key: str, size: int, want: int) -> list[Person]:
    """Up to `size` persons whose name key contains words like `key` (pg_trgm word similarity),
    closest first: those above the first threshold that gives at least `want`, else those above
    the last (0.3). The threshold is set for the session; nothing else here uses `<%`."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    close = Func(
        Value(key),
        F("match_key"),
        template="%(expressions)s",
        arg_joiner=" <%% ",
        output_field=BooleanField(),
    )
    found: list[Person] = []
    for threshold in WORD_SIMILARITY_TIERS:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(threshold)],
            )
        found = list(
            persons.filter(close)
            .annotate(sim=TrigramWordSimilarity(key, "match_key"))
            .order_by("-sim", "id")[:size]
        )
        if len(found) >= want:
            break
    return found
