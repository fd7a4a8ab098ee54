"""Fixtures shared by every test: an app on a fresh store (embedded, or a database
of its own on the server at `TEST_MONGO_URI`: see tests/stores.py), a client,
accounts with bearer tokens, and builders for products and orders."""
import gc
import json
import os

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from shop import db as shop_db
from shop.app import create_app
from shop.auth import services as auth_services
from shop.bootstrap import prepare
from tests import stores
from tests.url_builders import compile_each_builder_once

compile_each_builder_once()

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKEND": "memory",
    "DEMO_CATALOG": False,
    "WORKER_ENABLED": False,
    "MONGO_URI": stores.SERVER_URI,
    "MONGO_TIMEOUT_SECONDS": 5,
    "SHOP_ADMIN_EMAIL": "admin@example.com",
    "SHOP_ADMIN_PASSWORD": "admin-password-1",
}
ADDRESS = {"name": "Ada Shopper", "line1": "1 Main Street", "city": "Springfield",
           "postal_code": "12345", "country": "US"}
GOOD_CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}
DECLINED_CARD = dict(GOOD_CARD, card_number="4000000000000002")


PRODUCTION_HASH_PASSWORD = auth_services.hash_password  # before any test swaps it
CHEAP_SCRYPT = "scrypt:1024:8:1"
CHEAP_DUMMY_HASH = generate_password_hash("not-a-real-password", method=CHEAP_SCRYPT)
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/')


def pytest_report_header(config):
    return f"store: {stores.STORE_NAME}" + (f" at {stores.SERVER_URI}" if stores.ON_SERVER else "")


# Seconds each test file took on the server, as measured by a run with TEST_SECONDS_FILE set
# (`TEST_SECONDS_FILE=tests/server_seconds.json make test`): what the shards are balanced by.
SECONDS_FILE = os.path.join(os.path.dirname(__file__), "server_seconds.json")


def _measured_seconds():
    try:
        with open(SECONDS_FILE) as measured:
            return json.load(measured)
    except (OSError, ValueError):
        return {}


def modules_of_shard(items, number, count, measured=None):
    """The test files of shard `number` of `count`: whole files (a module's tests share what it
    builds once, as the fuzz module's app and the fault tests' base store), the slowest
    first, each to the shard with the least time so far. A file's time is what it took when
    last measured; a file not measured yet counts its tests at the measured seconds per test."""
    measured = _measured_seconds() if measured is None else measured
    sizes = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        sizes[path] = sizes.get(path, 0) + 1
    known = [path for path in sizes if path in measured]
    per_test = (sum(measured[path] for path in known) / sum(sizes[path] for path in known)) if known else 1.0
    weights = {path: measured.get(path, size * per_test) for path, size in sizes.items()}
    shards = [[0, set()] for _ in range(count)]
    for path, weight in sorted(weights.items(), key=lambda entry: (-entry[1], entry[0])):
        lightest = min(shards, key=lambda shard: shard[0])
        lightest[0] += weight
        lightest[1].add(path)
    return shards[number - 1][1]


_SECONDS_SPENT = {}


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    _SECONDS_SPENT[path] = _SECONDS_SPENT.get(path, 0.0) + report.duration


def pytest_sessionfinish(session):
    """With TEST_SECONDS_FILE set, add this run's seconds per test file to that file."""
    target = os.environ.get("TEST_SECONDS_FILE")
    if not target or not _SECONDS_SPENT:
        return
    try:
        with open(target) as earlier:
            seconds = json.load(earlier)
    except (OSError, ValueError):
        seconds = {}
    seconds.update({path: round(spent, 1) for path, spent in _SECONDS_SPENT.items()})
    with open(target, "w") as out:
        json.dump(dict(sorted(seconds.items())), out, indent=1)
        out.write("\n")


def pytest_collection_modifyitems(config, items):
    """`server` tests need real processes on a MongoDB server: on the embedded store they
    are skipped, with the reason in the summary (they run in `make test`'s second pass).

    `TEST_SHARD=k/n` keeps the k-th of n shares of the test modules (`scripts/run-tests` runs
    the server pass as six shards in two lanes, each shard on a new server of its own: a
    round trip to the test server leaves a core idle, so two lanes finish in little more than
    half the time, and the test server slows down with all it has served)."""
    shard = os.environ.get("TEST_SHARD")
    if shard:
        number, count = (int(part) for part in shard.split("/"))
        mine = modules_of_shard(items, number, count)
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid.split("::")[0] not in mine])
        items[:] = [item for item in items if item.nodeid.split("::")[0] in mine]
    if stores.ON_SERVER:
        return
    skip = pytest.mark.skip(reason="needs a MongoDB server: runs in make test's server pass (TEST_MONGO_URI)")
    for item in items:
        if item.get_closest_marker("server"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_store_per_app(monkeypatch):
    """Each store a test opens is new and empty, on either store; closed and dropped after."""
    opened = stores.Stores(shop_db.connect)
    monkeypatch.setattr(shop_db, "connect", opened.connect)
    yield
    opened.close_all()


@pytest.fixture(autouse=True)
def nothing_left_frozen():
    """A worker round freezes what is alive (shop/embedded/speed.py keep_documents_out_of_full_collections);
    in the suite's one process that is every earlier test's garbage too, which would never be
    collected (and its finalizers, closing files and sockets, would run at no set time).
    Each test's end puts it back within the collector's reach."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """scrypt at its production cost takes ~0.3 s here; tests hash with the same
    algorithm at a lower cost (the hash names its parameters, so checking works)."""
    monkeypatch.setattr(auth_services, "hash_password",
                        lambda password: generate_password_hash(password, method=CHEAP_SCRYPT))
    monkeypatch.setattr(auth_services, "_DUMMY_HASH", CHEAP_DUMMY_HASH)


class CheckedClient(FlaskClient):
    """A test client that fails the test if any response shows a traceback."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if (response.mimetype or "").startswith("image/"):  # bytes, not text: no traceback can show there
            return response
        text = response.get_data(as_text=True)
        assert not any(marker in text for marker in TRACEBACK_MARKERS), text
        return response


def assert_error(response, status, code):
    """Check the contract's error shape `{"error": {"code", "message", "details"}}`;
    returns its details."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]["details"]


def started_app(settings, mongo_client=None):
    """An app as `python wsgi.py` starts one: built, then its store prepared (v1 products
    migrated, the admin from the settings, the demo catalogue when they ask for it)."""
    app = create_app(settings, mongo_client=mongo_client)
    prepare(app)
    return app


@pytest.fixture
def settings():
    """Override in a test module to change the app's settings."""
    return {}


@pytest.fixture
def app(settings):
    app = started_app({**TEST_SETTINGS, **settings})
    app.test_client_class = CheckedClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return app.extensions["mongo_db"]


@pytest.fixture
def mailbox(app):
    """Messages the memory mail backend delivered (after `deliver_emails`)."""
    return app.extensions["mail_backend"].sent


class Api:
    """Calls the JSON API as a given token holder (or anonymously)."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, json=None, **kwargs):
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.post("/api/v1" + path, json=json, headers=headers, **kwargs)

    def patch(self, path, json=None, **kwargs):
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.patch("/api/v1" + path, json=json, headers=headers, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete("/api/v1" + path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def open(self, path, method, **kwargs):
        return self.client.open("/api/v1" + path, method=method, headers=self.headers(kwargs.pop("headers", None)),
                                **kwargs)


def login_token(client, email, password):
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def anonymous(client):
    return Api(client)


@pytest.fixture
def admin(client):
    return Api(client, login_token(client, "admin@example.com", "admin-password-1"))


@pytest.fixture
def register(client):
    """register(email) -> an Api logged in as a new customer."""
    counter = iter(range(1_000_000))

    def make(email=None, password="correct horse battery", name="Ada Shopper"):
        email = email or f"shopper{next(counter)}@example.com"
        response = client.post("/api/v1/auth/register", json={"email": email, "password": password, "name": name})
        assert response.status_code == 201, response.get_json()
        api = Api(client, login_token(client, email, password))
        api.user = response.get_json()
        return api

    return make


@pytest.fixture
def shopper(register):
    return register("ada@example.com")


@pytest.fixture
def add_product(admin):
    """add_product(sku="RETRO-CLOCK", stock=10, price=3450, ...) -> the product's JSON."""
    def make(sku="RETRO-CLOCK", stock=10, price=3450, name=None, **fields):
        body = {"sku": sku, "name": name or sku.replace("-", " ").title(), "price": price, "stock": stock, **fields}
        response = admin.post("/products", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def place_order():
    """place_order(api, [(product, quantity), ...], key=None) -> the response."""
    def place(api, lines, key=None, address=ADDRESS):
        items = [{"product_id": product["id"], "quantity": quantity} for product, quantity in lines]
        headers = {"Idempotency-Key": key} if key else None
        return api.post("/orders", json={"items": items, "shipping_address": address}, headers=headers)

    return place


def ledger_sum(api, product_id):
    """The sum of a product's ledger deltas, read through the API (admin)."""
    total, page = 0, 1
    while True:
        body = api.get(f"/products/{product_id}/stock-movements?per_page=100&page={page}").get_json()
        total += sum(movement["delta"] for movement in body["items"])
        if page * 100 >= body["total"]:
            return total
        page += 1


def stock_of(api, product_id):
    return api.get(f"/products/{product_id}").get_json()["stock"]


def deliver_emails(app):
    """Run the outbox delivery as the `flask deliver-emails` command does."""
    result = app.test_cli_runner().invoke(args=["deliver-emails"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def make_customers(app, db):
    """make_customers(n) -> n (user, token) pairs, made straight in the store (no HTTP,
    no password check), for tests that need many buyers at once."""
    from shop.auth.repository import TokenRepository, UserRepository
    from shop.clock import utcnow

    def make(count, prefix="buyer"):
        accounts = []
        users, tokens = UserRepository(db), TokenRepository(db)
        for index in range(count):
            user = users.add(f"{prefix}{index}@example.com", f"Buyer {index}", "customer", "!unusable", utcnow())
            token, _ = auth_services.issue_token(tokens, user, 1, utcnow())
            accounts.append((user, token))
        return accounts

    return make


def add_checkout_settings(post):
    """A shipping method, a tax rate and a discount code, made by `post(path, body)` (an admin's
    call that returns the JSON answer): their ids by the names their paths use."""
    method = post("/shipping-methods", {"name": "Standard", "countries": ["US"], "price": 495})
    rate = post("/tax-rates", {"country": "DE", "rate_bp": 1900})
    code = post("/discount-codes", {"code": "SUMMER10", "kind": "percent", "value": 1000})
    return {"method_id": method["id"], "rate_id": rate["id"], "code_id": code["id"]}


def add_guest_order(app, product_id, variant_id=None):
    """An order placed at the HTML checkout by a guest (straight through the services): the
    ids its private page's path uses, and a claim link's token (of nobody: it opens nothing)."""
    from shop.clock import utcnow
    from shop.orders.links import OrderLinks
    from shop.orders.model import Guest
    from shop.orders.placing import Checkout, place_order
    from shop.orders.repositories import Repositories

    stores = Repositories.on(app.extensions["mongo_db"], OrderLinks.of(app.config))
    item = {"product_id": product_id, "quantity": 1, **({"variant_id": variant_id} if variant_id else {})}
    order, _ = place_order(stores, Guest("guest@example.com"), Checkout([item], ADDRESS), None, utcnow(), 30)
    return {"guest_order_id": order.id, "token": stores.links.guest_token(order.id), "claim_token": "no-such-claim"}
