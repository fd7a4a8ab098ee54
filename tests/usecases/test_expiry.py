"""Expiry: an unpaid order past its payment window is cancelled and its units come back."""
from datetime import timedelta

from shop.clock import utcnow
from shop.orders import services
from shop.orders.expiry import expire_unpaid
from tests.conftest import GOOD_CARD
from tests.usecases.conftest import PAYMENT_TTL_MINUTES, emails_to, ledger_of, place, stock_of


def test_an_unpaid_order_expires_once_its_window_has_passed_and_its_units_come_back(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    placed_at = utcnow()
    order = place(repos, ada, (clock, 3), now=placed_at)

    before = expire_unpaid(repos, placed_at + timedelta(minutes=PAYMENT_TTL_MINUTES - 1))
    after = expire_unpaid(repos, placed_at + timedelta(minutes=PAYMENT_TTL_MINUTES))

    assert (before, after) == (0, 1)
    assert repos.orders.get(order.id).status == "cancelled"
    assert stock_of(db, clock) == 10
    assert ledger_of(db, clock)[-1] == ("order_cancelled", 3)
    assert f"order:{order.id}:cancelled" in emails_to(db, "ada@example.com")


def test_a_paid_order_never_expires(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    placed_at = utcnow()
    order = place(repos, ada, (clock, 3), now=placed_at)
    services.pay_order(repos, ada, order.id, GOOD_CARD, placed_at)

    assert expire_unpaid(repos, placed_at + timedelta(days=1)) == 0
    assert repos.orders.get(order.id).status == "paid"
    assert stock_of(db, clock) == 7


def test_reading_an_overdue_order_expires_it(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    placed_at = utcnow()
    order = place(repos, ada, (clock, 3), now=placed_at)

    read = services.get_order(repos, ada, order.id, placed_at + timedelta(minutes=PAYMENT_TTL_MINUTES + 1))

    assert read.status == "cancelled"
    assert stock_of(db, clock) == 10
