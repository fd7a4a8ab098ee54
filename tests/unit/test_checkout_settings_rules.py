"""The rules the order code asks of a shipping method and a discount code: no Flask, no store."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.discounts.model import DiscountCode, fold, rule_problems
from shop.pricing import Discount, Shipping, price
from shop.shipping.model import ShippingMethod
from shop.taxes.model import TaxRate

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def method(**fields):
    values = dict(id="m1", name="Standard", countries=("US", "CA"), price=500, free_over=5000, currency="USD",
                  active=True, created_at=NOW, updated_at=NOW)
    return ShippingMethod(**{**values, **fields})


def code(**fields):
    values = dict(id="c1", code="Summer10", kind="percent", value=1000, currency=None, min_subtotal=0,
                  starts_at=None, ends_at=None, max_uses=None, max_uses_per_customer=None, active=True, uses=0,
                  created_at=NOW, updated_at=NOW)
    return DiscountCode(**{**values, **fields})


@pytest.mark.parametrize("shipping, country, currency, serves", [
    (method(), "US", "USD", True), (method(), "CA", "USD", True), (method(), "DE", "USD", False),
    (method(), "US", "EUR", False), (method(active=False), "US", "USD", False),
    (method(countries=("*",)), "JP", "USD", True), (method(countries=("*",)), "JP", "EUR", False),
    (method(countries=("*",), active=False), "JP", "USD", False),
])
def test_a_method_serves_only_its_countries_in_its_currency_while_active(shipping, country, currency, serves):
    assert shipping.serves(country, currency) is serves


def test_a_method_as_the_pricing_sees_it_is_free_over_its_threshold():
    shipping = method().as_pricing()

    assert shipping == Shipping(method_id="m1", name="Standard", price=500, free_over=5000)
    assert price([(4999, 1)], shipping).shipping_amount == 500
    assert price([(5000, 1)], shipping).shipping_amount == 0
    assert method(free_over=None).as_pricing().amount_for(10**9) == 500


def test_a_usable_code_has_no_problem():
    assert code().problem(1000, "USD", NOW, 0) is None
    assert code(kind="fixed", value=500, currency="EUR", min_subtotal=1000, max_uses=5, uses=4,
                max_uses_per_customer=2, starts_at=NOW, ends_at=NOW + timedelta(seconds=1)
                ).problem(1000, "EUR", NOW, 1) is None


@pytest.mark.parametrize("discount, subtotal, currency, uses_by_customer, words", [
    (code(active=False), 1000, "USD", 0, "not active"),
    (code(starts_at=NOW + timedelta(minutes=1)), 1000, "USD", 0,
     "cannot be used yet: it starts on 01 December 2026, 12:01 UTC"),
    (code(ends_at=NOW), 1000, "USD", 0, "has expired: it ended on 01 December 2026, 12:00 UTC"),
    (code(ends_at=NOW - timedelta(days=1)), 1000, "USD", 0, "has expired"),
    (code(max_uses=5, uses=5), 1000, "USD", 0, "used up"),
    (code(max_uses=5, uses=6), 1000, "USD", 0, "used up"),
    (code(max_uses_per_customer=1), 1000, "USD", 1, "already used this discount code once"),
    (code(max_uses_per_customer=3), 1000, "USD", 3, "already used this discount code 3 times"),
    (code(min_subtotal=5000), 4999, "USD", 0, "at least $50.00"),
    (code(min_subtotal=5000), 4999, "SEK", 0, "at least 50.00 SEK"),
    (code(kind="fixed", value=500, currency="EUR"), 1000, "USD", 0, "for orders in EUR only"),
])
def test_each_reason_a_code_cannot_be_used_is_said_in_its_own_words(discount, subtotal, currency, uses_by_customer,
                                                                   words):
    problem = discount.problem(subtotal, currency, NOW, uses_by_customer)

    assert words in problem and problem.startswith(("This discount code", "You have")) and problem.endswith(".")


def test_each_case_has_a_message_of_its_own():
    cases = [code(active=False), code(starts_at=NOW + timedelta(days=1)), code(ends_at=NOW), code(max_uses=1, uses=1),
             code(max_uses_per_customer=1), code(min_subtotal=10**6), code(kind="fixed", value=1, currency="EUR")]

    messages = {case.problem(1000, "USD", NOW, 1) for case in cases}

    assert len(messages) == len(cases) and None not in messages


def test_a_percent_code_takes_no_part_of_the_currency_into_account():
    assert code().problem(1000, "JPY", NOW, 0) is None


def test_a_code_as_the_pricing_sees_it():
    assert code().as_pricing() == Discount(code="Summer10", kind="percent", value=1000)
    assert price([(1999, 3)], discount=code().as_pricing()).discount == 600
    assert code(kind="fixed", value=500, currency="USD").as_pricing().amount_for(300) == 300


def test_codes_fold_to_one_key_ignoring_case_and_spaces():
    assert fold("  Summer10 ") == fold("SUMMER10") == "summer10"


@pytest.mark.parametrize("fields, field", [
    ({"kind": "percent", "value": 10001}, "value"), ({"kind": "percent", "value": 5, "currency": "USD"}, "currency"),
    ({"kind": "fixed", "value": 5, "currency": None}, "currency"),
    ({"kind": "percent", "value": 5, "starts_at": NOW, "ends_at": NOW}, "ends_at"),
])
def test_the_fields_of_a_code_must_agree(fields, field):
    assert field in rule_problems(fields)


def test_fields_that_agree_have_no_problems():
    assert rule_problems({"kind": "fixed", "value": 10**6, "currency": "EUR", "starts_at": NOW,
                          "ends_at": NOW + timedelta(seconds=1)}) == {}
    assert rule_problems({"kind": "percent", "value": 10000, "currency": None}) == {}


@pytest.mark.parametrize("rate_bp, shown", [(2000, "20%"), (755, "7.55%"), (750, "7.5%"), (0, "0%"), (10000, "100%")])
def test_a_rate_reads_as_a_percentage(rate_bp, shown):
    assert TaxRate("t1", "DE", rate_bp, NOW, NOW).percent() == shown
