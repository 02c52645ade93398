"""Verification codes: what is printed reads back, however it is typed; nothing else does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from icjis.documents.codes import ALPHABET, LENGTH, display, new_code, normalise

codes = st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH)
# What a reader may do to a printed code: change the case, drop or add dashes and spaces, read a
# zero as the letter O, a one as I or L.
SLIPS = {"0": "0oO", "1": "1iIlL"}


@given(codes, st.data())
def test_a_printed_code_reads_back_however_it_is_typed(code, data):
    printed = display(code)
    assert printed.count("-") == 2 and printed.replace("-", "") == code
    typed = "".join(
        data.draw(st.sampled_from(SLIPS.get(c, c + c.lower())))
        + data.draw(st.sampled_from(["", "", " ", "-"]))
        for c in code
    )
    assert normalise(typed) == code


@given(st.text(max_size=40))
def test_anything_else_is_no_code_or_a_well_formed_one(text):
    found = normalise(text)
    assert found is None or (len(found) == LENGTH and set(found) <= set(ALPHABET))


def test_new_codes_are_well_formed_and_differ():
    made = {new_code() for _ in range(1000)}
    assert len(made) == 1000 and all(normalise(c) == c for c in made)
