"""Names across scripts: the Latin display form, matching keys, search scores, duplicate flags.

All names here are synthetic; they only look like Kyrgyz and Russian names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icjis.core.names import (
    DUPLICATE_THRESHOLD,
    close_names,
    full_name_key,
    latin_key,
    match_key,
    name_similarity,
    possible_duplicate,
    similarity,
    to_latin,
)

KYRGYZ_LOWER = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
KYRGYZ_ALPHABET = KYRGYZ_LOWER + KYRGYZ_LOWER.upper()
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KEY_SHAPE = re.compile(r"^([a-z0-9]+( [a-z0-9]+)*)?$")

DISPLAY = [
    # Kyrgyz surnames and given names
    ("Өмүрбеков", "Ömürbekov"),
    ("Жээнбеков", "Jeenbekov"),
    ("Абдыкадыров", "Abdykadyrov"),
    ("Ногойбаев", "Nogoybayev"),
    ("Үсөнов", "Üsönov"),
    ("Теңизбек", "Tengizbek"),
    ("Жаңыл", "Jangyl"),
    ("Таңсулуу", "Tangsuluu"),
    ("Мөңкүбек", "Mönkübek"),
    ("Чыңгыз", "Chyngyz"),
    ("Айгүл", "Aygül"),
    ("Нурбүбү", "Nurbübü"),
    ("Күмүшай", "Kümüshay"),
    ("Сооронбай", "Sooronbay"),
    ("Эркинбек", "Erkinbek"),
    ("Асан уулу", "Asan uulu"),
    ("Бермет кызы", "Bermet kyzy"),
    # Russian surnames and given names
    ("Иванова", "Ivanova"),
    ("Щербаков", "Shcherbakov"),
    ("Хасанов", "Khasanov"),
    ("Цой", "Tsoy"),
    ("Ерлан", "Yerlan"),
    ("Сергеевич", "Sergeyevich"),
    ("Фёдоров", "Fyodorov"),
    ("Горбачёв", "Gorbachev"),
    ("Подъячев", "Podyachev"),
    ("Зиновьев", "Zinovyev"),
    ("Игорь", "Igor"),
    ("Дарья", "Darya"),
    ("Юлия", "Yuliya"),
    ("Дмитрий", "Dmitriy"),
    ("Джапаров", "Djaparov"),
    # Places, as LEGAL-DATA.md writes them
    ("Кыргызстан", "Kyrgyzstan"),
    ("Жалал-Абад", "Jalal-Abad"),
    ("Чүй", "Chüy"),
    ("Ысык-Көл", "Ysyk-Köl"),
    ("Иссык-Куль", "Issyk-Kul"),
]

SAME_NAME = [
    ["Өмүрбеков", "Ömürbekov", "Omurbekov", "Oemurbekov", "OMURBEKOV"],
    ["Жээнбеков", "Джээнбеков", "Женбеков", "Jeenbekov", "Zheenbekov", "Dzheenbekov", "Jenbekov"],
    ["Абдыкадыров", "Абдикадиров", "Abdykadyrov", "Abdikadirov"],
    ["Щербаков", "Шербаков", "Shcherbakov", "Sherbakov", "Scherbakov", "Ščerbakov"],
    ["Ногойбаев", "Nogoybayev", "Nogoybaev", "Nogoibaev"],
    ["Үсөнов", "Üsönov", "Usonov", "Uesoenov"],
    ["Хасанов", "Khasanov", "Hasanov"],
    ["Цой", "Tsoy", "Tsoi", "Coi"],
    ["Юсупов", "Yusupov", "Iusupov", "Usupov"],
    ["Яковлев", "Yakovlev", "Iakovlev"],
    ["Алиев", "Aliyev", "Aliev"],
    ["Елена", "Yelena", "Elena"],
    ["Айбек", "Aybek", "Aibek"],
    ["Фёдоров", "Федоров", "Fyodorov", "Fedorov"],
    ["Теңизбек", "Tengizbek", "Tenizbek"],
    ["Дмитрий", "Dmitriy", "Dmitry", "Dmitrii"],
    ["Юлия", "Yuliya", "Iuliia", "Yulia"],
    ["Сооронбай", "Sooronbay", "Sooronbai", "Soronbai"],
    ["Жапаров", "Джапаров", "Japarov", "Zhaparov", "Dzhaparov"],
    ["Александр", "Aleksandr", "Alexandr"],
    ["Зиновьев", "Zinovyev", "Zinovev", "Zinoviev"],
]

FULL_NAMES = [
    ("Өмүрбеков", "Асан", "Бакытович"),
    ("Жээнбеков", "Сооронбай", "Шарипович"),
    ("Абдыкадыров", "Нурбек", None),
    ("Иванова", "Мария", "Петровна"),
    ("Щербаков", "Игорь", "Николаевич"),
    ("Ногойбаев", "Чыңгыз", "Асанович"),
    ("Үсөнов", "Теңизбек", None),
    ("Асанова", "Айгүл", "Бакытовна"),
    ("Токтогулов", "Мөңкүбек", "Жаңылович"),
]


@dataclass
class Person:
    surname: str | None
    given_name: str | None
    patronymic: str | None = None
    birth_date: date | None = date(1990, 3, 15)
    pin: str | None = None


@pytest.mark.parametrize("cyrillic, latin", DISPLAY)
def test_it_writes_kyrgyz_and_russian_names_in_latin_as_the_table_says(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    "cyrillic, latin",
    [
        ("ЩЕРБАКОВ", "SHCHERBAKOV"),
        ("ЖЭЭНБЕКОВ А.Т.", "JEENBEKOV A.T."),
        ("ПОДЪЯЧЕВ", "PODYACHEV"),
        ("ЁЛКИН Юрий", "YOLKIN Yuriy"),
        ("Щ. Ю. Хасанов", "Shch. Yu. Khasanov"),
        ("ЧЫҢГЫЗ", "CHYNGYZ"),
    ],
)
def test_it_keeps_the_case_of_the_source_in_capitals_and_initials(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_it_leaves_latin_text_and_punctuation_as_they_are():
    assert to_latin("John O'Neil-Smith, 1990") == "John O'Neil-Smith, 1990"


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=KYRGYZ_ALPHABET + " -.", max_size=40))
def test_it_leaves_no_cyrillic_letter_in_the_latin_form(text):
    assert not CYRILLIC.search(to_latin(text))


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=KYRGYZ_ALPHABET + " -", max_size=40))
def test_it_gives_the_latin_form_the_same_key_as_the_cyrillic(text):
    assert match_key(to_latin(text)) == match_key(text)


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=KYRGYZ_ALPHABET + "abcxyz -.'", max_size=40))
def test_a_name_part_is_its_latin_form_and_its_key(text):
    """`persons.name_part` transliterates once and keys the Latin form (`latin_key`), and keeps
    what it computed: asked again, or asked for the key of its own Latin form, it gives what
    transliterating and keying the text itself gives."""
    from icjis.core.persons import name_part

    expected = (to_latin(text), match_key(text))
    assert name_part(text) == expected
    assert name_part(text) == expected  # from the cache
    assert latin_key(expected[0]) == expected[1]
    assert name_part(expected[0]) == (expected[0], expected[1])  # the Latin form keys alike


@settings(derandomize=True, max_examples=300)
@given(
    st.text(max_size=40) | st.text(alphabet=KYRGYZ_ALPHABET + "abcdefhijkostuxyz' -", max_size=40)
)
def test_it_makes_keys_of_plain_lowercase_words_that_are_their_own_keys(text):
    key = match_key(text)

    assert KEY_SHAPE.match(key)
    assert match_key(key) == key


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda spellings: spellings[0])
def test_it_gives_the_usual_spellings_of_a_name_in_either_script_one_key(spellings):
    keys = {spelling: match_key(spelling) for spelling in spellings}

    assert len(set(keys.values())) == 1, keys


def test_it_tells_apart_names_that_differ_in_more_than_spelling():
    assert match_key("Омурбеков") == match_key("Өмүрбеков")  # Russian documents drop the dots
    assert match_key("Umurbekov") != match_key("Omurbekov")
    assert match_key("Иванов") != match_key("Иванова")


def test_it_builds_the_full_name_key_from_the_parts_present():
    assert full_name_key("Өмүрбеков", "Асан", "Бакытович") == "omurbekov asan bakitovich"
    assert full_name_key("Өмүрбеков", "Асан", None) == "omurbekov asan"
    assert full_name_key("Өмүрбеков", "", "") == "omurbekov"
    assert full_name_key("Ömürbekov", "Asan", "Bakytovich") == full_name_key(
        "Өмүрбеков", "Асан", "Бакытович"
    )


def test_it_gives_an_empty_key_and_no_score_for_a_name_it_cannot_read():
    assert match_key("李小龙") == ""
    assert similarity("李小龙", full_name_key("Ли", "Сяолун")) == 0.0


@pytest.mark.parametrize("query", ["Omurbekov", "омурбеков", "Asan Omurbekov", "Ömürbekov Asan"])
def test_it_finds_a_cyrillic_record_from_a_latin_or_partial_query(query):
    wanted = full_name_key("Өмүрбеков", "Асан", "Бакытович")
    others = [full_name_key(*name) for name in FULL_NAMES if name[0] != "Өмүрбеков"]

    score = similarity(query, wanted)

    assert score >= DUPLICATE_THRESHOLD
    assert all(similarity(query, other) < score for other in others)


def one_letter_off(word: str, data: st.DataObject) -> str:
    position = data.draw(st.integers(0, len(word) - 1), label="position")
    letter = data.draw(st.sampled_from(KYRGYZ_LOWER), label="letter")
    edit = data.draw(st.sampled_from(["replace", "drop", "insert"]), label="edit")
    if edit == "replace":
        return word[:position] + letter + word[position + 1 :]
    if edit == "drop":
        return word[:position] + word[position + 1 :]
    return word[:position] + letter + word[position:]


@settings(derandomize=True, max_examples=500)
@given(name=st.sampled_from(FULL_NAMES), part=st.integers(0, 2), data=st.data())
def test_it_still_scores_a_name_with_one_letter_off_above_the_duplicate_threshold(name, part, data):
    parts = list(name)
    if not parts[part]:
        part = 0
    parts[part] = one_letter_off(parts[part], data)
    original, misspelt = full_name_key(*name), full_name_key(*parts)

    assert name_similarity(original, misspelt) >= DUPLICATE_THRESHOLD
    assert similarity(" ".join(p for p in parts if p), original) >= DUPLICATE_THRESHOLD
    assert possible_duplicate(Person(*name), Person(*parts))


@pytest.mark.parametrize(
    "first, second",
    [
        (FULL_NAMES[a], FULL_NAMES[b])
        for a in range(len(FULL_NAMES))
        for b in range(a + 1, len(FULL_NAMES))
    ],
)
def test_it_scores_different_persons_low_and_does_not_flag_them(first, second):
    assert name_similarity(full_name_key(*first), full_name_key(*second)) < 60
    assert similarity(" ".join(p for p in first if p), full_name_key(*second)) < 60
    assert not possible_duplicate(Person(*first), Person(*second))


def test_it_flags_records_with_the_same_pin_whatever_their_names():
    a = Person("Иванова", "Мария", pin="11503199012345", birth_date=None)
    b = Person("Omurbekov", "Asan", pin="1 15031990 12345", birth_date=date(1991, 1, 1))

    assert possible_duplicate(a, b)


def test_it_flags_the_same_person_written_in_two_scripts_on_the_same_birth_date():
    a = Person("Өмүрбеков", "Асан", "Бакытович")
    b = Person("Omurbekov", "Asan", "Bakitovich")

    assert possible_duplicate(a, b)


def test_it_flags_a_record_without_a_patronymic_against_one_with_it():
    assert possible_duplicate(Person("Жээнбеков", "Сооронбай", None), Person(*FULL_NAMES[1]))


def test_it_flags_a_record_whose_surname_and_given_name_were_swapped():
    assert possible_duplicate(Person("Асан", "Өмүрбеков"), Person("Өмүрбеков", "Асан"))


def test_it_does_not_flag_close_names_born_on_different_days():
    a = Person("Өмүрбеков", "Асан", birth_date=date(1990, 3, 15))
    b = Person("Өмүрбеков", "Асан", birth_date=date(1990, 3, 16))

    assert not possible_duplicate(a, b)


def test_it_does_not_flag_by_name_alone_when_a_birth_date_is_unknown():
    a = Person("Өмүрбеков", "Асан", birth_date=None)
    b = Person("Өмүрбеков", "Асан")

    assert not possible_duplicate(a, b)


def test_it_does_not_flag_two_records_without_a_pin_as_the_same_pin():
    a = Person("Иванова", "Мария", pin="", birth_date=None)
    b = Person("Өмүрбеков", "Асан", pin=None, birth_date=None)

    assert not possible_duplicate(a, b)


WORD = st.text(alphabet="abdegijklmnorstuyz", min_size=1, max_size=9)
KEY = st.lists(WORD, min_size=0, max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(key=KEY, keys=st.lists(KEY, max_size=40), threshold=st.sampled_from([60.0, 85.0, 95.0]))
def test_close_names_picks_exactly_the_keys_name_similarity_scores_close(
    key: str, keys: list[str], threshold: float
) -> None:
    # The duplicate scan of a birth day runs close_names over the day's keys; it must flag the
    # very persons a pairwise name_similarity would.
    expected = [i for i, other in enumerate(keys) if name_similarity(key, other) >= threshold]
    assert close_names(key, keys, threshold) == expected


def test_close_names_on_synthetic_namesakes() -> None:
    import random

    from icjis.core.synthetic_names import synthetic_name

    rng = random.Random(11)
    keys = [full_name_key(*synthetic_name(rng)[:3]) for _ in range(300)]
    key = keys[7]
    found = close_names(key, keys, DUPLICATE_THRESHOLD)
    assert 7 in found
    assert found == [
        i for i, k in enumerate(keys) if name_similarity(key, k) >= DUPLICATE_THRESHOLD
    ]
