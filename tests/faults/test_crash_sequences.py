"""Two crashes on one order, each followed by the repair: sequences the crashing state machine
found, kept as plain tests. The repair leases each order it works on (repair.repair's
lease_seconds) and keeps the lease until it lapses, so that repairs running at once take each
order once. Work a second crash leaves on that order waits for a repair after the lease, as
the worker's is: it takes work up only once it is REPAIR_AFTER_SECONDS old, longer than the
lease. A repair run again at once, on the same clock, leaves that work where it is.
"""
from datetime import timedelta

import pytest

from shop import db as shop_db
from shop.auth.repository import UserRepository
from shop.clock import utcnow
from shop.orders import repair, services
from shop.orders.placing import Checkout, place_order
from shop.orders.repositories import Repositories
from shop.products import services as products
from tests.conftest import ADDRESS, GOOD_CARD
from tests.faults.harness import Crash, Faults, FaultyClient
from tests.invariants import problems

LEASE = timedelta(seconds=60)
REPAIR_AFTER = timedelta(seconds=120)  # the worker's default REPAIR_AFTER_SECONDS


class Shop:
    """One product with two units, a shopper and an admin, on an embedded store whose writes
    `faults` can break."""

    def __init__(self):
        self.store = shop_db.connect(None)
        self.faults = Faults()
        self.db = FaultyClient(self.store, self.faults)["shop"]
        shop_db.ensure_indexes(self.db)
        self.repos = Repositories.on(self.db)
        self.now = utcnow()
        users = UserRepository(self.db)
        self.admin = users.add("admin@example.com", "Admin", "admin", "x", self.now)
        self.shopper = users.add("shopper@example.com", "Shopper", "customer", "x", self.now)
        clock = {"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 1250, "stock": 2}
        self.product = products.create_product(self.repos.products, self.repos.ledger, clock, self.admin.id,
                                               self.now)

    def place(self):
        item = {"product_id": self.product.id, "variant_id": self.product.id, "quantity": 1}
        order, _ = place_order(self.repos, self.shopper, Checkout([item], ADDRESS), None, self.now, 30)
        return order.id

    def pay(self, order_id):
        services.pay_order(self.repos, self.shopper, order_id, GOOD_CARD, self.now)

    def cancel(self, order_id):
        services.cancel_order(self.repos, self.admin, order_id, self.now)

    def killed_at(self, write, flow, *args):
        """Run `flow`, the process killed just before its `write`-th write."""
        self.faults.arm("write", write, "die")
        try:
            flow(*args)
        except Crash:
            pass
        finally:
            self.faults.disarm()
        assert self.faults.fired, f"{flow.__name__} has no write {write}"

    def repair(self):
        return repair.repair(self.repos, self.now, 0, lease_seconds=LEASE.total_seconds())

    def order(self):
        return self.db.orders.find_one()


@pytest.fixture
def shop():
    shop = Shop()
    yield shop
    shop.store.close()


def test_a_cancel_killed_on_an_order_the_repair_has_leased_is_finished_once_the_lease_lapses(shop):
    order_id = shop.place()
    shop.killed_at(2, shop.pay, order_id)  # before the charge: the payment is left processing
    shop.repair()                          # fails the payment, and leases the order
    assert problems(shop.db) == [] and shop.order()["payment"]["status"] == "failed"

    shop.killed_at(2, shop.cancel, order_id)  # cancelled; its unit and its e-mail not yet given
    shop.repair()
    assert shop.order()["pending_actions"] == ["restock", "email:cancelled"], "the lease holds: it waits"

    shop.now += REPAIR_AFTER
    shop.repair()
    assert problems(shop.db) == []
    assert shop.order()["pending_actions"] == []
    assert shop.db.variants.find_one()["stock"] == 2


def test_a_payment_killed_on_an_order_the_repair_has_leased_is_settled_once_the_lease_lapses(shop):
    shop.faults.arm("write", 3, "die_after")  # placed, its 'placed' e-mail and its movement not yet recorded
    with pytest.raises(Crash):
        shop.place()
    shop.faults.disarm()
    shop.repair()  # finishes the movement and the e-mail, and leases the order
    assert problems(shop.db) == []
    order_id = str(shop.order()["_id"])

    shop.killed_at(2, shop.pay, order_id)
    shop.repair()
    assert shop.order()["payment"]["status"] == "processing", "the lease holds: it waits"

    shop.now += REPAIR_AFTER
    shop.repair()
    assert problems(shop.db) == []
    assert shop.order()["payment"]["status"] == "failed"
