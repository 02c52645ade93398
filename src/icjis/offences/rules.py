"""The values of the register of protection orders, read from `rules/protection-orders.toml`.

Each version of the rules applies to the orders asked for on or after its `effective_from`, and
an order keeps the version it was asked for under (`ProtectionOrder.rules`), as a case keeps its
rule pack: a later amendment changes no running order."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).with_name("rules") / "protection-orders.toml"
OFFENCE_RULES_FILE = Path(__file__).with_name("rules") / "offences.toml"


@dataclass(frozen=True)
class Condition:
    code: str
    titles: dict[str, str]  # by language: en, ru, ky


@dataclass(frozen=True)
class OrderRules:
    id: str
    effective_from: date
    source: str
    issue_within_hours: int
    min_days: int
    max_days: int
    issue_article: str
    term_article: str
    breach_article: str
    conditions: tuple[Condition, ...]

    @property
    def condition_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.conditions)


@functools.cache
def versions() -> tuple[OrderRules, ...]:
    """Every version of the rules, the earliest first."""
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    out = []
    for v in raw["version"]:
        out.append(
            OrderRules(
                id=v["id"],
                effective_from=v["effective_from"],
                source=v["source"],
                issue_within_hours=int(v["issue_within_hours"]),
                min_days=int(v["min_days"]),
                max_days=int(v["max_days"]),
                issue_article=v["issue_article"],
                term_article=v["term_article"],
                breach_article=v["breach_article"],
                conditions=tuple(
                    Condition(code=c["code"], titles=dict(c["title"])) for c in v["condition"]
                ),
            )
        )
    return _one_per_day(out, RULES_FILE)


def rules_on(day: date) -> OrderRules | None:
    """The version in force on `day`, or None before the first."""
    return _in_force(versions(), day)


def _in_force(all_versions: tuple[Any, ...], day: date) -> Any:
    found = None
    for v in all_versions:
        if v.effective_from <= day:
            found = v
    return found


def _one_per_day(all_versions: list[Any], path: Path) -> tuple[Any, ...]:
    """The versions, the earliest first, refusing two from the same day."""
    all_versions.sort(key=lambda r: r.effective_from)
    for earlier, later in zip(all_versions, all_versions[1:], strict=False):
        if earlier.effective_from == later.effective_from:
            raise ValueError(f"{path}: two versions from {later.effective_from}")
    return tuple(all_versions)


def rules_by_id(rules_id: str) -> OrderRules:
    for v in versions():
        if v.id == rules_id:
            return v
    raise KeyError(rules_id)


def condition_title(code: str, language: str) -> str:
    """A condition's title in `language` (English when it has none), from any version."""
    for v in reversed(versions()):
        for c in v.conditions:
            if c.code == code:
                return c.titles.get(language) or c.titles["en"]
    return code


@dataclass(frozen=True)
class OffenceRules:
    """The terms of the register of offences and who decides which article (CoO 454, 456)."""

    id: str
    effective_from: date
    source: str
    entry_within_hours: int
    decide_within_days: int
    extend_by_days: int
    time_bar_months: int
    appeal_within_days: int
    refer_within_hours: int
    appeal_decide_days: int
    appeal_arrest_hours: int
    fine_after_appeal_days: int
    fine_within_days: int
    fine_reduced_share: Decimal
    fine_reduced_chapters: frozenset[str]
    fine_reduced_except: frozenset[str]
    fine_reduced_articles: frozenset[str]
    liable_from_age: int
    detention_hours: int
    detention_extended_hours: int
    detention_notice_hours: int
    arrest_case_hours: int
    police_detain: frozenset[str]
    police: frozenset[str]
    court: frozenset[str]

    def forum(self, article: str, part: str | None) -> str | None:
        """Who decides the article: "police", "court", or None when the police neither decide it
        nor send it to court."""
        for name, listed in (("court", self.court), ("police", self.police)):
            if _entry_in(listed, article, part):
                return name
        return None

    def police_may_detain(self, article: str, part: str | None) -> bool:
        """Whether the internal affairs bodies may detain for the article (CoO 525(1))."""
        return _entry_in(self.police_detain, article, part)

    def fine_reduced(self, article: str, part: str | None, chapter: str | None) -> bool:
        """Whether a fine under the article, paid within its 30 days, is owed 70 % less (CoO
        563(5)-(6))."""
        return self.fine_reduced_by(article, part, chapter) is not None

    def fine_reduced_by(self, article: str, part: str | None, chapter: str | None) -> str | None:
        """The paragraph that reduces a fine under the article: "563(6)" for the articles it
        names, "563(5)" for the chapters it names (less its exceptions), else None."""
        if _entry_in(self.fine_reduced_articles, article, part):
            return "563(6)"
        if chapter in self.fine_reduced_chapters and not _entry_in(
            self.fine_reduced_except, article, part
        ):
            return "563(5)"
        return None


def _entry_in(entries: frozenset[str], article: str, part: str | None) -> bool:
    """Whether a list of "number" and "number(part)" entries names the article or its part."""
    return article in entries or bool(part and f"{article}({part})" in entries)


@functools.cache
def offence_versions() -> tuple[OffenceRules, ...]:
    raw = tomllib.loads(OFFENCE_RULES_FILE.read_text(encoding="utf-8"))
    out = [
        OffenceRules(
            id=v["id"],
            effective_from=v["effective_from"],
            source=v["source"],
            entry_within_hours=int(v["entry_within_hours"]),
            decide_within_days=int(v["decide_within_days"]),
            extend_by_days=int(v["extend_by_days"]),
            time_bar_months=int(v["time_bar_months"]),
            appeal_within_days=int(v["appeal_within_days"]),
            refer_within_hours=int(v["refer_within_hours"]),
            appeal_decide_days=int(v["appeal_decide_days"]),
            appeal_arrest_hours=int(v["appeal_arrest_hours"]),
            fine_after_appeal_days=int(v["fine_after_appeal_days"]),
            fine_within_days=int(v["fine_within_days"]),
            fine_reduced_share=Decimal(v["fine_reduced_share"]),
            fine_reduced_chapters=frozenset(v["fine_reduced_chapters"]),
            fine_reduced_except=frozenset(v["fine_reduced_except"]),
            fine_reduced_articles=frozenset(v["fine_reduced_articles"]),
            liable_from_age=int(v["liable_from_age"]),
            detention_hours=int(v["detention_hours"]),
            detention_extended_hours=int(v["detention_extended_hours"]),
            detention_notice_hours=int(v["detention_notice_hours"]),
            arrest_case_hours=int(v["arrest_case_hours"]),
            police_detain=frozenset(v["police_detain"]),
            police=frozenset(v["police"]),
            court=frozenset(v["court"]),
        )
        for v in raw["version"]
    ]
    return _one_per_day(out, OFFENCE_RULES_FILE)


def offence_rules_on(day: date) -> OffenceRules | None:
    return _in_force(offence_versions(), day)


def offence_rules_by_id(rules_id: str) -> OffenceRules:
    for v in offence_versions():
        if v.id == rules_id:
            return v
    raise KeyError(rules_id)
