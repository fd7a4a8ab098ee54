"""Placing an order: all of it, or nothing of it."""
import pytest

from shop.clock import utcnow
from shop.errors import OutOfStock
from shop.orders.placing import place_order
from tests.usecases.conftest import PAYMENT_TTL_MINUTES, checkout, emails_to, ledger_of, place, stock_of


def test_a_placed_order_holds_its_units_and_totals_its_lines(db, repos, ada, make_product):
    clock, mug = make_product("RETRO-CLOCK", 10, price=3450), make_product("MUG-STONE", 6, price=1250)

    order = place(repos, ada, (clock, 2), (mug, 1))

    assert order.status == "placed" and order.user_id == ada.id
    assert order.total == 2 * 3450 + 1250
    assert [(line.sku, line.quantity, line.unit_price) for line in order.items] == [
        ("RETRO-CLOCK", 2, 3450), ("MUG-STONE", 1, 1250)]
    assert (stock_of(db, clock), stock_of(db, mug)) == (8, 5)
    assert ledger_of(db, clock) == [("initial", 10), ("order_placed", -2)]
    assert emails_to(db, "ada@example.com") == [f"order:{order.id}:placed"]


def test_an_order_with_a_short_line_is_refused_whole_naming_it_and_moves_nothing(db, repos, ada, make_product):
    clock, mug = make_product("RETRO-CLOCK", 10), make_product("MUG-STONE", 1)

    with pytest.raises(OutOfStock) as refused:
        place(repos, ada, (clock, 2), (mug, 3))

    assert refused.value.details["items"] == [
        {"product_id": mug.id, "variant_id": mug.id, "requested": 3, "available": 1}]
    assert (stock_of(db, clock), stock_of(db, mug)) == (10, 1)
    assert db.orders.count_documents({"status": "placed"}) == 0
    assert emails_to(db, "ada@example.com") == []


def test_placing_again_with_the_same_key_gives_the_same_order_and_takes_nothing_more(db, repos, ada, make_product):
    clock = make_product("RETRO-CLOCK", 10)
    first, created = place_order(repos, ada, checkout((clock, 3)), "key-1", utcnow(), PAYMENT_TTL_MINUTES)

    again, created_again = place_order(repos, ada, checkout((clock, 3)), "key-1", utcnow(), PAYMENT_TTL_MINUTES)

    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.number == first.number
    assert stock_of(db, clock) == 7
    assert db.orders.count_documents({}) == 1
