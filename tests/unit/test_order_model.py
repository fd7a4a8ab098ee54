"""The order model: merging lines, totals, and the status state machine. No Flask, no Mongo."""
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from shop.errors import InvalidInput, InvalidTransition
from shop.orders import model
from shop.orders.model import Order, OrderLine, check_transition, merge_lines, price_lines

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled"]
ALLOWED = {("placed", "paid"), ("placed", "cancelled"), ("paid", "shipped"), ("paid", "cancelled"),
           ("shipped", "delivered")}


def an_order(status="placed", items=()):
    return Order(id="o1", number="ABCD-EFGH", user_id="u1", status=status, items=list(items), currency="USD",
                 shipping_address={}, payment=None, history=[], created_at=NOW, updated_at=NOW)


def a_product(product_id, price=1000, active=True, currency="USD"):
    return SimpleNamespace(id=product_id, sku=f"SKU-{product_id}", name=f"Product {product_id}", price=price,
                           active=active, currency=currency)


def test_repeated_products_merge_into_one_line_in_order_of_first_appearance():
    items = [{"product_id": "b", "quantity": 2}, {"product_id": "a", "quantity": 1}, {"product_id": "b", "quantity": 3}]

    assert list(merge_lines(items).items()) == [("b", 5), ("a", 1)]


def test_merged_lines_may_reach_exactly_one_hundred():
    assert merge_lines([{"product_id": "a", "quantity": 60}, {"product_id": "a", "quantity": 40}]) == {"a": 100}


def test_merged_lines_over_one_hundred_are_invalid():
    with pytest.raises(InvalidInput) as raised:
        merge_lines([{"product_id": "a", "quantity": 60}, {"product_id": "a", "quantity": 41}])

    assert "items" in raised.value.details


def test_a_line_total_is_its_unit_price_times_its_quantity_and_the_total_sums_them():
    order = an_order(items=[OrderLine("a", "A", "A", 3450, 3), OrderLine("b", "B", "B", 1, 1)])

    assert [line.line_total for line in order.items] == [10350, 1]
    assert order.subtotal == order.total == 10351
    assert type(order.total) is int


def test_price_lines_copies_sku_name_and_price_from_the_catalogue():
    lines, currency = price_lines({"a": 2}, {"a": a_product("a", price=3450)})

    assert lines == [OrderLine("a", "SKU-a", "Product a", 3450, 2)]
    assert currency == "USD"


def test_price_lines_reports_every_unknown_or_inactive_product_by_its_position():
    with pytest.raises(InvalidInput) as raised:
        price_lines({"a": 1, "gone": 1, "old": 1}, {"a": a_product("a"), "old": a_product("old", active=False)})

    assert set(raised.value.details["items"]) == {"1", "2"}


def test_price_lines_refuses_products_in_different_currencies():
    with pytest.raises(InvalidInput):
        price_lines({"a": 1, "b": 1}, {"a": a_product("a"), "b": a_product("b", currency="EUR")})


@pytest.mark.parametrize("source, target", sorted(ALLOWED))
def test_the_state_machine_allows_its_transitions(source, target):
    check_transition(an_order(source), target)


@pytest.mark.parametrize("source, target", [
    (source, target) for source in STATUSES for target in STATUSES if (source, target) not in ALLOWED])
def test_the_state_machine_refuses_every_other_transition(source, target):
    with pytest.raises(InvalidTransition):
        check_transition(an_order(source), target)


def test_the_transitions_table_is_exactly_the_contracts_state_machine():
    table = {(source, target) for source, targets in model.TRANSITIONS.items() for target in targets}

    assert table == ALLOWED


def test_shoppers_may_cancel_only_placed_or_paid_orders():
    assert set(model.CUSTOMER_CANCELLABLE) == {"placed", "paid"}


def test_order_numbers_are_short_and_avoid_look_alike_characters():
    numbers = {model.new_number() for _ in range(200)}

    assert len(numbers) == 200
    assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", number) for number in numbers)
