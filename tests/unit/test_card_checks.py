"""The sandbox gateway's pure pieces: the Luhn check and the card brand."""
import pytest

from shop.orders.cards import card_brand, luhn_valid


@pytest.mark.parametrize("number", [
    "4242424242424242", "4000000000000002", "5555555555554444", "378282246310005", "6011111111111117",
    "79927398713", "0",
])
def test_numbers_that_pass_the_luhn_check(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "4242424242424243", "79927398710", "1234567812345678"])
def test_numbers_that_fail_the_luhn_check(number):
    assert not luhn_valid(number)


@pytest.mark.parametrize("number, brand", [
    ("4242424242424242", "visa"),
    ("5555555555554444", "mastercard"),
    ("2223003122003222", "mastercard"),
    ("378282246310005", "amex"),
    ("341111111111111", "amex"),
    ("6011111111111117", "discover"),
    ("6500000000000002", "discover"),
    ("3056930009020004", "unknown"),
    ("2720990000000007", "mastercard"),
    ("2721000000000005", "unknown"),
])
def test_the_brand_comes_from_the_number_prefix(number, brand):
    assert card_brand(number) == brand
