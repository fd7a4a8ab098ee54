"""Order use cases on the embedded store, below HTTP: the paths a race or the clock
takes, which the API can only reach by luck or by waiting."""
from datetime import timedelta

import pytest

from shop.auth import services as auth_services
from shop.auth.repository import UserRepository
from shop.clock import utcnow
from shop.errors import OutOfStock
from shop.orders import services
from shop.orders.expiry import expire_unpaid
from shop.orders.placing import Checkout, place_order
from shop.orders.repositories import Repositories
from shop.products import services as product_services
from shop.products.repository import LedgerRepository, ProductRepository
from shop.products.variant_repository import VariantRepository
from tests.conftest import ADDRESS

TTL_MINUTES = 30


class StaleCatalogue(ProductRepository):
    """Reads the catalogue as it was before a racing buyer took the last units."""

    def many(self, product_ids):
        products = super().many(product_ids)
        for product in products.values():
            for variant in product.variants:
                variant.stock = 1000
        return products


@pytest.fixture
def stores(db):
    return Repositories.on(db)


@pytest.fixture
def ada(db):
    return auth_services.register(UserRepository(db), "ada@example.com", "correct horse battery", "Ada", utcnow())


@pytest.fixture
def make_product(db):
    def make(sku, stock):
        data = {"sku": sku, "name": sku.title(), "price": 1000, "stock": stock}
        return product_services.create_product(ProductRepository(db), LedgerRepository(db), data, None, utcnow())

    return make


def items(*lines):
    return [{"product_id": product.id, "quantity": quantity} for product, quantity in lines]


def stock(db, product):
    return ProductRepository(db).get(product.id).stock


def reasons(db, product):
    movements, _ = LedgerRepository(db).for_variants([product.id], 1, 100)
    return [(m.reason, m.delta) for m in reversed(movements)]


def place(stores, user, lines, key=None, now=None):
    return place_order(stores, user, Checkout(items(*lines), ADDRESS), key, now or utcnow(), TTL_MINUTES)


def test_a_line_found_short_while_taking_stock_gives_back_the_lines_already_taken(db, stores, ada, make_product):
    clock, mug = make_product("CLOCK", 10), make_product("MUG", 1)
    stores.products = StaleCatalogue(db)

    with pytest.raises(OutOfStock) as raised:
        place(stores, ada, [(clock, 3), (mug, 2)], key="checkout-1")

    assert raised.value.details["items"] == [{"product_id": mug.id, "variant_id": mug.id, "requested": 2,
                                              "available": 1}]
    assert (stock(db, clock), stock(db, mug)) == (10, 1)
    assert reasons(db, clock) == [("initial", 10), ("order_placed", -3), ("order_rejected", 3)]
    assert reasons(db, mug) == [("initial", 1)]
    [order] = db.orders.find()
    assert order["status"] == "rejected"
    assert "idempotency_key" not in order
    assert stores.orders.page(ada.id, None, 1, 20) == ([], 0)


def test_a_key_freed_by_a_rejected_order_places_a_new_order(db, stores, ada, make_product):
    clock, mug = make_product("CLOCK", 10), make_product("MUG", 1)
    stores.products = StaleCatalogue(db)
    with pytest.raises(OutOfStock):
        place(stores, ada, [(clock, 3), (mug, 2)], key="checkout-1")
    stores.products = ProductRepository(db)
    product_services.adjust_stock(ProductRepository(db), LedgerRepository(db), mug.id, None, 1, "restock", "", None,
                                  utcnow())

    order, created = place(stores, ada, [(clock, 3), (mug, 2)], key="checkout-1")

    assert created is True
    assert order.status == "placed"
    assert (stock(db, clock), stock(db, mug)) == (7, 0)


def test_unpaid_orders_expire_once_their_window_has_passed(db, stores, ada, make_product):
    clock = make_product("CLOCK", 10)
    now = utcnow()
    order, _ = place(stores, ada, [(clock, 4)], now=now)

    assert expire_unpaid(stores, now + timedelta(minutes=TTL_MINUTES - 1)) == 0
    assert expire_unpaid(stores, now + timedelta(minutes=TTL_MINUTES + 1)) == 1
    assert expire_unpaid(stores, now + timedelta(minutes=TTL_MINUTES + 2)) == 0

    expired = stores.orders.get(order.id)
    assert expired.status == "cancelled"
    assert expired.history[-1]["by"] == "system"
    assert stock(db, clock) == 10
    assert reasons(db, clock).count(("order_cancelled", 4)) == 1


def test_a_paid_order_never_expires(db, stores, ada, make_product):
    clock = make_product("CLOCK", 10)
    now = utcnow()
    order, _ = place(stores, ada, [(clock, 4)], now=now)
    card = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}
    services.pay_order(stores, ada, order.id, card, now)

    assert expire_unpaid(stores, now + timedelta(days=1)) == 0
    assert stores.orders.get(order.id).status == "paid"
    assert stock(db, clock) == 6


def test_reading_an_order_after_its_window_expires_it(db, stores, ada, make_product):
    clock = make_product("CLOCK", 10)
    now = utcnow()
    order, _ = place(stores, ada, [(clock, 4)], now=now)

    seen = services.get_order(stores, ada, order.id, now + timedelta(minutes=TTL_MINUTES, seconds=1))

    assert seen.status == "cancelled"
    assert stock(db, clock) == 10


def test_the_stock_audit_finds_nothing_after_orders_and_cancels(db, stores, ada, make_product):
    clock, mug = make_product("CLOCK", 10), make_product("MUG", 5)
    first, _ = place(stores, ada, [(clock, 2), (mug, 5)])
    place(stores, ada, [(clock, 1)])
    services.cancel_order(stores, ada, first.id, utcnow())

    assert product_services.audit_stock(VariantRepository(db), LedgerRepository(db)) == []
    assert (stock(db, clock), stock(db, mug)) == (9, 5)


def test_the_stock_audit_reports_a_product_whose_stock_drifted_from_its_ledger(db, make_product):
    clock = make_product("CLOCK", 10)
    db.variants.update_one({"sku": "CLOCK"}, {"$inc": {"stock": 1}})

    problems = product_services.audit_stock(VariantRepository(db), LedgerRepository(db))

    assert problems == [{"product_id": clock.id, "variant_id": clock.id, "sku": "CLOCK", "stock": 11, "ledger_sum": 10}]
