"""The PIN check: 14 digits, sex digit, birth date; refusals a clerk can act on."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from icjis.core.pin import PinError, normalise_pin, pin_birth_date, pin_sex, validate_pin

TODAY = date(2026, 11, 29)
SEX_DIGIT = {"F": "1", "M": "2"}


def make_pin(born: date, sex: str, tail: str = "12345") -> str:
    return f"{SEX_DIGIT[sex]}{born:%d%m}{born.year:04d}{tail}"


def refusal(pin: str, **kwargs: object) -> PinError:
    kwargs.setdefault("birth_date", None)
    kwargs.setdefault("sex", None)
    kwargs.setdefault("today", TODAY)
    with pytest.raises(PinError) as caught:
        validate_pin(pin, **kwargs)  # type: ignore[arg-type]
    return caught.value


births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["F", "M"])
tails = st.text(alphabet="0123456789", min_size=5, max_size=5)


@settings(derandomize=True, max_examples=300)
@given(born=births, sex=sexes, tail=tails)
def test_it_accepts_any_pin_built_from_a_real_birth_date_and_sex(born, sex, tail):
    pin = make_pin(born, sex, tail)

    assert validate_pin(pin, birth_date=born, sex=sex, today=TODAY) == pin
    assert pin_birth_date(pin) == born
    assert pin_sex(pin) == sex


def test_it_reads_the_sex_from_the_first_digit_one_female_two_male():
    assert pin_sex("11503199012345") == "F"
    assert pin_sex("21503199012345") == "M"
    assert pin_birth_date("21503199012345") == date(1990, 3, 15)


def test_it_returns_the_pin_without_the_spaces_and_hyphens_people_type():
    pin = validate_pin(" 2 15031990-12345 ", birth_date=date(1990, 3, 15), sex="M", today=TODAY)

    assert pin == "21503199012345"
    assert normalise_pin("２１５０３１９９０１２３４５") == "21503199012345"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_it_never_refuses_a_person_for_lack_of_a_pin(blank):
    assert validate_pin(blank, birth_date=date(1990, 3, 15), sex="M", today=TODAY) == ""


def test_it_checks_only_what_is_known_when_birth_date_or_sex_are_missing():
    pin = "11503199012345"

    assert validate_pin(pin, birth_date=None, sex=None, today=TODAY) == pin
    assert validate_pin(pin, birth_date=None, sex="U", today=TODAY) == pin
    assert validate_pin(pin, birth_date=date(1990, 3, 15), sex="female", today=TODAY) == pin


def test_it_accepts_a_birth_date_on_the_29th_of_february_of_a_leap_year():
    assert pin_birth_date("22902200012345") == date(2000, 2, 29)


def test_it_accepts_a_person_born_today():
    assert validate_pin(make_pin(TODAY, "F"), birth_date=TODAY, sex="F", today=TODAY)


@pytest.mark.parametrize("pin", ["2150319901234", "215031990123456", "2", "2150 3199"])
def test_it_refuses_a_pin_of_the_wrong_length(pin):
    error = refusal(pin)

    assert (error.field, error.code) == ("pin", "pin_wrong_length")
    assert "14 digits" in error.message
    assert f"{len(normalise_pin(pin))} were entered" in error.message


@settings(derandomize=True)
@given(digits=st.text(alphabet="0123456789", max_size=30).filter(lambda t: len(t) not in (0, 14)))
def test_it_refuses_every_length_but_fourteen(digits):
    assert refusal(digits).code == "pin_wrong_length"


@pytest.mark.parametrize(
    "pin", ["2150319901234O", "21503199O12345", "2150319901234a", "PIN 2150319901"]
)
def test_it_refuses_a_pin_with_anything_but_digits(pin):
    error = refusal(pin)

    assert (error.field, error.code) == ("pin", "pin_not_digits")
    assert "only the digits" in error.message


def test_it_names_the_character_that_is_not_a_digit():
    assert "'O'" in refusal("2150319901234O").message


def test_it_refuses_digits_of_other_scripts():
    assert refusal("٢١٥٠٣١٩٩٠١٢٣٤٥").code == "pin_not_digits"


@pytest.mark.parametrize("first", ["0", "3", "4", "5", "6", "7", "8", "9"])
def test_it_refuses_a_pin_that_does_not_start_with_one_or_two(first):
    error = refusal(f"{first}1503199012345")

    assert (error.field, error.code) == ("pin", "pin_bad_sex_digit")
    assert f"starts with {first}" in error.message


@pytest.mark.parametrize(
    "pin, shown",
    [
        ("23102199012345", "31.02.1990"),  # no 31 February
        ("22902202312345", "29.02.2023"),  # 2023 is not a leap year
        ("20113199012345", "01.13.1990"),  # no month 13
        ("20003199012345", "00.03.1990"),  # no day 0
        ("21503000012345", "15.03.0000"),  # no year 0
    ],
)
def test_it_refuses_a_pin_whose_date_is_not_a_real_date(pin, shown):
    error = refusal(pin)

    assert (error.field, error.code) == ("pin", "pin_date_impossible")
    assert shown in error.message


def test_it_refuses_a_pin_whose_date_is_before_1900():
    error = refusal("21503189912345")

    assert error.code == "pin_date_impossible"
    assert "before 1900" in error.message


def test_it_refuses_a_pin_whose_date_is_in_the_future():
    error = refusal("23011202612345")  # 30.11.2026, the day after TODAY

    assert (error.field, error.code) == ("pin", "pin_date_in_future")
    assert "30.11.2026" in error.message


def test_it_refuses_a_pin_whose_date_is_not_the_birth_date():
    error = refusal("21503199012345", birth_date=date(1990, 3, 16), sex="M")

    assert (error.field, error.code) == ("pin", "pin_date_mismatch")
    assert "15.03.1990" in error.message
    assert "16.03.1990" in error.message


def test_it_compares_a_birth_datetime_by_its_date():
    assert validate_pin(
        "21503199012345", birth_date=datetime(1990, 3, 15, 0, 0), sex="M", today=TODAY
    )


@settings(derandomize=True)
@given(born=births, other=births, sex=sexes)
def test_it_refuses_any_pin_whose_date_differs_from_the_birth_date(born, other, sex):
    assume(born != other)
    error = refusal(make_pin(born, sex), birth_date=other, sex=sex)

    assert error.code == "pin_date_mismatch"


@pytest.mark.parametrize(
    "pin, sex, words",
    [("21503199012345", "F", ("male", "female")), ("11503199012345", "M", ("female", "male"))],
)
def test_it_refuses_a_pin_whose_sex_digit_is_not_the_sex_entered(pin, sex, words):
    error = refusal(pin, birth_date=date(1990, 3, 15), sex=sex)

    assert (error.field, error.code) == ("pin", "pin_sex_mismatch")
    assert f"which means {words[0]}" in error.message
    assert f"sex entered is {words[1]}" in error.message


def test_it_refuses_a_sex_code_it_does_not_know():
    error = refusal("21503199012345", sex="Q")

    assert (error.field, error.code) == ("sex", "sex_invalid")


def test_its_refusals_are_value_errors_that_print_as_their_sentence():
    error = refusal("123")

    assert isinstance(error, ValueError)
    assert str(error) == error.message
    assert error.message.endswith(".")


def test_it_refuses_to_read_a_date_or_sex_from_a_malformed_pin():
    with pytest.raises(PinError):
        pin_birth_date("31503199012345")
    with pytest.raises(PinError):
        pin_sex("23102199012345")
