"""The order model: merging lines, totals, and the status state machine. No Flask, no Mongo."""
import re
from datetime import datetime, timezone

import pytest

from shop.errors import InvalidInput, InvalidTransition
from shop.orders import model
from shop.orders.model import Order, OrderLine, check_transition, merge_lines, price_lines
from shop.products.model import Product, Variant

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled"]
ALLOWED = {("placed", "paid"), ("placed", "cancelled"), ("paid", "shipped"), ("paid", "cancelled"),
           ("shipped", "delivered")}


def an_order(status="placed", items=()):
    return Order(id="o1", number="ABCD-EFGH", user_id="u1", status=status, items=list(items), currency="USD",
                 shipping_address={}, payment=None, history=[], created_at=NOW, updated_at=NOW)


def a_variant(variant_id, product_id, price=1000, options=None, active=True, stock=10):
    return Variant(id=variant_id, product_id=product_id, sku=f"SKU-{variant_id}", options=options or {}, price=price,
                   stock=stock, active=active, position=0, created_at=NOW, updated_at=NOW)


def a_product(product_id, price=1000, active=True, currency="USD", variants=None):
    """A product with its one default variant (same id), unless `variants` are given."""
    return Product(id=product_id, slug=product_id, name=f"Product {product_id}", description="", currency=currency,
                   active=active, created_at=NOW, updated_at=NOW,
                   options=[{"name": "Size", "values": ["S", "M"]}] if variants else [],
                   variants=variants or [a_variant(product_id, product_id, price)])


def a_tee():
    return a_product("tee", variants=[a_variant("tee-s", "tee", 2500, {"Size": "S"}),
                                      a_variant("tee-m", "tee", 2700, {"Size": "M"}),
                                      a_variant("tee-x", "tee", 2700, {"Size": "M"}, active=False)])


CATALOGUE = {"a": a_product("a"), "b": a_product("b"), "old": a_product("old", active=False), "tee": a_tee()}


def test_repeated_variants_merge_into_one_line_in_order_of_first_appearance():
    items = [{"product_id": "b", "quantity": 2}, {"product_id": "a", "quantity": 1}, {"product_id": "b", "quantity": 3},
             {"product_id": "tee", "variant_id": "tee-m", "quantity": 1},
             {"product_id": "tee", "variant_id": "tee-s", "quantity": 2}]

    assert list(merge_lines(items, CATALOGUE).items()) == [
        (("b", "b"), 5), (("a", "a"), 1), (("tee", "tee-m"), 1), (("tee", "tee-s"), 2)]


def test_merged_lines_may_reach_exactly_one_hundred():
    assert merge_lines([{"product_id": "a", "quantity": 60}, {"product_id": "a", "variant_id": "a", "quantity": 40}],
                       CATALOGUE) == {("a", "a"): 100}


def test_merged_lines_over_one_hundred_are_invalid():
    with pytest.raises(InvalidInput) as raised:
        merge_lines([{"product_id": "a", "quantity": 60}, {"product_id": "a", "quantity": 41}], CATALOGUE)

    assert "items" in raised.value.details


def test_every_unknown_or_inactive_product_or_variant_is_reported_by_its_position():
    items = [{"product_id": "a", "quantity": 1}, {"product_id": "gone", "quantity": 1},
             {"product_id": "old", "quantity": 1}, {"product_id": "tee", "quantity": 1},
             {"product_id": "tee", "variant_id": "tee-x", "quantity": 1},
             {"product_id": "tee", "variant_id": "b", "quantity": 1}]

    with pytest.raises(InvalidInput) as raised:
        merge_lines(items, CATALOGUE)

    errors = raised.value.details["items"]
    assert set(errors) == {"1", "2", "3", "4", "5"}
    assert list(errors["1"]) == ["product_id"] and list(errors["3"]) == ["variant_id"]


def test_a_line_total_is_its_unit_price_times_its_quantity_and_the_total_sums_them():
    order = an_order(items=[OrderLine("a", "A", "A", 3450, 3), OrderLine("b", "B", "B", 1, 1)])

    assert [line.line_total for line in order.items] == [10350, 1]
    assert order.subtotal == order.total == 10351
    assert type(order.total) is int


def test_a_v1_line_means_the_products_default_variant():
    assert OrderLine("a", "A", "A", 100, 1).variant_id == "a"


def test_price_lines_copies_the_variants_sku_price_and_options_and_the_products_name():
    lines, currency = price_lines({("a", "a"): 2, ("tee", "tee-m"): 1}, CATALOGUE)

    assert lines == [OrderLine("a", "SKU-a", "Product a", 1000, 2, variant_id="a"),
                     OrderLine("tee", "SKU-tee-m", "Product tee", 2700, 1, variant_id="tee-m", options={"Size": "M"})]
    assert lines[1].label() == "Size M"
    assert currency == "USD"


def test_price_lines_refuses_products_in_different_currencies():
    with pytest.raises(InvalidInput):
        price_lines({("a", "a"): 1, ("e", "e"): 1}, {"a": a_product("a"), "e": a_product("e", currency="EUR")})


@pytest.mark.parametrize("source, target", sorted(ALLOWED))
def test_the_state_machine_allows_its_transitions(source, target):
    check_transition(an_order(source), target)


@pytest.mark.parametrize("source, target", [
    (source, target) for source in STATUSES for target in STATUSES if (source, target) not in ALLOWED])
def test_the_state_machine_refuses_every_other_transition(source, target):
    with pytest.raises(InvalidTransition):
        check_transition(an_order(source), target)


@pytest.mark.parametrize("status", STATUSES)
def test_the_order_says_which_steps_it_may_take_next(status):
    order = an_order(status)
    steps = {"paid": order.can_pay, "shipped": order.can_ship, "delivered": order.can_deliver,
             "cancelled": order.can_cancel}

    assert {target for target, allowed in steps.items() if allowed} == {t for s, t in ALLOWED if s == status}


def test_shoppers_may_cancel_only_placed_or_paid_orders():
    assert {status for status in STATUSES if an_order(status).can_cancel} == {"placed", "paid"}


def test_order_numbers_are_short_and_avoid_look_alike_characters():
    numbers = {model.new_number() for _ in range(200)}

    assert len(numbers) == 200
    assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", number) for number in numbers)
