"""Amounts and percents as a person types them (shop/money.py read_amount, read_percent):
what they mean, in either convention, and never 100 times it."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.money import AMBIGUOUS, NOT_A_PERCENT, NOT_AN_AMOUNT, format_amount, format_percent, read_amount, \
    read_percent

AMOUNTS = st.integers(min_value=0, max_value=10**15 - 1)  # minor units, up to 13 digits of whole units


def grouped(minor_units, thousands, decimal):
    """`123456` with `,` and `.` -> `1,234.56`."""
    whole, hundredths = divmod(minor_units, 100)
    return f"{whole:,}".replace(",", thousands) + f"{decimal}{hundredths:02d}"


@pytest.mark.parametrize("typed, minor_units", [
    ("7,95", 795), ("7.95", 795), ("4,95", 495), ("5,00", 500), ("9,99", 999), ("0,5", 50), ("1,5", 150),
    ("7", 700), (" 12 ", 1200), ("1,234.50", 123450), ("1.234,50", 123450), ("1,234,567.00", 123456700),
    ("1.234.567,5", 123456750), ("1,234,567", 123456700), ("1.234.567", 123456700), ("0012.30", 1230),
])
def test_an_amount_reads_as_what_the_person_means(typed, minor_units):
    assert read_amount(typed).value == minor_units


@pytest.mark.parametrize("typed", ["1,500", "1.500", "12,345", "0,500", "1,5,0", "1,234,56", "1.234,567", "1,2.50",
                                   "1234,567", "1.5,00"])
def test_an_amount_that_does_not_read_one_way_is_refused_with_how_to_type_it(typed):
    assert read_amount(typed).value is None and read_amount(typed).problem == AMBIGUOUS


@pytest.mark.parametrize("typed", ["", "ten", "-5", "+5", "12.", ".5", "1,,5", "1 234", "1e3", "12.50 USD", "$12",
                                   "٣", "1" * 41])
def test_what_is_not_an_amount_is_refused(typed):
    assert read_amount(typed).value is None and read_amount(typed).problem == NOT_AN_AMOUNT


@given(AMOUNTS)
def test_every_amount_the_form_shows_reads_back_as_itself(minor_units):
    assert read_amount(format_amount(minor_units)).value == minor_units


@given(AMOUNTS)
def test_an_amount_typed_in_either_convention_reads_the_same(minor_units):
    typings = {grouped(minor_units, ",", "."), grouped(minor_units, ".", ","), format_amount(minor_units),
               format_amount(minor_units).replace(".", ",")}

    assert {read_amount(typed).value for typed in typings} == {minor_units}


@given(st.integers(min_value=1, max_value=999), st.text("0123456789", min_size=1, max_size=2), st.sampled_from(",."))
def test_a_decimal_comma_or_point_is_never_read_as_a_hundred_times_the_amount(whole, decimals, separator):
    typed = f"{whole}{separator}{decimals}"

    read = read_amount(typed).value

    assert read == whole * 100 + int(decimals.ljust(2, "0"))
    assert read != int(f"{whole}{decimals}") * 100


@given(st.text(",.0123456789 ", max_size=20))
def test_any_accepted_input_is_its_digits_scaled_by_the_decimals_typed_never_100_times_them(typed):
    reading = read_amount(typed)

    if reading.value is not None:
        digits = int("".join(character for character in typed if character.isdigit()))
        tail = re.search(r"[.,]([0-9]{1,2})$", typed.strip())
        assert reading.value == digits * 10 ** (2 - (len(tail[1]) if tail else 0))


@pytest.mark.parametrize("typed, basis_points", [
    ("19", 1900), ("19.5", 1950), ("19,5", 1950), ("10%", 1000), (" 7.55 % ", 755), ("0", 0), ("100", 10000),
])
def test_a_percent_reads_as_basis_points(typed, basis_points):
    assert read_percent(typed).value == basis_points


@pytest.mark.parametrize("typed", ["", "19.555", "ten", "-5", "19%%", "1,500", "%", "19.5.0"])
def test_what_is_not_a_percent_is_refused(typed):
    assert read_percent(typed).value is None and read_percent(typed).problem == NOT_A_PERCENT


@given(st.integers(min_value=0, max_value=10_000))
def test_every_rate_the_form_shows_reads_back_as_itself(basis_points):
    assert read_percent(format_percent(basis_points)).value == basis_points
