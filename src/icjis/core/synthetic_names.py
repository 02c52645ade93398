"""Synthetic Kyrgyz/Russian names for demo, bulk and benchmark data (all invented).

Surnames are built from roots, syllables and endings, so that nearly every full name is distinct,
as in a real population: with a dozen surnames and names, millions of synthetic persons would each
share a name and a birth day with several others, and every new person would be flagged as a
possible duplicate of strangers. Fixed seeds give the same names on every run.
"""

from __future__ import annotations

import random

ROOTS = [
    "Асан",
    "Үсөн",
    "Жээн",
    "Абдыкадыр",
    "Ногой",
    "Сатыбалды",
    "Токтогул",
    "Иван",
    "Кадыр",
    "Мамыт",
    "Өмүрбек",
    "Эшим",
    "Бакир",
    "Султан",
    "Керим",
    "Жусуп",
    "Турдубек",
    "Алым",
    "Осмон",
    "Бейшен",
    "Чынгыз",
    "Дөөлөт",
    "Медер",
    "Нурбек",
    "Калый",
    "Сыдык",
    "Шамшы",
    "Эркин",
    "Төлөн",
    "Үмөт",
    "Аман",
    "Байтик",
    "Жолдош",
    "Курман",
    "Мукаш",
    "Орозбек",
]
PARTS = ["али", "бай", "тур", "кул", "бек", "жан", "гул", "нур", "мат", "сай", "дос", "ым"]
ENDINGS_M = ["ов", "ев", "беков", "баев", "алиев", "кулов"]
GIVEN_M = [
    "Айбек",
    "Бакыт",
    "Нурлан",
    "Эрлан",
    "Таалай",
    "Азамат",
    "Сергей",
    "Данияр",
    "Марат",
    "Темир",
    "Улан",
    "Канат",
    "Руслан",
    "Алмаз",
    "Бекзат",
    "Жаныбек",
]
GIVEN_F = [
    "Айгүл",
    "Жыпар",
    "Нургүл",
    "Асель",
    "Бүбүсара",
    "Елена",
    "Гүлнара",
    "Мээрим",
    "Айпери",
    "Чолпон",
    "Динара",
    "Назира",
    "Салтанат",
    "Жамиля",
    "Айжан",
    "Бегимай",
]


def patronymic_of(father: str, female: bool) -> str:
    """The patronymic from a father's given name (Сергей → Сергеевич / Сергеевна)."""
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    return father + ("овна" if female else "ович")


def synthetic_name(rng: random.Random) -> tuple[str, str, str, str]:
    female = rng.random() < 0.45
    root = rng.choice(ROOTS) + (rng.choice(PARTS) if rng.random() < 0.8 else "")
    root += rng.choice(PARTS) if rng.random() < 0.4 else ""
    surname = root + rng.choice(ENDINGS_M) + ("а" if female else "")
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    father = rng.choice(GIVEN_M)
    patronymic = patronymic_of(father, female)
    return surname, given, patronymic, "F" if female else "M"
