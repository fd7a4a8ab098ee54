"""The repositories an order use case works with, as one bundle: a view gets the request's
with `Repositories.for_request()`, a job or a test those of a database with `Repositories.on`."""
from dataclasses import dataclass

from flask import current_app

from .. import db as store
from ..discounts.repository import DiscountCodeRepository
from ..discounts.use_repository import DiscountUseRepository
from ..outbox_repository import OutboxRepository
from ..products.repository import LedgerRepository, ProductRepository
from ..shipping.repository import ShippingMethodRepository
from ..taxes.repository import TaxRateRepository
from .links import OrderLinks
from .gateway_repository import SandboxGateway
from .repository import OrderRepository


@dataclass
class Repositories:
    orders: OrderRepository
    products: ProductRepository
    ledger: LedgerRepository
    outbox: OutboxRepository
    gateway: SandboxGateway
    shipping: ShippingMethodRepository
    taxes: TaxRateRepository
    discounts: DiscountCodeRepository
    uses: DiscountUseRepository
    links: OrderLinks = None  # for the e-mails' links to the order; without them, e-mails carry none

    @classmethod
    def on(cls, db, links=None):
        return cls(OrderRepository(db), ProductRepository(db), LedgerRepository(db), OutboxRepository(db),
                   SandboxGateway(db), ShippingMethodRepository(db), TaxRateRepository(db),
                   DiscountCodeRepository(db), DiscountUseRepository(db), links)

    @classmethod
    def for_request(cls):
        """The repositories of the app's database, with the app's links for e-mails: made once
        per app (repositories hold no state of a request), not for every request."""
        app = current_app
        if "order_repositories" not in app.extensions:
            app.extensions["order_repositories"] = cls.on(app.extensions["mongo_db"], OrderLinks.of(app.config))
        return app.extensions["order_repositories"]

    def uninterrupted(self):
        """A context in which this thread's calls on the store (every collection) run with no
        other thread's in between, on the embedded store; on a MongoDB, no change.

        Placing holds it once for the whole order rather than once per call: with sixteen
        threads placing orders, a thread let go of the embedded store's lock 4.6 times per order
        and waited for it again, each wait two hand-offs of the interpreter (docs/PERFORMANCE.md).
        It never makes anything correct: each write still guards itself, as between processes."""
        return store.uninterrupted(self.orders.collection)
