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


READ_AS_CODE = set(ALPHABET) | set(ALPHABET.lower()) | set("OoIiLl")


@given(st.text(max_size=40))
def test_a_letter_outside_the_code_makes_no_code(text):
    """Any letter or digit a code cannot hold (U, a Cyrillic look-alike such as О or С, a
    superscript …) is refused, never dropped; separators alone are ignored."""
    kept = [c for c in text if c.isalnum()]
    found = normalise(text)
    if any(c not in READ_AS_CODE for c in kept) or len(kept) != LENGTH:
        assert found is None
    else:
        assert found is not None and len(found) == LENGTH and set(found) <= set(ALPHABET)


def test_cyrillic_look_alikes_and_u_are_refused():
    assert normalise("ABCD-EFGH-JKMN") == "ABCDEFGHJKMN"
    assert normalise("АВСD-EFGH-JKMN") is None  # Cyrillic А, В, С
    assert normalise("ABCD-EFGH-JKMU") is None  # U is not in the alphabet


def test_new_codes_are_well_formed_and_differ():
    made = {new_code() for _ in range(1000)}
    assert len(made) == 1000 and all(normalise(c) == c for c in made)
