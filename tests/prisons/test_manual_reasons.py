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


REFUSALS = {"Conflict", "Invalid", "NotFound", "Forbidden"}


def made_reasons() -> set[str]:
    """The templates of `say` in the prisons module that send a sentence to be done by hand: not
    a refusal's sentence, nor an alert's that quotes a reason (`%(reason)s`)."""
    found = set()
    for path in PRISONS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        refused = {
            id(arg)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in REFUSALS
            for arg in node.args
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                template = node.args[0].value  # type: ignore[attr-defined]
                quotes = "%(reason)s" in template
                if "by hand" in template and not quotes and id(node) not in refused:
                    found.add(template)
    return found


def test_the_list_holds_every_reason_the_module_makes():
    assert len(MANUAL_REASONS) == len(set(MANUAL_REASONS)) == 8
    assert made_reasons() == set(MANUAL_REASONS)


# Values as reasons carry them: ids, article lists, versions, words (no Latin lower case, so no
# value can hold a piece of a template's own English).
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
