"""Cancelling an order: its units come back once, and what was paid goes back."""
import pytest

from shop.clock import utcnow
from shop.errors import InvalidTransition
from shop.orders import services
from tests.conftest import GOOD_CARD
from tests.usecases.conftest import emails_to, ledger_of, place, stock_of


def test_cancelling_an_unpaid_order_puts_its_units_back(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    order = place(repos, ada, (clock, 4))

    cancelled = services.cancel_order(repos, ada, order.id, utcnow(), reason="Changed my mind")

    assert cancelled.status == "cancelled"
    assert stock_of(db, clock) == 10
    assert ledger_of(db, clock) == [("initial", 10), ("order_placed", -4), ("order_cancelled", 4)]
    assert cancelled.payment is None
    assert f"order:{order.id}:cancelled" in emails_to(db, "ada@example.com")


def test_cancelling_a_paid_order_refunds_the_whole_payment(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10, price=3450)
    order = place(repos, ada, (clock, 2))
    paid = services.pay_order(repos, ada, order.id, GOOD_CARD, utcnow())

    cancelled = services.cancel_order(repos, ada, order.id, utcnow())

    assert paid.status == "paid" and paid.payment["amount"] == 6900
    assert cancelled.status == "cancelled"
    assert cancelled.refunded_amount == 6900 and cancelled.payment["status"] == "refunded"
    assert stock_of(db, clock) == 10


def test_a_cancelled_order_cannot_be_cancelled_again_and_gives_nothing_back_twice(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    order = place(repos, ada, (clock, 4))
    services.cancel_order(repos, ada, order.id, utcnow())

    with pytest.raises(InvalidTransition):
        services.cancel_order(repos, ada, order.id, utcnow())

    assert stock_of(db, clock) == 10
    assert sum(delta for _, delta in ledger_of(db, clock)) == 10
