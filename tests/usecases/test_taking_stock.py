"""Taking stock for an order's lines (shop/products/stock.py): every unit, or none with every
short line named, in variant-id order whatever the order of the lines."""
from types import SimpleNamespace

import pytest

from shop.clock import utcnow
from shop.errors import OutOfStock
from shop.products import stock
from shop.products.repository import ProductRepository
from tests.usecases.conftest import ledger_of, stock_of

ORDER_ID = "0" * 24


def lines_of(db, *wanted):
    """(lines, seen): an order's lines of (product, quantity), and each line's variant as just read."""
    products = ProductRepository(db)
    lines = [SimpleNamespace(product_id=product.id, variant_id=product.id, quantity=quantity)
             for product, quantity in wanted]
    seen = {line.variant_id: products.get(line.product_id).variant(line.variant_id) for line in lines}
    return lines, seen


def test_taking_moves_every_line_and_the_ledger_records_it_once_finished(db, repos, make_product):
    clock, mug = make_product("RETRO-CLOCK", 10), make_product("MUG-STONE", 6)
    lines, seen = lines_of(db, (mug, 2), (clock, 5))

    taken = stock.take(repos.products.variants, repos.ledger, ORDER_ID, lines, seen, "someone", utcnow(),
                       given_back_by="system")
    before_finishing = ledger_of(db, clock)
    stock.finish(repos.products.variants, repos.ledger, taken)

    assert sorted((movement.sku, movement.delta) for movement in taken) == [("MUG-STONE", -2), ("RETRO-CLOCK", -5)]
    assert (stock_of(db, clock), stock_of(db, mug)) == (5, 4)
    assert before_finishing == [("initial", 10)]
    assert ledger_of(db, clock) == [("initial", 10), ("order_placed", -5)]


def test_a_short_line_gives_back_what_was_taken_and_every_short_line_is_named(db, repos, make_product):
    products = [make_product(sku, units) for sku, units in (("A-ONE", 5), ("B-TWO", 1), ("C-THREE", 0))]
    first, second, third = sorted(products, key=lambda product: product.id)
    lines, seen = lines_of(db, (third, 1), (second, 2), (first, 3))

    with pytest.raises(OutOfStock) as refused:
        stock.take(repos.products.variants, repos.ledger, ORDER_ID, lines, seen, "someone", utcnow(),
                   given_back_by="system")

    short = {item["variant_id"]: (item["requested"], item["available"]) for item in refused.value.details["items"]}
    assert short == {second.id: (2, second.stock), third.id: (1, third.stock)}
    assert [stock_of(db, product) for product in (first, second, third)] == [first.stock, second.stock, third.stock]
    assert sum(delta for _, delta in ledger_of(db, first)) == first.stock
