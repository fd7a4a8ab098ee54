"""The pricing rule: the contract's identities for any lines, rates and codes, and its
rounding, checked against exact fractions."""
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.pricing import FREE, Discount, Shipping, price, round_half_up, spread, tax_on

lines_strategy = st.lists(st.tuples(st.integers(0, 10**7), st.integers(1, 100)), min_size=1, max_size=12)
rates = st.integers(0, 10_000)
discounts = st.one_of(
    st.none(),
    st.builds(Discount, code=st.just("SAVE"), kind=st.just("percent"), value=st.integers(1, 10_000)),
    st.builds(Discount, code=st.just("OFF"), kind=st.just("fixed"), value=st.integers(1, 10**9)),
)
shippings = st.one_of(
    st.just(FREE),
    st.builds(Shipping, method_id=st.just("m1"), name=st.just("Post"), price=st.integers(0, 10**5),
              free_over=st.one_of(st.none(), st.integers(0, 10**8))),
)


def exact_half_up(fraction):
    """The nearest integer to a non-negative fraction, halves up, from exact arithmetic."""
    whole = fraction.numerator // fraction.denominator
    return whole + (1 if fraction - whole >= Fraction(1, 2) else 0)


@settings(max_examples=400, deadline=None)
@given(lines_strategy, shippings, rates, discounts, st.booleans())
def test_the_contract_identities_hold_for_any_order(lines, shipping, rate, discount, included):
    totals = price(lines, shipping, rate, discount, included)

    assert totals.subtotal == sum(line.line_total for line in totals.lines)
    assert all(line.line_total == line.unit_price * line.quantity for line in totals.lines)
    assert totals.discount == sum(line.discount for line in totals.lines)
    assert 0 <= totals.discount <= totals.subtotal
    assert all(0 <= line.discount <= line.line_total for line in totals.lines)
    assert totals.tax_total == sum(line.tax for line in totals.lines) + totals.shipping_tax
    assert totals.total == (totals.subtotal - totals.discount + totals.shipping_amount
                            + (0 if included else totals.tax_total))
    assert totals.total >= 0


@settings(max_examples=300, deadline=None)
@given(lines_strategy, rates, discounts, st.booleans())
def test_each_line_is_taxed_once_on_its_total_after_its_discount_rounded_half_up(lines, rate, discount, included):
    totals = price(lines, FREE, rate, discount, included)
    for line in totals.lines:
        net = line.line_total - line.discount
        exact = Fraction(net * rate, 10_000 + rate) if included else Fraction(net * rate, 10_000)
        assert line.tax == exact_half_up(exact)


@settings(max_examples=300, deadline=None)
@given(lines_strategy, st.integers(1, 10_000))
def test_a_percent_code_takes_its_share_of_the_subtotal_rounded_half_up(lines, value):
    totals = price(lines, discount=Discount("SAVE", "percent", value))
    assert totals.discount == min(exact_half_up(Fraction(totals.subtotal * value, 10_000)), totals.subtotal)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=12))
def test_shares_add_up_and_each_is_within_one_unit_of_its_exact_share(amount, weights):
    shares = spread(amount, weights)
    whole = sum(weights)
    if whole == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == amount
    for share, weight in zip(shares, weights):
        exact = Fraction(amount * weight, whole)
        assert exact - 1 < share < exact + 1


def test_the_leftover_units_go_to_the_largest_remainders_ties_to_the_earlier_line():
    # 100 over three equal lines: 33.33 each; the one unit left goes to the first.
    assert spread(100, [1, 1, 1]) == [34, 33, 33]
    # 10 over 1:2:3 -> 1.67, 3.33, 5.0: whole shares 1, 3, 5; the unit left goes to 1.67.
    assert spread(10, [1, 2, 3]) == [2, 3, 5]
    assert spread(0, [5, 5]) == [0, 0]


def test_the_api_references_worked_example():
    """The worked example in docs/API.md's "Money" section, to the cent."""
    totals = price([(1999, 3), (500, 1)], Shipping("std", "Standard", 495, free_over=None), 2000,
                   Discount("TEN", "percent", 1000), prices_include_tax=True)
    assert totals.subtotal == 6497
    assert totals.discount == 650
    assert [line.discount for line in totals.lines] == [600, 50]
    assert [line.tax for line in totals.lines] == [900, 75]
    assert totals.shipping_amount == 495 and totals.shipping_tax == 83
    assert totals.tax_total == 1058
    assert totals.total == 6342

    excluded = price([(1999, 3), (500, 1)], Shipping("std", "Standard", 495), 2000,
                     Discount("TEN", "percent", 1000), prices_include_tax=False)
    assert [line.tax for line in excluded.lines] == [1079, 90]
    assert excluded.shipping_tax == 99 and excluded.tax_total == 1268
    assert excluded.total == 6497 - 650 + 495 + 1268


def test_shipping_is_free_at_or_above_its_threshold_after_the_discount():
    method = Shipping("std", "Standard", 495, free_over=5000)
    assert price([(5000, 1)], method).shipping_amount == 0
    assert price([(4999, 1)], method).shipping_amount == 495
    # 5,500 less 10% is 4,950: under the threshold, so shipping is charged.
    assert price([(5500, 1)], method, discount=Discount("TEN", "percent", 1000)).shipping_amount == 495


def test_a_fixed_code_never_takes_more_than_the_subtotal():
    totals = price([(300, 1), (200, 1)], discount=Discount("BIG", "fixed", 10_000))
    assert totals.discount == 500 and totals.total == 0
    assert [line.discount for line in totals.lines] == [300, 200]


def test_round_half_up_rounds_halves_up_and_refuses_negatives():
    assert [round_half_up(n, 2) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert round_half_up(1, 3) == 0 and round_half_up(2, 3) == 1
    with pytest.raises(ValueError):
        round_half_up(-1, 2)
    assert tax_on(1200, 2000, True) == 200 and tax_on(1000, 2000, False) == 200


def test_bad_input_is_refused_rather_than_priced():
    with pytest.raises(ValueError):
        price([(100, 0)])
    with pytest.raises(ValueError):
        price([(-1, 1)])
    with pytest.raises(ValueError):
        price([(100, 1)], tax_rate_bp=10_001)
