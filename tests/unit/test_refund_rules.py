"""The refund rule (shop/orders/refunds.py): units cost what the contract's per-unit rounding
says, and a line refunded in any number of pieces gives back exactly what was paid for it."""
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.errors import InvalidInput, InvalidTransition, RefundExceedsPayment
from shop.orders import refunds
from shop.orders.model import Order, OrderLine

NOW = datetime(2026, 12, 2, tzinfo=timezone.utc)


def order_of(*lines, status="paid", include_tax=True, refunded=0, paid=None):
    items = [OrderLine(f"p{n}", f"SKU-{n}", f"Item {n}", price, quantity, discount=discount, tax=tax)
             for n, (price, quantity, discount, tax) in enumerate(lines)]
    total = sum(line.line_total - line.discount + (0 if include_tax else line.tax) for line in items)
    payment = {"status": "paid", "amount": total if paid is None else paid, "refunded_amount": refunded}
    return Order(id="o1", number="AAAA-BBBB", user_id="u1", status=status, items=items, currency="USD",
                 shipping_address={}, payment=payment, history=[], created_at=NOW, updated_at=NOW,
                 prices_include_tax=include_tax, total=total)


def back(product, quantity, restock=True):
    return {"product_id": product, "quantity": quantity, "restock": restock}


@given(price=st.integers(0, 100_000), quantity=st.integers(1, 100), discount_share=st.integers(0, 100),
       tax=st.integers(0, 5_000), include_tax=st.booleans(), data=st.data())
def test_a_line_refunded_in_any_pieces_gives_back_exactly_what_was_paid_for_it(price, quantity, discount_share, tax,
                                                                               include_tax, data):
    discount = price * quantity * discount_share // 100
    order = order_of((price, quantity, discount, tax), include_tax=include_tax)
    paid = refunds.paid_for_line(order, order.items[0])
    pieces, left = [], quantity
    while left:
        piece = data.draw(st.integers(1, left))
        pieces.append(piece)
        left -= piece

    given_back, done = 0, 0
    for piece in pieces:
        cost = refunds.units_cost(order, order.items[0], done, piece)
        assert cost >= 0
        given_back += cost
        done += piece

    assert given_back == paid


def test_three_units_paid_899_come_back_as_300_299_300():
    order = order_of((333, 3, 100, 0))

    assert [refunds.units_cost(order, order.items[0], done, 1) for done in range(3)] == [300, 299, 300]


def test_tax_excluded_from_prices_is_refunded_with_the_units():
    order = order_of((1000, 2, 0, 190), include_tax=False)

    assert refunds.units_cost(order, order.items[0], 0, 1) == 1095


def test_a_plan_refuses_more_than_is_left_to_refund():
    order = order_of((1000, 2, 0, 0), refunded=1500)

    with pytest.raises(RefundExceedsPayment) as refused:
        refunds.plan(order, 600, [])

    assert refused.value.details == {"refundable": 500}


def test_a_plan_refuses_units_beyond_the_line_and_lines_not_on_the_order():
    order = order_of((1000, 2, 0, 0))
    order.items[0].refunded = 1

    with pytest.raises(InvalidInput) as refused:
        refunds.plan(order, None, [back("p0", 2), back("nope", 1)])

    assert refused.value.details == {"lines": {"0": {"quantity": ["Only 1 of this line can still be refunded."]},
                                               "1": {"product_id": ["This order has no such line."]}}}


@pytest.mark.parametrize("status", ["placed", "cancelled"])
def test_only_paid_shipped_or_delivered_orders_are_refunded(status):
    with pytest.raises(InvalidTransition):
        refunds.plan(order_of((1000, 1, 0, 0), status=status), 100, [])


def test_the_payment_status_follows_what_went_back():
    order = order_of((1000, 2, 0, 0))

    assert refunds.payment_status_after(order, 0) == "paid"
    assert refunds.payment_status_after(order, 1) == "partially_refunded"
    assert refunds.payment_status_after(order, 2000) == "refunded"
