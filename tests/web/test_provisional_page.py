"""The pages mark a due time that rests on a day the calendar only estimates."""

from __future__ import annotations

import pytest
from tests.legal.test_provisional import local, term


@pytest.mark.parametrize(("language", "word"), [("ru", "предварительно"), ("en", "provisional")])
def test_the_case_page_marks_a_provisional_due_time(browser, new_case, language, word):
    from icjis.core.models import Case

    number = new_case()
    case = Case.objects.get(number=number)
    for rule, start in (
        ("report.decision", local(2027, 5, 6)),
        ("refusal.appeal", local(2027, 1, 20)),
    ):
        row = term(rule, start, "10d")
        row.case, row.unit_id, row.territory_path = case, case.unit_id, case.territory_path
        row.rule_pack, row.title, row.article, row.start_seq = case.rule_pack, rule, "CPC", 90
        row.save()
    page = browser("unit_head", language).get(f"/cases/{number}/").content.decode()
    section = page[page.index('id="deadlines"') :]
    assert section.count(f">{word}</span>") == 1, section[:3000]
