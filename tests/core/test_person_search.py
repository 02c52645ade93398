"""`persons.search`: on PostgreSQL the trigram index proposes candidates (closest names first,
a wider net only when they are too few) and rapidfuzz ranks them; the answer must be the one an
exhaustive ranking of every person gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from icjis.core.models import Person
from icjis.core.names import full_name_key, similarity, to_latin
from icjis.core.persons import search

NAMES = [
    ("Токтогулов", "Айбек", "Нурланович"),
    ("Токтогулова", "Айгүл", "Нурлановна"),
    ("Токтобаев", "Айбек", "Маратович"),
    ("Асанов", "Айбек", "Нурланович"),
    ("Асанбеков", "Бакыт", "Эрланович"),
    ("Үсөнов", "Темир", "Канатович"),
    ("Жээнбеков", "Улан", "Русланович"),
    ("Сатыбалдиев", "Марат", "Алмазович"),
    ("Иванов", "Сергей", "Данияров"),
]


def person(i: int, surname: str, given: str, patronymic: str) -> Person:
    return Person.objects.create(
        id=f"T{i:06d}",
        surname=surname,
        given_name=given,
        patronymic=patronymic,
        sex="M",
        latin_name=" ".join(to_latin(p) for p in (surname, given, patronymic)),
        match_key=full_name_key(surname, given, patronymic),
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def exhaustive(query: str) -> list[str]:
    scored = [(similarity(query, p.match_key), p.id) for p in Person.objects.all()]
    return [pid for score, pid in sorted((-s, pid) for s, pid in scored) if -score >= 50.0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "Токтогулов Айбек Нурланович",
        "Toktogulov Aibek",
        "Токтогулов",  # only loosely like most names: needs the wider net
        "Tokbaev",
        "Асанов Айбек",
        "Asanbekov Bakyt Erlanovich",
        "Усонов Темир",
        "Сатыбалдыев",
        "Ivanov Sergei",
    ],
)
def test_it_finds_the_persons_an_exhaustive_ranking_finds_first(query):
    for i, name in enumerate(NAMES):
        person(i, *name)
    expected = exhaustive(query)
    found = [p.id for p, _ in search(Person.objects.all(), query, limit=3)]
    assert found, f"nothing found for {query!r}"
    assert found[0] == expected[0]
    assert set(found) <= set(expected)


@pytest.mark.django_db
def test_it_casts_the_wider_net_when_few_names_are_close():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i, name in enumerate(NAMES):
        person(i, *name)
    with CaptureQueriesContext(connection) as queries:
        found = search(Person.objects.all(), "Tokbaev", limit=3)
    assert found and found[0][0].surname == "Токтобаев"
    if connection.vendor == "postgresql":
        thresholds = [q["sql"] for q in queries if "word_similarity_threshold" in q["sql"]]
        assert len(thresholds) >= 2, "the close names alone were enough; the test asks too little"
