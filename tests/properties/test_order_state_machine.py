"""Property-based tests (hypothesis): random sequences of orders, payments,
cancels, refunds and returns, shipping, expiries, stock adjustments and archiving, run against the
order and stock services on a fresh embedded store, compared step by step
with a small model of what the shop promises. A second machine adds crashes
(a write that kills the process) and repairs, and checks the invariants.
"""
from datetime import timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from tests.faults.harness import Crash, Faults, FaultyClient
from tests.invariants import problems
from shop import db as shop_db
from shop.auth.repository import UserRepository
from shop.clock import utcnow
from shop.errors import InvalidInput, InvalidTransition, OutOfStock, PaymentDeclined, RefundExceedsPayment
from shop.orders import repair, services
from shop.orders.expiry import expire_unpaid
from shop.orders.placing import Checkout, place_order
from shop.orders.refunding import RefundRequest, refund_order
from shop.orders.repositories import Repositories
from shop.products import services as products
from tests.conftest import ADDRESS
from tests import stores

pytestmark = pytest.mark.slow
TTL_MINUTES = 30
# How long the worker leaves a crash's work before its repair takes it up (the default
# REPAIR_AFTER_SECONDS): longer than the lease (60 seconds) the repair keeps on each order it worked on.
REPAIR_AFTER = timedelta(seconds=120)
GOOD, DECLINED = "4242424242424242", "4000000000000002"
# Two products with one variant each, and one sold in two sizes (siblings whose stocks are apart).
SIMPLE = ("RETRO-CLOCK", "STONE-MUG")
TEE = ("TEE-S", "TEE-M")
SKUS = SIMPLE + TEE


class OrderModel:
    def __init__(self, order_id, owner, lines, expires_at, total=0):
        self.id, self.owner, self.lines, self.expires_at = order_id, owner, lines, expires_at
        self.status = "placed"
        self.total, self.refunded = total, 0
        self.refunded_units = {sku: 0 for sku in lines}
        self.returned = {sku: 0 for sku in lines}  # units a refund took back into stock


def examples(on_embedded):
    """How many examples: on the server each one costs a database of its own and a
    round trip per write (the test server answers one about 25 times slower than the
    embedded store), so its pass runs an eighth of them, a thousand steps or so in all:
    the embedded pass explores; the server pass checks the same rules against a server's
    semantics, within CI's 20 minutes."""
    return on_embedded // 8 if stores.ON_SERVER else on_embedded


class ShopMachine(RuleBasedStateMachine):
    """Each rule calls one service and says exactly what the model expects."""

    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.store = shop_db.connect(None)
        self.faults = Faults()
        self.db = FaultyClient(self.store, self.faults)["shop"]
        shop_db.ensure_indexes(self.db)
        self.stores = Repositories.on(self.db)
        self.now = utcnow()
        users = UserRepository(self.db)
        self.admin = users.add("admin@example.com", "Admin", "admin", "x", self.now)
        self.shoppers = [users.add(f"shopper{n}@example.com", f"Shopper {n}", "customer", "x", self.now)
                         for n in range(2)]
        self.stock, self.active, self.ids, self.prices = {}, {}, {}, {}
        self.models = {}

    def teardown(self):
        self.store.close()  # on a server, each example's database is dropped when it ends

    @initialize(stocks=st.lists(st.integers(0, 6), min_size=len(SKUS), max_size=len(SKUS)))
    def catalogue(self, stocks):
        for sku, stock in zip(SIMPLE, stocks):
            data = {"sku": sku, "name": sku.title(), "price": 1000 + len(sku), "stock": stock}
            product = products.create_product(self.stores.products, self.stores.ledger, data, self.admin.id, self.now)
            self.ids[sku], self.stock[sku], self.active[sku] = (product.id, product.id), stock, True
            self.prices[sku] = data["price"]
        tee = {"name": "Tee", "price": 2500, "options": [{"name": "Size", "values": ["S", "M"]}],
               "variants": [{"sku": sku, "options": {"Size": sku[-1]}, "stock": stock}
                            for sku, stock in zip(TEE, stocks[len(SIMPLE):])]}
        product = products.create_product(self.stores.products, self.stores.ledger, tee, self.admin.id, self.now)
        for variant, stock in zip(product.variants, stocks[len(SIMPLE):]):
            self.ids[variant.sku] = (product.id, variant.id)
            self.stock[variant.sku], self.active[variant.sku] = stock, True
            self.prices[variant.sku] = tee["price"]

    # Rules ------------------------------------------------------------

    @rule(target=orders, shopper=st.integers(0, 1),
          lines=st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 4)), min_size=1, max_size=3))
    def place(self, shopper, lines):
        user = self.shoppers[shopper]
        wanted = {}
        for sku, quantity in lines:
            wanted[sku] = wanted.get(sku, 0) + quantity
        items = [self._item(sku, quantity) for sku, quantity in lines]
        try:
            order, created = place_order(self.stores, user, Checkout(items, ADDRESS), None, self.now, TTL_MINUTES)
        except InvalidInput:
            assert not all(self.active[sku] for sku in wanted)
            return None
        except OutOfStock:
            assert all(self.active[sku] for sku in wanted)
            assert any(self.stock[sku] < quantity for sku, quantity in wanted.items())
            return None
        assert all(self.active[sku] for sku in wanted) and created
        assert all(self.stock[sku] >= quantity for sku, quantity in wanted.items())
        for sku, quantity in wanted.items():
            self.stock[sku] -= quantity
        model = OrderModel(order.id, user, wanted, self.now + timedelta(minutes=TTL_MINUTES),
                           sum(self.prices[sku] * quantity for sku, quantity in wanted.items()))
        assert order.total == model.total
        self.models[order.id] = model
        return order.id

    def _lapse(self, model):
        """What reading an order does first: an unpaid order past its window expires."""
        if model.status == "placed" and model.expires_at <= self.now:
            self._cancelled(model)

    def _cancelled(self, model):
        """A cancel gives back what the order still holds: its units less those returned."""
        if model.status == "paid":
            model.refunded = model.total
        model.status = "cancelled"
        for sku, quantity in model.lines.items():
            self.stock[sku] += quantity - model.returned[sku]

    @rule(order_id=orders, good=st.booleans())
    def pay(self, order_id, good):
        if order_id is None:
            return
        model = self.models[order_id]
        self._lapse(model)
        card = {"card_number": GOOD if good else DECLINED}
        try:
            order = services.pay_order(self.stores, model.owner, order_id, card, self.now)
        except InvalidTransition:
            assert model.status != "placed"
            return
        except PaymentDeclined:
            assert model.status == "placed" and not good
            return
        assert model.status == "placed" and good and order.status == "paid"
        model.status = "paid"

    @rule(order_id=orders, by_admin=st.booleans())
    def cancel(self, order_id, by_admin):
        if order_id is None:
            return
        model = self.models[order_id]
        was = model.status
        self._lapse(model)
        try:
            services.cancel_order(self.stores, self.admin if by_admin else model.owner, order_id, self.now)
        except InvalidTransition:
            assert model.status not in ("placed", "paid") or was != model.status
            return
        assert model.status in ("placed", "paid")
        self._cancelled(model)

    @rule(order_id=orders, sku=st.sampled_from(SKUS), units=st.integers(0, 3), restock=st.booleans(),
          amount=st.none() | st.integers(1, 6000))
    def refund(self, order_id, sku, units, restock, amount):
        """Refund units of one line (0: none), an amount, or both; never more than was paid."""
        if order_id is None or (units == 0 and amount is None):
            return
        model = self.models[order_id]
        self._lapse(model)
        product_id, variant_id = self.ids[sku]
        lines = [{"product_id": product_id, "variant_id": variant_id, "quantity": units, "restock": restock}] \
            if units else []
        request = RefundRequest(amount, lines, "Property")
        # With no discount and no tax a unit costs its price, whatever the rounding rule.
        expected = amount if amount is not None else self.prices[sku] * units
        try:
            refund_order(self.stores, self.admin, order_id, request, None, self.now)
        except InvalidTransition:
            assert model.status not in ("paid", "shipped", "delivered")
            return
        except InvalidInput:
            assert units and (sku not in model.lines or model.refunded_units[sku] + units > model.lines[sku])
            return
        except RefundExceedsPayment:
            assert expected > model.total - model.refunded
            return
        assert model.status in ("paid", "shipped", "delivered") and expected <= model.total - model.refunded
        model.refunded += expected
        if units:
            model.refunded_units[sku] += units
            if restock:
                model.returned[sku] += units
                self.stock[sku] += units

    @rule(order_id=orders, target_status=st.sampled_from(["shipped", "delivered"]))
    def move_along(self, order_id, target_status):
        if order_id is None:
            return
        model = self.models[order_id]
        self._lapse(model)
        allowed = {"shipped": "paid", "delivered": "shipped"}[target_status]
        try:
            services.transition_order(self.stores, order_id, target_status, self.admin, self.now)
        except InvalidTransition:
            assert model.status != allowed
            return
        assert model.status == allowed
        model.status = target_status

    @rule(sku=st.sampled_from(SKUS), delta=st.integers(-5, 5).filter(bool))
    def adjust(self, sku, delta):
        try:
            products.adjust_stock(self.stores.products, self.stores.ledger, *self.ids[sku], delta, "correction", "",
                                  self.admin.id, self.now)
        except OutOfStock:
            assert self.stock[sku] + delta < 0
            return
        assert self.stock[sku] + delta >= 0
        self.stock[sku] += delta

    @rule(sku=st.sampled_from(SKUS), whole_product=st.booleans())
    def archive(self, sku, whole_product):
        """Archive the product (both sizes of the tee go off sale), or only this variant."""
        product_id, variant_id = self.ids[sku]
        if not whole_product:
            products.archive_variant(self.stores.products, product_id, variant_id, self.now)
            self.active[sku] = False
            return
        products.archive_product(self.stores.products, product_id, self.now)
        for other, (other_product, _) in self.ids.items():
            if other_product == product_id:
                self.active[other] = False

    def _item(self, sku, quantity):
        product_id, variant_id = self.ids[sku]
        return {"product_id": product_id, "variant_id": variant_id, "quantity": quantity}

    @rule(minutes=st.sampled_from([1, 10, TTL_MINUTES]))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule()
    def expiry_job(self):
        expired = expire_unpaid(self.stores, self.now)
        due = [m for m in self.models.values() if m.status == "placed" and m.expires_at <= self.now]
        assert expired == len(due)
        for model in due:
            self._cancelled(model)

    # What must hold after every step -------------------------------------

    @invariant()
    def stock_matches_the_model_and_the_ledger(self):
        if not self.ids:
            return
        stored = {doc["sku"]: doc["stock"] for doc in self.db.variants.find()}
        assert stored == self.stock
        assert problems(self.db) == []

    @invariant()
    def every_order_is_where_the_model_says(self):
        docs = list(self.db.orders.find({"status": {"$ne": "rejected"}}))
        stored = {str(doc["_id"]): doc["status"] for doc in docs}
        assert stored == {order_id: model.status for order_id, model in self.models.items()}
        refunded = {str(doc["_id"]): (doc.get("payment") or {}).get("refunded_amount", 0) for doc in docs}
        assert refunded == {order_id: model.refunded for order_id, model in self.models.items()}


TestShopMachine = ShopMachine.TestCase
TestShopMachine.settings = settings(max_examples=examples(200), stateful_step_count=30, deadline=None, database=None,
                                    suppress_health_check=[HealthCheck.too_slow])


class CrashingShopMachine(ShopMachine):
    """The same shop, where a write may fail or kill the process mid-step. The
    next process repairs at start-up; the model then takes the crashed step's
    outcome from the store (it may or may not have happened) and every promise
    is checked again, exactly."""

    @rule(flow=st.sampled_from(["place", "pay", "cancel", "adjust", "expiry"]), write=st.integers(1, 12),
          kind=st.sampled_from(["die", "die_after", "error", "lost"]), order_id=ShopMachine.orders)
    def crash(self, flow, write, kind, order_id):
        self.faults.arm("write", write, kind)
        try:
            self._attempt(flow, order_id)
        except (Crash, Exception):  # noqa: B014 (killed, or any error: the repair sorts it out)
            pass
        finally:
            self.faults.disarm()
        # The repair runs when the shop's would: once the crash's work is REPAIR_AFTER old, when a
        # lease an earlier repair took on the same order has lapsed. On a clock that stood still that
        # lease held, and the work waited for a repair this machine never ran.
        self.now += REPAIR_AFTER
        repair.repair(self.stores, self.now, 0)
        self._follow_the_store()

    def _attempt(self, flow, order_id):
        if flow == "place":
            items = [self._item(SKUS[0], 1), self._item(TEE[0], 1), self._item(TEE[1], 1)]
            place_order(self.stores, self.shoppers[0], Checkout(items, ADDRESS), None, self.now, TTL_MINUTES)
        elif flow == "pay" and order_id:
            services.pay_order(self.stores, self.models[order_id].owner, order_id, {"card_number": GOOD}, self.now)
        elif flow == "cancel" and order_id:
            services.cancel_order(self.stores, self.admin, order_id, self.now)
        elif flow == "adjust":
            products.adjust_stock(self.stores.products, self.stores.ledger, *self.ids[TEE[1]], 2, "restock", "",
                                  self.admin.id, self.now)
        elif flow == "expiry":
            expire_unpaid(self.stores, self.now)

    def _follow_the_store(self):
        for doc in self.db.variants.find():
            self.stock[doc["sku"]] = doc["stock"]
        for doc in self.db.orders.find({"status": {"$ne": "rejected"}}):
            order_id = str(doc["_id"])
            if order_id not in self.models:
                owner = next(u for u in self.shoppers if u.id == doc["user_id"])
                lines = {line["sku"]: line["quantity"] for line in doc["items"]}
                self.models[order_id] = OrderModel(order_id, owner, lines, doc["expires_at"], doc["total"])
            self.models[order_id].status = doc["status"]
            self.models[order_id].refunded = (doc.get("payment") or {}).get("refunded_amount", 0)


TestCrashingShopMachine = CrashingShopMachine.TestCase
TestCrashingShopMachine.settings = settings(max_examples=examples(100), stateful_step_count=30, deadline=None,
                                            database=None,
                                            suppress_health_check=[HealthCheck.too_slow])
