"""The order use cases as a job or a test calls them: on a new store (the embedded one, or a
database of its own on the server), with the repositories of its database and no app, no
request and no Flask context, as cosmicpython tests its service layer."""
import flask
import pytest

from shop import db as shop_db
from shop.auth import services as auth_services
from shop.auth.model import ADMIN
from shop.auth.repository import UserRepository
from shop.clock import utcnow
from shop.orders.placing import Checkout, place_order
from shop.orders.repositories import Repositories
from shop.products import services as product_services
from shop.products.repository import LedgerRepository, ProductRepository
from tests import stores
from tests.conftest import ADDRESS

PAYMENT_TTL_MINUTES = 30


@pytest.fixture(autouse=True)
def no_app(monkeypatch):
    """Building a Flask app here fails the test: a use case needs none."""
    def refuse(*args, **kwargs):
        raise AssertionError("a use case test built a Flask app")

    monkeypatch.setattr(flask.Flask, "__init__", refuse)
    yield
    assert not flask.has_app_context()


@pytest.fixture
def db():
    """A new, empty store with the shop's indexes (tests/conftest.py's fresh_store_per_app
    makes each connect a store of its own, and drops it after the test)."""
    database = shop_db.connect(stores.SERVER_URI)["shop"]
    shop_db.ensure_indexes(database)
    return database


@pytest.fixture
def repos(db):
    return Repositories.on(db)


@pytest.fixture
def ada(db):
    return auth_services.register(UserRepository(db), "ada@example.com", "correct horse battery", "Ada", utcnow())


@pytest.fixture
def admin(db):
    return auth_services.register(UserRepository(db), "admin@example.com", "admin-password-1", "Admin", utcnow(),
                                  role=ADMIN)


@pytest.fixture
def make_product(db):
    """make_product(sku, stock, price=1000) -> the product, with its one variant."""
    def make(sku, stock, price=1000):
        data = {"sku": sku, "name": sku.title(), "price": price, "stock": stock}
        return product_services.create_product(ProductRepository(db), LedgerRepository(db), data, None, utcnow())

    return make


def checkout(*lines):
    """The checkout of these (product, quantity) lines, to ADDRESS."""
    return Checkout([{"product_id": product.id, "quantity": quantity} for product, quantity in lines], ADDRESS)


def place(repos, user, *lines, key=None, now=None):
    order, _ = place_order(repos, user, checkout(*lines), key, now or utcnow(), PAYMENT_TTL_MINUTES)
    return order


def stock_of(db, product):
    return ProductRepository(db).get(product.id).stock


def ledger_of(db, product):
    """(reason, delta) of each of the product's stock movements, oldest first."""
    movements, _ = LedgerRepository(db).for_variants([product.id], 1, 100)
    return [(movement.reason, movement.delta) for movement in reversed(movements)]


def emails_to(db, email):
    """The keys of the e-mails queued for `email` (order:<id>:<step>, ...)."""
    return sorted(doc["key"] for doc in db.emails.find({"to": email}))
