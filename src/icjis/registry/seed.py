"""Synthetic pre-trial stories for `icjis seed --cases N` (all names invented)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from icjis.core.seeding import Step, Story, generator

SURNAMES_M = [
    "Асанов",
    "Үсөнов",
    "Жээнбеков",
    "Абдыкадыров",
    "Ногойбаев",
    "Сатыбалдиев",
    "Токтогулов",
    "Иванов",
    "Кадыров",
    "Мамытов",
    "Өмүрбеков",
    "Эшимов",
]
GIVEN_M = ["Айбек", "Бакыт", "Нурлан", "Эрлан", "Таалай", "Азамат", "Сергей", "Үмөт", "Данияр"]
GIVEN_F = ["Айгүл", "Жыпар", "Нургүл", "Асель", "Бүбүсара", "Елена", "Гүлнара", "Мээрим"]
PATRONYMICS = ["Асанович", "Бакытович", "Нурланович", "Сергеевич", "Токтогулович"]
SITES = [("", "KG-GB", "KG-GB-LEN"), ("_osh", "KG-O", "KG-O-KSU")]
ARTICLES = [
    {"article": "205", "part": 1},
    {"article": "205", "part": 2},
    {"article": "122", "part": 1},
    {"article": "209", "part": 1},
    {"article": "210", "part": 1},
    {"article": "280", "part": 1},
]
SUMMARIES = [
    "Кража мобильного телефона из сумки в общественном транспорте",
    "Телесные повреждения в ходе ссоры",
    "Мошенничество при продаже автомобиля через интернет",
    "Грабёж у торгового центра",
    "Хулиганство во дворе жилого дома",
]


def synthetic_person(rng: random.Random) -> dict[str, Any]:
    female = rng.random() < 0.4
    surname = rng.choice(SURNAMES_M)
    if female:
        surname = surname + "а"
    born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
    return {
        "surname": surname,
        "given_name": rng.choice(GIVEN_F if female else GIVEN_M),
        "patronymic": rng.choice(PATRONYMICS) if not female else None,
        "birth_date": born.isoformat(),
        "sex": "F" if female else "M",
        "citizenship": "KGZ",
    }


@generator("report_assigned", weight=1.0)
def report_assigned(rng: random.Random, i: int) -> Story:
    """A report registered, assigned, with a suspect identified."""
    suffix, region, _district = rng.choice(SITES)
    return Story(
        [
            Step(
                timedelta(0),
                "registrar" + suffix,
                "registry.report.register",
                {
                    "channel": rng.choice(["in_person", "phone", "online"]),
                    "summary": rng.choice(SUMMARIES),
                    "place": {"region": region},
                    "applicant": synthetic_person(rng),
                },
                case=False,
            ),
            Step(
                timedelta(hours=rng.randint(1, 20)),
                "unit_head" + suffix,
                "registry.case.assign",
                {"officer": "investigator" + suffix},
            ),
            Step(
                timedelta(days=rng.randint(1, 5)),
                "investigator" + suffix,
                "registry.participant.add",
                {"role": "suspect", "person": synthetic_person(rng)},
            ),
            *(
                [
                    Step(
                        timedelta(days=rng.randint(5, 12)),
                        "investigator" + suffix,
                        "registry.case.open",
                        rng.choice(ARTICLES),
                    )
                ]
                if rng.random() < 0.7
                else []
            ),
        ]
    )
