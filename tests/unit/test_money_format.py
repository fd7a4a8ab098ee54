"""Money shown from integer minor units, never through a float."""
import pytest

from shop.money import format_money


@pytest.mark.parametrize("minor_units, currency, shown", [
    (0, "USD", "$0.00"),
    (5, "USD", "$0.05"),
    (3450, "USD", "$34.50"),
    (123456, "USD", "$1,234.56"),
    (100_000_000_00, "USD", "$100,000,000.00"),
    (-1999, "USD", "-$19.99"),
    (3450, "EUR", "€34.50"),
    (3450, "GBP", "£34.50"),
    (3450, "CHF", "CHF 34.50"),
    (3450, "SEK", "34.50 SEK"),
])
def test_format_money_shows_minor_units_with_the_currency(minor_units, currency, shown):
    assert format_money(minor_units, currency) == shown


def test_format_money_defaults_to_dollars():
    assert format_money(100) == "$1.00"


def test_format_money_is_exact_where_a_float_would_round():
    assert format_money(2**53 + 1) == "$90,071,992,547,409.93"
