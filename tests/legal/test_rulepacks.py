"""Rule packs: the shipped packs' content, the choice of pack by date, and validation errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from icjis.legal.counting import Duration
from icjis.legal.rulepacks import (
    KNOWN_EVENT_KINDS,
    PROPOSED_EVENT_KINDS,
    RULES_DIR,
    NoPackInForce,
    RulePackError,
    builtin_packs,
    legislation_set_on,
    load_pack,
    pack_for_set,
    pack_in_force,
    unknown_event_kinds,
)

KG_2021 = pack_for_set("kg-2021")

EXPECTED_2021_RULES = {
    "report.decision",
    "report.refusal_without_check",
    "refusal.appeal",
    "opening.copy_to_prosecutor",
    "investigation.term.minor",
    "investigation.term",
    "detention.record_to_prosecutor",
    "detention.court",
    "detention.court.child",
    "detention.release",
    "detention.release.child",
    "custody.term",
    "custody.cap",
    "custody.extension_request",
    "custody.extension_decision",
    "custody.appeal",
    "measure.appeal.trial",
    "indictment.to_prosecutor",
    "indictment.review",
    "indictment.additional_investigation",
    "indictment.to_court",
    "court.intake_decision",
    "court.trial_start",
    "court.trial_start.jury",
    "court.trial_term.minor",
    "court.trial_term",
    "court.trial_term.jury",
    "probation.report",
    "appeal.window",
    "appeal.decision",
    "appeal.decision.investigating_judge",
    "verdict.execution",
    "forensics.opinion",  # not in the legal data: the Code fixes no term; the order sets it
    "forensics.torture_examination",  # read from the Code's text (CPC 179(11))
    # Not in the legal data either: read from the Code's text (CPC 124(2), 124(5), 127, 129(1)).
    "motion.decision",
    "motion.decision.prosecutor",
    "motion.decision.judge",  # CPC 182(3)
    "motion.complaint",
    "complaint.contest",  # CPC 127's 10 days, to the higher prosecutor
    "complaint.decision",
    "complaint.decision.unit_head",
    "complaint.decision.judge",
    "complaint.decision.higher",  # 129(3) names no term: 129(1)'s
}


# --- the shipped packs -------------------------------------------------------------------------


def test_it_ships_one_pack_per_legislation_set() -> None:
    assert [p.id for p in builtin_packs()] == ["kg-1997", "kg-2019", "kg-2021"]
    assert [p.legislation_set for p in builtin_packs()] == ["kg-1997", "kg-2019", "kg-2021"]


def test_it_holds_every_2021_term_of_the_legal_data() -> None:
    assert {r.id for r in KG_2021.rules} == EXPECTED_2021_RULES


def test_it_cites_an_article_and_gives_three_titles_for_every_rule() -> None:
    for pack in builtin_packs():
        for rule in pack.rules:
            assert rule.article.strip(), rule.id
            assert rule.title.en and rule.title.ru and rule.title.ky, rule.id
            assert rule.line is not None


@pytest.mark.parametrize(
    ("rule_id", "value", "article"),
    [
        ("report.decision", "10d", "CPC 153(3)"),
        ("report.refusal_without_check", "24h", "CPC 154(2)"),
        ("refusal.appeal", "10d", "CPC 154(3)"),
        ("opening.copy_to_prosecutor", "24h", "CPC 156(3), 161(2)"),
        ("investigation.term.minor", "1M", "CPC 162(1)"),
        ("investigation.term", "2M", "CPC 162(1)"),
        ("detention.record_to_prosecutor", "12h", "CPC 97(4)"),
        ("detention.court", "45h", "CPC 97(5); Constitution 59(4)"),
        ("detention.court.child", "21h", "CPC 97(5); Constitution 59(4)"),
        ("detention.release", "48h", "CPC 100(2); Constitution 59(4)"),
        ("detention.release.child", "24h", "CPC 100(2); Constitution 59(4)"),
        ("custody.cap", "1Y", "CPC 115(11)"),
        ("custody.extension_decision", "3d", "CPC 115(4)"),
        ("custody.appeal", "5d", "CPC 115(8)"),
        ("indictment.review", "5d", "CPC 261"),
        ("indictment.additional_investigation", "1M", "CPC 262(3)"),
        ("court.intake_decision", "5d", "CPC 277(3)"),
        ("court.trial_start", "14d", "CPC 283(1)"),
        ("court.trial_start.jury", "30d", "CPC 283(1)"),
        ("court.trial_term.minor", "1M", "CPC 283(2)"),
        ("court.trial_term", "2M", "CPC 283(2)"),
        ("court.trial_term.jury", "3M", "CPC 283(2)"),
        ("appeal.window", "30d", "CPC 400(1)"),
        ("appeal.decision", "2M", "CPC 410(2)"),
        ("appeal.decision.investigating_judge", "10d", "CPC 410(2)"),
        ("verdict.execution", "3d", "CPC 426(4)"),
        ("motion.decision", "3d", "CPC 124(2)"),
        ("motion.decision.prosecutor", "3d", "CPC 124(2)"),
        ("motion.decision.judge", "3d", "CPC 182(3)"),
        ("forensics.torture_examination", "12h", "CPC 179(11)"),
        ("motion.complaint", "10d", "CPC 124(5), 127"),
        ("complaint.contest", "10d", "CPC 125, 126(1), 127"),
        ("complaint.decision", "3d", "CPC 129(1)"),
        ("complaint.decision.unit_head", "3d", "CPC 129(1)"),
        ("complaint.decision.judge", "10d", "CPC 130(2)"),
        ("complaint.decision.higher", "3d", "CPC 125, 126(1), 129(1), (3)"),
    ],
)
def test_it_carries_the_statutory_value_and_article_of_each_2021_term(
    rule_id: str, value: str, article: str
) -> None:
    rule = KG_2021.rule(rule_id)
    assert rule.duration == Duration.parse(value)
    assert rule.article == article


def test_it_never_moves_detention_custody_or_house_arrest_terms_off_holidays() -> None:
    # CPC 137(2)(4)
    for rule in KG_2021.rules:
        if rule.id.startswith(("detention.", "custody.")) and rule.id != "custody.appeal":
            assert rule.shift is False, rule.id
    assert KG_2021.rule("investigation.term").shift is True


def test_it_takes_the_custody_term_from_the_judges_order() -> None:
    rule = KG_2021.rule("custody.term")
    assert rule.due_from == "until" and rule.duration is None
    assert KG_2021.rule("custody.extension_request").before == Duration(5, "d")
    assert KG_2021.rule("indictment.to_prosecutor").before == Duration(10, "d")
    assert KG_2021.rule("indictment.to_court").before == Duration(5, "d")


def test_it_starts_detention_clocks_at_the_hour_of_detention_for_each_person() -> None:
    for rule_id in (
        "detention.court",
        "detention.release",
        "detention.court.child",
        "detention.release.child",
        "detention.record_to_prosecutor",
    ):
        rule = KG_2021.rule(rule_id)
        assert rule.start_from == "detained_at"
        assert rule.subject == "person"


def test_it_leaves_the_probation_report_term_to_configuration() -> None:
    rule = KG_2021.rule("probation.report")
    assert rule.gap and not rule.configured and rule.duration is None
    assert "no deadline" in rule.note
    assert [r.id for r in KG_2021.gaps()] == ["probation.report"]


def test_it_starts_a_configured_gap_rule_but_keeps_it_marked_as_a_gap() -> None:
    configured = KG_2021.configured({"probation.report": "1M"})
    rule = configured.rule("probation.report")
    assert rule.configured and rule.gap and rule.duration == Duration(1, "M")
    assert configured.gaps() == ()
    assert not KG_2021.rule("probation.report").configured  # the original is untouched


def test_it_refuses_to_configure_a_value_the_law_fixes() -> None:
    with pytest.raises(ValueError, match="fixed by law"):
        KG_2021.configured({"investigation.term": "3M"})
    with pytest.raises(KeyError):
        KG_2021.configured({"no.such.rule": "3M"})


def test_it_uses_only_known_or_proposed_event_kinds() -> None:
    for pack in builtin_packs():
        assert unknown_event_kinds(pack, KNOWN_EVENT_KINDS | PROPOSED_EVENT_KINDS) == set()
    assert unknown_event_kinds(KG_2021) == set(PROPOSED_EVENT_KINDS)


def test_it_keeps_the_known_2017_and_1999_values_and_marks_the_rest_as_gaps() -> None:
    kg2019 = pack_for_set("kg-2019")
    assert kg2019.rule("pretrial.term").duration == Duration(2, "M")
    assert kg2019.rule("pretrial.term").article == "CPC 2017, 155"
    assert [t.kind for t in kg2019.rule("pretrial.term").starts_on] == ["registry.report.register"]
    kg1997 = pack_for_set("kg-1997")
    assert kg1997.rule("report.decision").duration == Duration(3, "d")
    assert kg1997.rule("report.decision").extended_by[0].to == Duration(10, "d")
    for pack in (kg2019, kg1997):
        assert pack.gaps()
        for rule in pack.gaps():
            assert rule.note and rule.duration is None


# --- legislation sets and the pack in force -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "set_id"),
    [
        (date(2005, 6, 1), "kg-1997"),
        (date(2018, 12, 31), "kg-1997"),
        (date(2019, 1, 1), "kg-2019"),
        (date(2021, 11, 30), "kg-2019"),
        (date(2021, 12, 1), "kg-2021"),
        (date(2025, 7, 1), "kg-2021"),
    ],
)
def test_it_chooses_the_legislation_set_and_pack_in_force_on_a_date(day: date, set_id: str) -> None:
    assert legislation_set_on(day).id == set_id
    assert pack_in_force(day).legislation_set == set_id


def test_it_takes_the_date_of_an_instant_in_kyrgyz_local_time() -> None:
    # 19:00 UTC on 30 November 2021 is 01:00 on 1 December in Bishkek: the 2021 codes apply.
    moment = datetime(2021, 11, 30, 19, 0, tzinfo=UTC)
    assert pack_in_force(moment).id == "kg-2021"
    assert legislation_set_on(moment).id == "kg-2021"
    assert pack_in_force(datetime(2021, 11, 30, 17, 59, tzinfo=UTC)).id == "kg-2019"


def test_it_says_when_no_pack_covers_a_date() -> None:
    only_2019 = [pack_for_set("kg-2019")]
    with pytest.raises(NoPackInForce):
        pack_in_force(date(2022, 1, 1), only_2019)


# --- validation: every error names the file and the line ----------------------------------------

PACK_HEAD = """[pack]
id = "test"
title = { en = "Test", ru = "Тест", ky = "Сыноо" }
legislation_set = "kg-2021"
effective_from = 2021-12-01
"""

GOOD_RULE = """
[[rule]]
id = "report.decision"
title = { en = "Decide", ru = "Решение", ky = "Чечим" }
article = "CPC 153(3)"
starts_on = ["registry.report.register"]
duration = "10d"
met_by = ["registry.case.open"]
"""


def pack_file(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "test-pack.toml"
    path.write_text(PACK_HEAD + rules, encoding="utf-8")
    return path


def error_for(tmp_path: Path, rules: str) -> RulePackError:
    path = pack_file(tmp_path, rules)
    with pytest.raises(RulePackError) as caught:
        load_pack(path)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")
    return caught.value


def test_it_loads_a_minimal_valid_pack(tmp_path: Path) -> None:
    pack = load_pack(pack_file(tmp_path, GOOD_RULE))
    assert pack.rule("report.decision").duration == Duration(10, "d")
    assert pack.rule("report.decision").line == 7


def test_it_reports_a_toml_syntax_error_with_its_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('duration = "10d"', "duration = 10d"))
    assert error.line == 12
    assert "invalid TOML" in error.message


def test_it_names_the_line_of_a_missing_article(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('article = "CPC 153(3)"\n', ""))
    assert "article is required" in error.message
    assert error.line == 7  # the [[rule]] header: the key is not there to point at


def test_it_names_the_line_of_a_malformed_duration(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('"10d"', '"10 days"'))
    assert error.line == 12
    assert "report.decision" in error.message and "duration" in error.message


def test_it_names_the_line_of_an_unknown_key(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE + "shfit = false\n")
    assert error.line == 14
    assert "unknown key 'shfit'" in error.message


def test_it_names_the_line_of_an_unknown_condition(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace('duration = "10d"', 'when = { gravity = "grave" }\nduration = "10d"')
    error = error_for(tmp_path, rules)
    assert error.line == 12
    assert "unknown condition 'gravity'" in error.message


def test_it_names_the_line_of_an_unknown_category(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace(
        'duration = "10d"', 'when = { category = "serious" }\nduration = "10d"'
    )
    error = error_for(tmp_path, rules)
    assert error.line == 12
    assert "'serious' is not one of" in error.message


def test_it_names_the_second_rule_when_an_id_is_repeated(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE + GOOD_RULE)
    assert error.line == 16
    assert "defined twice" in error.message


def test_it_refuses_a_gap_rule_with_a_default(tmp_path: Path) -> None:
    error = error_for(
        tmp_path, GOOD_RULE.replace('duration = "10d"', 'gap = true\nnote = "x"\nduration = "10d"')
    )
    assert "no default" in error.message
    assert error.line == 14


def test_it_refuses_a_gap_rule_without_a_note(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('duration = "10d"', "gap = true"))
    assert "needs a note" in error.message
    assert error.line == 12


def test_it_refuses_a_rule_without_a_term(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('duration = "10d"\n', ""))
    assert "exactly one of duration" in error.message


def test_it_refuses_an_open_condition_naming_no_rule(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace(
        'duration = "10d"', 'when = { open = "custody.term" }\nduration = "10d"'
    )
    error = error_for(tmp_path, rules)
    assert "names no rule" in error.message
    assert error.line == 12


def test_it_refuses_an_extension_that_does_not_say_the_new_term(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE + 'extended_by = ["registry.term.extend"]\n')
    assert "needs the new term" in error.message
    assert error.line == 14


def test_it_refuses_an_extension_in_another_unit(tmp_path: Path) -> None:
    extension = 'extended_by = [{ kind = "registry.term.extend", to = "1M" }]\n'
    error = error_for(tmp_path, GOOD_RULE + extension)
    assert "not in the rule's unit" in error.message


def test_it_refuses_suspension_without_resumption(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE + 'suspended_by = ["registry.case.suspend"]\n')
    assert "go together" in error.message
    assert error.line == 14


def test_it_refuses_a_term_from_a_data_field_without_a_unit(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD_RULE.replace('duration = "10d"', 'duration_from = "months"'))
    assert "needs a unit" in error.message
    assert error.line == 12


def test_it_refuses_a_malformed_event_kind(tmp_path: Path) -> None:
    error = error_for(
        tmp_path, GOOD_RULE.replace('met_by = ["registry.case.open"]', 'met_by = ["Case Opened"]')
    )
    assert "is not an event kind" in error.message
    assert error.line == 13


def test_it_refuses_an_unknown_legislation_set(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PACK_HEAD.replace('"kg-2021"', '"kg-2030"') + GOOD_RULE, encoding="utf-8")
    with pytest.raises(RulePackError, match="legislation_set must be one of") as caught:
        load_pack(path)
    assert caught.value.line == 4


def test_it_refuses_pack_dates_outside_the_legislation_set(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PACK_HEAD.replace("2021-12-01", "2020-01-01") + GOOD_RULE, encoding="utf-8")
    with pytest.raises(RulePackError, match="outside legislation set") as caught:
        load_pack(path)
    assert caught.value.line == 5


def test_it_loads_a_pack_with_configured_gaps(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace('duration = "10d"', 'gap = true\nnote = "the law is silent"')
    pack = load_pack(pack_file(tmp_path, rules), configure={"report.decision": "5wd"})
    assert pack.rule("report.decision").duration == Duration(5, "wd")


def test_it_validates_every_shipped_pack_file() -> None:
    files = sorted(RULES_DIR.glob("*.toml"))
    assert [f.name for f in files] == ["kg-1997.toml", "kg-2019.toml", "kg-2021.toml"]
    for path in files:
        assert load_pack(path).path == path
