"""The sentence calculation for imprisonment, kept as evidence (module G).

Pure: no clock, no database. Given the term, regime and category of the crime from the verdict,
the start of the term and the days held before it (temporary detention, custody ordered by the
judge, house arrest — counted from the ledger by `icjis.legal.custody_time`), it gives the last day
of the term, the release date and the date from which parole may be applied for, with a
breakdown in English and Russian naming every input. The rules are data
(`rules/<legislation set>.toml`), each value with its article:

- the term in months expires on the corresponding date of the last month (or its last day), and
  the last day of the term is the day before that date (CC 81(1); CEC 159(2));
- custody before the verdict's entry into force is credited one day for two days of
  imprisonment (CC 80(5)), house arrest five days for one (CC 80(6)(1), rounded down);
- a convict whose last day is a day off is released on the working day before it (CEC 159(2));
- parole after actually serving 2/3 (less grave) or 3/4 (grave, especially grave) of the term
  (CC 88(4)); the part is taken of the term's calendar days, rounded up, and the credit counts
  as time served.

What the rules do not cover is refused with `ManualCalculation` and a reason — never guessed.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from icjis.core.refusals import Said, say, unsay
from icjis.legal.counting import add_months

RULES_DIR = Path(__file__).parent / "rules"
IsWorkingDay = Callable[[date], bool]


class RulesError(ValueError):
    """A rules file is malformed; the message names the file and the key."""


# The sentences that say why a sentence goes to manual calculation (made by `say` where the
# reason arises: `ManualCalculation` below, `prisons.acts`). An event keeps its reason as English
# text; `manual_reason` finds which of these made it, so a page says it in the reader's language.
# tests/prisons/test_manual_reasons.py holds this list to the reasons made in the module.
MANUAL_REASONS = (
    "No sentence-calculation rules are on file for the legislation set '%(set)s'; calculate by "
    "hand under the code that applies.",
    "The category of the crime ('%(category)s') gives no parole part under %(article)s; "
    "calculate parole eligibility by hand.",
    "The verdict states no term in months (life imprisonment or a term not recorded); calculate "
    "by hand (CC 88(4)(4)).",
    "The colony regime '%(regime)s' is not one the rules know (%(article)s); calculate by hand.",
    "The rules %(version)s do not apply to legislation set %(set)s.",
    "The verdict imposes imprisonment under several articles (%(articles)s); the final sentence "
    "for the aggregate of crimes (CC 78) is calculated by hand.",
    "%(person)s is also in the register under case %(case)s (%(state)s); sentences under several "
    "verdicts are combined by the court (CC 79) and the result recorded by hand.",
    "The verdict no longer imposes imprisonment on %(person)s; release on the court's decision "
    "(CEC 158(1)(3)) is recorded by hand.",
)


def manual_reason(text: str) -> Said | str:
    """A reason for manual calculation kept as text, as the `say` of `MANUAL_REASONS` that made
    it (the text itself if none did: a reason recorded before they were listed)."""
    return unsay(text, MANUAL_REASONS)


class ManualCalculation(Exception):  # noqa: N818 - it is an outcome, not a failure
    """The rules do not cover this sentence: it goes to the prison officer to calculate by
    hand, with the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Ratio:
    held: int  # days held …
    served: int  # … credited as this many days of imprisonment
    article: str


@dataclass(frozen=True)
class Rules:
    version: str
    source: str
    legislation_sets: tuple[str, ...]
    term_article: str
    release_before_day_off: bool
    release_article: str
    custody: Ratio
    house_arrest: Ratio
    parole: dict[str, tuple[int, int, str]]  # category → (numerator, denominator, article)
    parole_article: str
    supervision_max_months: int
    supervision_article: str
    regimes: tuple[str, ...]
    regimes_article: str


def _need(table: dict[str, Any], key: str, kind: type, path: Path, where: str) -> Any:
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise RulesError(f"{path.name}: [{where}] {key} must be a {kind.__name__}")
    return value


def _positive(value: int, path: Path, where: str) -> int:
    if value < 1:
        raise RulesError(f"{path.name}: [{where}] values must be at least 1")
    return value


def parse_rules(path: Path) -> Rules:
    """Read and validate one rules file; errors name the file and the table and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path.name}: {exc}") from None
    pack = _need(data, "pack", dict, path, "pack")
    term = _need(data, "term", dict, path, "term")
    credit = _need(data, "credit", dict, path, "credit")
    custody = _need(credit, "custody", dict, path, "credit")
    house = _need(credit, "house_arrest", dict, path, "credit")
    parole = _need(data, "parole", dict, path, "parole")
    regimes = _need(data, "regimes", dict, path, "regimes")
    fractions: dict[str, tuple[int, int, str]] = {}
    for category in ("minor_gravity", "less_grave", "grave", "especially_grave"):
        entry = parole.get(category)
        if entry is None:
            continue
        part = entry.get("part") if isinstance(entry, dict) else None
        if (
            not isinstance(part, list)
            or len(part) != 2
            or not all(isinstance(n, int) and n > 0 for n in part)
            or part[0] > part[1]
        ):
            raise RulesError(
                f"{path.name}: [parole] {category}.part must be [numerator, denominator]"
            )
        fractions[category] = (part[0], part[1], _need(entry, "article", str, path, "parole"))
    return Rules(
        version=_need(pack, "version", str, path, "pack"),
        source=_need(pack, "source", str, path, "pack"),
        legislation_sets=tuple(_need(pack, "legislation_sets", list, path, "pack")),
        term_article=_need(term, "article", str, path, "term"),
        release_before_day_off=_need(term, "release_before_day_off", bool, path, "term"),
        release_article=_need(term, "release_article", str, path, "term"),
        custody=Ratio(
            _positive(_need(custody, "held_days", int, path, "credit.custody"), path, "credit"),
            _positive(
                _need(custody, "imprisonment_days", int, path, "credit.custody"), path, "credit"
            ),
            _need(custody, "article", str, path, "credit.custody"),
        ),
        house_arrest=Ratio(
            _positive(
                _need(house, "house_arrest_days", int, path, "credit.house_arrest"), path, "credit"
            ),
            _positive(
                _need(house, "imprisonment_days", int, path, "credit.house_arrest"), path, "credit"
            ),
            _need(house, "article", str, path, "credit.house_arrest"),
        ),
        parole=fractions,
        parole_article=_need(parole, "article", str, path, "parole"),
        supervision_max_months=_need(parole, "supervision_max_months", int, path, "parole"),
        supervision_article=_need(parole, "supervision_article", str, path, "parole"),
        regimes=tuple(_need(regimes, "known", list, path, "regimes")),
        regimes_article=_need(regimes, "article", str, path, "regimes"),
    )


@cache
def rules_for(legislation_set: str) -> Rules:
    """The rules for a case's legislation set; a set with no rules file goes to manual."""
    path = RULES_DIR / f"{legislation_set}.toml"
    if not legislation_set or not path.is_file():
        raise ManualCalculation(
            "no_rules",
            say(
                "No sentence-calculation rules are on file for the legislation set '%(set)s'; "
                "calculate by hand under the code that applies.",
                set=legislation_set or "?",
            ),
        )
    return parse_rules(path)


@dataclass(frozen=True)
class Inputs:
    """Everything a calculation rests on, recorded with it."""

    months: int | None
    regime: str
    category: str
    legislation_set: str
    start: date
    ivs_days: int
    custody_days: int
    house_arrest_days: int
    start_reason: str  # in_force_in_custody | admission

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "start": self.start.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inputs:
        return cls(**{**data, "start": date.fromisoformat(data["start"])})


@dataclass(frozen=True)
class Result:
    start: date
    term_end: date  # the last day of the term before credit
    term_last_day: date  # after credit
    release_date: date
    parole_date: date | None
    credit_days: int
    custody_credit: int
    house_arrest_credit: int
    rule_version: str
    breakdown: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("start", "term_end", "term_last_day", "release_date", "parole_date"):
            value = out[key]
            out[key] = value.isoformat() if value else None
        return out


def expiry(start: date, months: int) -> date:
    """The date on which a term of `months` from `start` expires: the corresponding date of
    the last month, or that month's last day (CEC 159(2))."""
    return add_months(start, months)


def last_day_of_term(start: date, months: int) -> date:
    """The last day of a term of `months` from `start`: the day before its expiry (CEC 159(2))."""
    return expiry(start, months) - timedelta(days=1)


def credit(rules: Rules, held_days: int, house_arrest_days: int) -> tuple[int, int]:
    """Days of imprisonment credited for custody (CC 80(5)) and for house arrest (CC 80(6)),
    the latter rounded down."""
    custody = held_days * rules.custody.served // rules.custody.held
    house = house_arrest_days * rules.house_arrest.served // rules.house_arrest.held
    return custody, house


def release_day(last: date, start: date, is_working_day: IsWorkingDay, rules: Rules) -> date:
    """The day of release: the last day of the term, or the working day before it when it is a
    day off (CEC 159(2)) — never before the start."""
    day = last
    if rules.release_before_day_off:
        while day > start and not is_working_day(day):
            day -= timedelta(days=1)
    return max(day, start)


def parole_date(
    rules: Rules, category: str, start: date, months: int, credit_days: int
) -> tuple[date, int, int, int]:
    """The first day on which the part of the term CC 88(4) requires has actually been served
    (credit counted as served): (date, numerator, denominator, days required)."""
    if category not in rules.parole:
        raise ManualCalculation(
            "category",
            say(
                "The category of the crime ('%(category)s') gives no parole part under "
                "%(article)s; calculate parole eligibility by hand.",
                category=category or say("unknown"),
                article=rules.parole_article,
            ),
        )
    num, den, _ = rules.parole[category]
    term_days = (expiry(start, months) - start).days
    required = math.ceil(term_days * num / den)
    return max(start, start + timedelta(days=required - credit_days)), num, den, required


def check(inputs: Inputs, rules: Rules) -> None:
    """Refuse (to manual) what the rules do not cover."""
    if inputs.months is None:
        raise ManualCalculation(
            "no_term",
            say(
                "The verdict states no term in months (life imprisonment or a term not "
                "recorded); calculate by hand (CC 88(4)(4))."
            ),
        )
    if inputs.regime not in rules.regimes:
        raise ManualCalculation(
            "regime",
            say(
                "The colony regime '%(regime)s' is not one the rules know (%(article)s); "
                "calculate by hand.",
                regime=inputs.regime or say("not stated"),
                article=rules.regimes_article,
            ),
        )
    if inputs.legislation_set not in rules.legislation_sets:
        raise ManualCalculation(
            "no_rules",
            say(
                "The rules %(version)s do not apply to legislation set %(set)s.",
                version=rules.version,
                set=inputs.legislation_set,
            ),
        )


def calculate(inputs: Inputs, rules: Rules, is_working_day: IsWorkingDay) -> Result:
    """The calculation for one sentence of imprisonment, or `ManualCalculation`."""
    check(inputs, rules)
    assert inputs.months is not None
    start, months = inputs.start, inputs.months
    held = inputs.ivs_days + inputs.custody_days
    custody_credit, house_credit = credit(rules, held, inputs.house_arrest_days)
    total = custody_credit + house_credit
    term_end = last_day_of_term(start, months)
    last = max(start, term_end - timedelta(days=total))
    release = release_day(last, start, is_working_day, rules)
    parole, num, den, required = parole_date(rules, inputs.category, start, months, total)
    c, h = rules.custody, rules.house_arrest
    why_start = {
        "in_force_in_custody": (
            "the day the verdict entered into force, the convict being held in custody",
            "день вступления приговора в законную силу (осуждённый содержался под стражей)",
        ),
        "admission": (
            "the day of admission to the colony, the convict being at liberty before it",
            "день поступления в колонию (до этого осуждённый находился на свободе)",
        ),
    }[inputs.start_reason]
    moved = release != last
    en = [
        f"Term: {months} months of imprisonment, {inputs.regime} regime ({rules.term_article}).",
        f"Start of the term: {start.isoformat()}, {why_start[0]}.",
        f"Days in temporary detention (IVS): {inputs.ivs_days}.",
        f"Days in custody ordered by the judge: {inputs.custody_days}.",
        f"Days under house arrest: {inputs.house_arrest_days}.",
        f"Credit for custody: {held} days held × {c.served}/{c.held} = {custody_credit} days "
        f"({c.article}).",
        f"Credit for house arrest: {inputs.house_arrest_days} days × {h.served}/{h.held} = "
        f"{house_credit} days, rounded down ({h.article}).",
        f"Last day of the term without credit: {start.isoformat()} + {months} months − 1 day = "
        f"{term_end.isoformat()} ({rules.term_article}).",
        f"Last day of the term: {term_end.isoformat()} − {total} days credited = "
        f"{last.isoformat()}.",
        f"Release date: {release.isoformat()}"
        + (
            f", the working day before {last.isoformat()}, a day off ({rules.release_article})."
            if moved
            else f" ({rules.release_article})."
        ),
        f"Parole eligibility: {num}/{den} of the term's {(expiry(start, months) - start).days} "
        f"days = {required} days to serve, {total} of them credited: from {parole.isoformat()} "
        f"({rules.parole[inputs.category][2]}; a {inputs.category.replace('_', ' ')} crime). "
        "Exclusions of CC 89 are for the court.",
        f"Rules: {rules.version} ({rules.source}).",
    ]
    ru_start = why_start[1]
    ru = [
        f"Срок: {months} мес. лишения свободы, режим {inputs.regime} ({rules.term_article}).",
        f"Начало срока: {start.isoformat()}, {ru_start}.",
        f"Дней в ИВС (задержание): {inputs.ivs_days}.",
        f"Дней под стражей по решению суда: {inputs.custody_days}.",
        f"Дней под домашним арестом: {inputs.house_arrest_days}.",
        f"Зачёт содержания под стражей: {held} дн. × {c.served}/{c.held} = {custody_credit} дн. "
        f"({c.article}).",
        f"Зачёт домашнего ареста: {inputs.house_arrest_days} дн. × {h.served}/{h.held} = "
        f"{house_credit} дн., с округлением вниз ({h.article}).",
        f"Последний день срока без зачёта: {start.isoformat()} + {months} мес. − 1 день = "
        f"{term_end.isoformat()} ({rules.term_article}).",
        f"Последний день срока: {term_end.isoformat()} − {total} дн. зачёта = {last.isoformat()}.",
        f"Дата освобождения: {release.isoformat()}"
        + (
            f", рабочий день перед выходным {last.isoformat()} ({rules.release_article})."
            if moved
            else f" ({rules.release_article})."
        ),
        f"Право на УДО: {num}/{den} срока ({(expiry(start, months) - start).days} дн.) = "
        f"{required} дн., из них {total} зачтено: с {parole.isoformat()} "
        f"({rules.parole[inputs.category][2]}). Ограничения ст. 89 УК решает суд.",
        f"Правила: {rules.version} ({rules.source}).",
    ]
    ky_start = {
        "in_force_in_custody": "өкүм мыйзамдуу күчүнө кирген күн (соттолгон камакта болгон)",
        "admission": "колонияга келген күн (буга чейин соттолгон эркиндикте болгон)",
    }[inputs.start_reason]
    ky = [
        f"Мөөнөт: {months} ай эркинен ажыратуу, {inputs.regime} режим ({rules.term_article}).",
        f"Мөөнөттүн башталышы: {start.isoformat()}, {ky_start}.",
        f"Убактылуу кармоо жайында (УКЖ) болгон күндөр: {inputs.ivs_days}.",
        f"Соттун чечими менен камакта болгон күндөр: {inputs.custody_days}.",
        f"Үй камагында болгон күндөр: {inputs.house_arrest_days}.",
        f"Камакта кармоону эсепке алуу: {held} күн × {c.served}/{c.held} = {custody_credit} "
        f"күн ({c.article}).",
        f"Үй камагын эсепке алуу: {inputs.house_arrest_days} күн × {h.served}/{h.held} = "
        f"{house_credit} күн, төмөн карай тегеректелет ({h.article}).",
        f"Эсепке алуусуз мөөнөттүн акыркы күнү: {start.isoformat()} + {months} ай − 1 күн = "
        f"{term_end.isoformat()} ({rules.term_article}).",
        f"Мөөнөттүн акыркы күнү: {term_end.isoformat()} − {total} күн = {last.isoformat()}.",
        f"Бошотуу күнү: {release.isoformat()}"
        + (
            f", {last.isoformat()} дем алыш күнүнүн алдындагы иш күнү ({rules.release_article})."
            if moved
            else f" ({rules.release_article})."
        ),
        f"Шарттуу түрдө мөөнөтүнөн мурда бошотуу укугу: мөөнөттүн {num}/{den} "
        f"({(expiry(start, months) - start).days} күн) = {required} күн, анын ичинен {total} "
        f"эсепке алынган: {parole.isoformat()} баштап ({rules.parole[inputs.category][2]}). "
        "КЖК 89-беренесиндеги чектөөлөрдү сот чечет.",
        f"Эрежелер: {rules.version} ({rules.source}).",
    ]
    return Result(
        start=start,
        term_end=term_end,
        term_last_day=last,
        release_date=release,
        parole_date=parole,
        credit_days=total,
        custody_credit=custody_credit,
        house_arrest_credit=house_credit,
        rule_version=rules.version,
        breakdown={"en": en, "ru": ru, "ky": ky},
    )


def supervision_until(rules: Rules, released_on: date, term_last_day: date) -> date:
    """When the supervision of a parolee ends: with the unserved part of the term, at most
    three years from release (CC 90(2))."""
    cap = add_months(released_on, rules.supervision_max_months)
    return min(term_last_day, cap)
