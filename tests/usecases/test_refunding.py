"""Refunding a paid order: money back, never more than was paid, and units back if asked."""
import pytest

from shop.clock import utcnow
from shop.errors import RefundExceedsPayment
from shop.orders import services
from shop.orders.refunding import RefundRequest, refund_order
from tests.conftest import GOOD_CARD
from tests.usecases.conftest import ledger_of, place, stock_of


@pytest.fixture
def paid(repos, ada, make_product):
    """A paid order of 3 clocks at 34.50; the clock, as a second value."""
    clock = make_product("RETRO-CLOCK", 10, price=3450)
    order = place(repos, ada, (clock, 3))
    return services.pay_order(repos, ada, order.id, GOOD_CARD, utcnow()), clock


def test_a_refund_of_one_returned_unit_gives_back_its_price_and_restocks_it(db, repos, admin, paid):
    order, clock = paid
    lines = [{"product_id": clock.id, "quantity": 1, "restock": True}]

    refunded, refund, created = refund_order(repos, admin, order.id, RefundRequest(None, lines, "Chipped"), None,
                                             utcnow())

    assert created and refund.amount == 3450
    assert refunded.status == "paid" and refunded.refunded_amount == 3450
    assert refunded.payment["status"] == "partially_refunded"
    assert stock_of(db, clock) == 8
    assert ledger_of(db, clock)[-1] == ("returned", 1)


def test_refunding_the_rest_marks_the_payment_refunded_and_no_more_can_go_back(db, repos, admin, paid):
    order, clock = paid
    refund_order(repos, admin, order.id, RefundRequest(1000, [], "Late"), None, utcnow())

    refunded, refund, _ = refund_order(repos, admin, order.id, RefundRequest(3 * 3450 - 1000, [], "Late"), None,
                                       utcnow())

    assert refund.amount == 9350 and refunded.refunded_amount == 3 * 3450
    assert refunded.payment["status"] == "refunded"
    assert stock_of(db, clock) == 7  # money back only: the units stay with the shopper
    with pytest.raises(RefundExceedsPayment):
        refund_order(repos, admin, order.id, RefundRequest(1, [], "Again"), None, utcnow())


def test_a_refund_retried_with_its_key_is_made_once(repos, admin, paid):
    order, _ = paid
    request = RefundRequest(500, [], "Scratched")

    first = refund_order(repos, admin, order.id, request, "refund-1", utcnow())
    again = refund_order(repos, admin, order.id, request, "refund-1", utcnow())

    assert (first[2], again[2]) == (True, False) and again[1].id == first[1].id
    assert again[0].refunded_amount == 500
