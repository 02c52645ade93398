"""The reasons for manual calculation are said again from their templates: an event keeps a
reason as English text, and `sentence.manual_reason` finds the template that made it among
`MANUAL_REASONS`. That list must hold every reason the module makes, and nothing else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from icjis.core.refusals import Said, say
from icjis.prisons import sentence
from icjis.prisons.sentence import MANUAL_REASONS, manual_reason

PRISONS = Path(sentence.__file__).parent


# Where a reason for manual calculation is made: the message of `ManualCalculation`, what the
# functions that find a reason return, and what an act records as its `manual`.
REASON_FUNCTIONS = {"sentence_of", "combine_reason"}


def _is_say(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"


def made_reasons() -> set[str]:
    """The templates of the `say` calls in the prisons module whose sentence is a reason for
    manual calculation."""
    found: set[str] = set()

    def template(node: ast.Call) -> str:
        return node.args[0].value  # type: ignore[attr-defined,no-any-return]

    for path in PRISONS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "ManualCalculation":
                    found |= {template(a) for a in node.args if _is_say(a)}
            if isinstance(node, ast.Assign) and _is_say(node.value):
                target = node.targets[0]
                if isinstance(target, ast.Subscript) and getattr(target.slice, "value", None) == (
                    "manual"
                ):
                    found.add(template(node.value))  # type: ignore[arg-type]
            if isinstance(node, ast.FunctionDef) and node.name in REASON_FUNCTIONS:
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        found |= {template(c) for c in ast.walk(ret.value) if _is_say(c)}
    return found


def test_the_list_holds_every_reason_the_module_makes():
    assert len(MANUAL_REASONS) == len(set(MANUAL_REASONS)) == 8
    assert made_reasons() == set(MANUAL_REASONS)


# Values as reasons carry them: ids, article lists, versions, words (no Latin lower case, so no
# value can hold a piece of a template's own English; the real values below have it).
VALUE = st.text(alphabet="ABCKGP0123456789-_., абвгдеёжзийклмнопрстуфхцчшщыэюя", min_size=1)


@given(st.sampled_from(MANUAL_REASONS), st.data())
def test_a_reason_kept_as_text_is_found_again_with_its_values(template, data):
    names = sorted(set(re.findall(r"%\((\w+)\)s", template)))
    values = {name: data.draw(VALUE) for name in names}
    text = str(say(template, **values))
    again = manual_reason(text)
    assert isinstance(again, Said) and again == text
    assert again.template == template and again.values == values


def test_a_reason_recorded_otherwise_stays_as_it_was():
    assert manual_reason("Calculated on paper.") == "Calculated on paper."
    assert not isinstance(manual_reason("Calculated on paper."), Said)


CASE = "26-0101-000001-5"


def test_reasons_with_the_values_they_really_carry_are_found_again():
    for template, values in [
        (MANUAL_REASONS[0], {"set": "kg-2021"}),
        (MANUAL_REASONS[1], {"category": "unknown", "article": "CC 88(4)"}),
        (MANUAL_REASONS[3], {"regime": "special", "article": "CC 67"}),
        (MANUAL_REASONS[4], {"version": "kg-2021.1", "set": "kg-1997"}),
        (MANUAL_REASONS[6], {"person": "P0A1B2C3D4E5F", "case": CASE, "state": "held"}),
    ]:
        again = manual_reason(str(say(template, **values)))
        assert isinstance(again, Said) and (again.template, again.values) == (template, values)
