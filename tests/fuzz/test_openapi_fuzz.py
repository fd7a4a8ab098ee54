"""Fuzz the JSON API from its own OpenAPI document with schemathesis.

Every operation in `/api/v1/openapi.json` gets generated requests, valid and
invalid, sent as an admin and as a shopper (bearer tokens of registered
accounts). Schemathesis's checks then ask: no 5xx; the status, content type,
headers and body match what the document says; invalid input is refused;
valid input is accepted; an operation that needs a token refuses a call
without one. Valid cases often use real product and order ids (and real
products in new orders), so that the calls reach past the 404s; afterwards
the stock and order invariants must still hold. Bounded: a fixed number of
examples per operation.
"""
import atexit
import re
import zlib
from collections import Counter
from datetime import datetime
from typing import NamedTuple

import pymongo
import pytest
import schemathesis
from bson import ObjectId
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, use_after_free

from shop import db as shop_db
from shop.categories.model import CategoryTree
from shop.categories.repository import CategoryRepository
from shop.clock import utcnow
from shop.ids import canonical_id
from shop.orders.cards import luhn_valid
from shop.orders.model import MAX_QUANTITY
from tests import stores
from tests.conftest import ADDRESS, GOOD_CARD, TEST_SETTINGS, started_app
from tests.invariants import problems
from tests.web.image_files import multipart, picture_bytes

# 15 per operation: with v1.1's 60-odd operations, both roles and both stores, more would take CI past
# its 20 minutes; raise it to dig deeper locally.
EXAMPLES_PER_OPERATION = 15
AN_IMAGE = picture_bytes((40, 30), "PNG")

# Schemathesis needs the app to collect the cases, so it is built here, at import, on
# a store of its own (a database of its own on a server), closed when the module ends.
FUZZED_STORE = stores.Stores(shop_db.connect)
with pytest.MonkeyPatch.context() as patch:
    patch.setattr(shop_db, "connect", FUZZED_STORE.connect)
    app = started_app({**TEST_SETTINGS, "DEMO_CATALOG": True})
atexit.register(FUZZED_STORE.close_all)  # when the module's tests were not selected


@pytest.fixture(scope="module", autouse=True)
def close_the_fuzzed_store():
    yield
    FUZZED_STORE.close_all()


def _prepare(app):
    client = app.test_client()
    tokens = {"admin": client.post("/api/v1/auth/tokens", json={"email": "admin@example.com",
                                                                 "password": "admin-password-1"}).get_json()["token"]}
    client.post("/api/v1/auth/register", json={"email": "fuzz@example.com", "password": "correct horse battery",
                                               "name": "Fuzz"})
    shopper_login = {"email": "fuzz@example.com", "password": "correct horse battery"}
    tokens["shopper"] = client.post("/api/v1/auth/tokens", json=shopper_login).get_json()["token"]
    shopper = {"Authorization": f"Bearer {tokens['shopper']}"}
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    # Products with one variant: an order line names only the product (a product with
    # several variants needs a variant_id, which JSON Schema cannot tie to the product).
    products = [p for p in client.get("/api/v1/products?per_page=100").get_json()["items"]
                if len(p["variants"]) == 1][:6]
    for product in products:  # enough that random quantities rarely run out
        client.post(f"/api/v1/products/{product['id']}/stock-adjustments", json={"delta": 100_000, "reason": "restock"},
                    headers=admin)
    orders = []
    for product in products[:4]:
        body = {"items": [{"product_id": product["id"], "quantity": 1}], "shipping_address": ADDRESS}
        orders.append(client.post("/api/v1/orders", json=body, headers=shopper).get_json()["id"])
    client.post(f"/api/v1/orders/{orders[0]}/payments", json=GOOD_CARD, headers=shopper)
    # Products the fuzzer may edit and archive, apart from those it orders.
    spare = [client.post("/api/v1/products", json={"sku": f"SPARE-{n}", "name": f"Spare {n}", "price": 100 + n},
                         headers=admin).get_json()["id"] for n in range(4)]
    # A product with options, for the variant endpoints.
    tee = client.post("/api/v1/products", json={
        "name": "Fuzz Tee", "price": 2500, "options": [{"name": "Size", "values": ["S", "M", "L", "XL"]}],
        "variants": [{"sku": "FUZZ-TEE-S", "options": {"Size": "S"}, "stock": 5}]}, headers=admin).get_json()
    # The demo tree's categories are never deleted (each has products or subcategories); the
    # spare ones, made here, are those the fuzzer may change, and the doomed ones those it may
    # delete (apart, so that a deletion never leaves the changes nothing but 404s to reach).
    demo_categories = [entry[0].id for entry in _category_tree().in_order()]
    spare_categories, doomed_categories = ([client.post("/api/v1/categories", json={"name": f"{kind} category {n}"},
                                                        headers=admin).get_json()["id"] for n in range(4)]
                                           for kind in ("Spare", "Doomed"))
    images = {}  # image id -> its product's id; as with categories, the first two may be changed, the others deleted
    for product_id in spare[:2] * 2:
        body, content_type = multipart({"alt": "A spare picture"}, AN_IMAGE)
        images[client.post(f"/api/v1/products/{product_id}/images", data=body, content_type=content_type,
                           headers=admin).get_json()["id"]] = product_id
    # Checkout settings the fuzzer may read, change and delete.
    methods = [client.post("/api/v1/shipping-methods", json={"name": f"Spare method {n}", "countries": ["US"],
                                                             "price": 100 * n}, headers=admin).get_json()["id"]
               for n in range(4)]
    rates = [client.post("/api/v1/tax-rates", json={"country": country, "rate_bp": 1900},
                         headers=admin).get_json()["id"] for country in ("DE", "FR", "IT", "ES")]
    # What every order and quote names (the document says in words that a method must serve the
    # address's country and a code must be usable): kept out of the pools, so the fuzzer never changes them.
    everywhere = client.post("/api/v1/shipping-methods", json={"name": "Fuzz post", "countries": ["*"], "price": 300},
                             headers=admin).get_json()["id"]
    assert client.post("/api/v1/discount-codes", json={"code": "FUZZ10", "kind": "percent", "value": 1000},
                       headers=admin).status_code == 201
    codes = [client.post("/api/v1/discount-codes", json=body, headers=admin).get_json()["id"] for body in (
        {"code": "SPARE-PERCENT", "kind": "percent", "value": 1000},
        {"code": "SPARE-FIXED", "kind": "fixed", "value": 500, "currency": "EUR"},
        {"code": "SPARE-DATED", "kind": "percent", "value": 500, "starts_at": "2026-01-01T00:00:00Z",
         "ends_at": "2027-01-01T00:00:00Z"})]
    # One saved address of each caller, for orders placed with `address_id` (it must be the caller's).
    address_of = {tokens[who]: client.post("/api/v1/me/addresses", json=ADDRESS, headers={
        "Authorization": f"Bearer {tokens[who]}"}).get_json()["id"] for who in ("admin", "shopper")}
    ids = {"product_id": [p["id"] for p in products] + [p["slug"] for p in products[:3]], "order_id": orders,
           "address_of": address_of,
           "method_id": methods, "rate_id": rates, "code_id": codes, "everywhere": everywhere,
           "spare": spare, "on_sale": [p["id"] for p in products], "tee": tee["id"],
           "variant_id": [v["id"] for v in tee["variants"]],
           "category_id": demo_categories + ["kitchen", "tea-and-coffee"], "demo_categories": demo_categories,
           "spare_categories": spare_categories, "doomed_categories": doomed_categories,
           "image_id": list(images)[:2], "doomed_images": list(images)[2:], "image_of": images}
    return tokens, ids


def _category_tree():
    return CategoryTree(CategoryRepository(app.extensions["mongo_db"]).all())


TOKENS, REAL_IDS = _prepare(app)
ARCHIVING_PATHS = {"/api/v1/products/{product_id}", "/api/v1/products/{product_id}/variants/{variant_id}"}


class StoredState:
    """Every collection as it was when the sequences start. The stateful phase draws its
    links from what answers hold (products with their variants, images and categories), so
    each sequence starts again from the same store: otherwise the same choices would draw
    differently in the next one (hypothesis calls that flaky, and stops)."""

    def __init__(self, db):
        self.db = db
        self.collections = {name: list(db[name].find()) for name in db.list_collection_names()}

    def restore(self):
        # Not a request: the shop's deadline for one database call (MONGO_TIMEOUT_SECONDS) does not
        # bound copying the whole store back. Cut short, a bulk insert that the server had done was
        # retried by pymongo and failed on its own documents (E11000 on a busy test server).
        with pymongo.timeout(120):
            for name in set(self.db.list_collection_names()) | set(self.collections):
                self.db[name].delete_many({})
                if self.collections.get(name):
                    self.db[name].insert_many(self.collections[name])


ANSWERS = Counter()  # (method, path, status) of every call the fuzzer made


EMAILS = {"admin": "admin@example.com", "shopper": "fuzz@example.com"}
PASSWORDS = {"admin": "admin-password-1", "shopper": "correct horse battery"}


def fresh_token(who):
    email, password = EMAILS[who], PASSWORDS[who]
    # From an address of its own: the fuzzer's failed logins may have limited the usual one.
    response = app.test_client().post("/api/v1/auth/tokens", json={"email": email, "password": password},
                                      environ_base={"REMOTE_ADDR": "10.0.0.99"})
    return response.get_json()["token"]


def with_check_digit(typed):
    """A card number as typed, its last digit replaced so that it passes the Luhn check."""
    digits = re.sub(r"[ -]", "", typed)
    for check in "0123456789":
        if luhn_valid(digits[:-1] + check):
            return typed[:-1] + check
    raise AssertionError(typed)


def _integer(value):
    """A query argument's integer (generated as an int or as its digits), or None."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def variant_count(product_id):
    """How many variants the product has (0 for none by that id or slug), as an admin reads it."""
    answer = app.test_client().get(f"/api/v1/products/{product_id}",
                                   headers={"Authorization": f"Bearer {TOKENS['admin']}"})
    return len(answer.get_json()["variants"]) if answer.status_code == 200 else 0


def valid_beyond_the_schema(case):
    """What the document says only in words, made true of a valid case. Rules JSON Schema
    cannot state: a card number passes the Luhn check, its expiry is not in the past, a price
    range's minimum is not above its maximum, a code ends after it starts, an uploaded file is
    an image, a new product's variants make combinations of its options (so a new product has
    no options). And, so that valid cases reach past the refusals listed in STATE_REFUSALS: an
    order's products exist and are on sale with its method and code usable, a product's
    categories and a category's parent exist (making no loop and no tree too deep), a new
    variant is one value of the fuzz tee's one option, and the address book has room. Every
    other check then holds the API to the document as it is."""
    body = case.body if isinstance(case.body, dict) else {}
    query = case.query if isinstance(case.query, dict) else {}
    low, high = (_integer(query.get(name)) for name in ("min_price", "max_price"))
    if low is not None and high is not None and low > high:  # a price range runs from low to high
        query["min_price"], query["max_price"] = query["max_price"], query["min_price"]
    _products_as_documented(case, body)
    _references_that_exist(case, body)
    _amounts_and_dates_as_documented(case, body)
    _an_order_that_can_be_placed(case, body)
    _items_on_sale(body)


def _products_as_documented(case, body):
    if case.path == "/api/v1/products" and case.method == "POST":
        body.pop("options", None), body.pop("variants", None)
        body.setdefault("sku", f"FUZZ-{zlib.crc32(repr(body).encode())}")
    if case.path == "/api/v1/products/{product_id}" and case.method == "PATCH":
        body.pop("options", None)
        if "price" in body and variant_count((case.path_parameters or {}).get("product_id")) > 1:
            del body["price"]  # prices are per variant once a product has several
    if case.path == "/api/v1/products/{product_id}/variants":
        case.path_parameters["product_id"] = REAL_IDS["tee"]
        if "options" in body:
            body["options"] = {"Size": ["S", "M", "L", "XL"][zlib.crc32(repr(body).encode()) % 4]}


def _references_that_exist(case, body):
    if isinstance(body.get("category_ids"), list):
        pool, pick = REAL_IDS["demo_categories"], zlib.crc32(repr(body).encode())
        body["category_ids"] = [pool[(pick + n) % len(pool)] for n in range(min(len(body["category_ids"]), len(pool)))]
    if isinstance(body.get("parent_id"), str):
        body["parent_id"] = possible_parent(case, body)
    if "file" in body:
        body["file"] = AN_IMAGE
        if "variant_id" in body:  # a product without options: its one variant's id is its own
            product_id = (case.path_parameters or {}).get("product_id")
            if product_id in REAL_IDS["on_sale"] + REAL_IDS["spare"]:  # an id, not a slug
                body["variant_id"] = product_id
            else:  # no product by that id: the answer is its 404
                del body["variant_id"]


def _amounts_and_dates_as_documented(case, body):
    if case.path.endswith("/refunds"):
        # A refund's lines must name the order's own lines and units it still has, which a
        # schema cannot say: the fuzzer refunds amounts (the HTTP tests cover the lines).
        body.pop("lines", None)
        body.setdefault("amount", 1)
    if "/discount-codes" in case.path and case.method in ("POST", "PATCH"):
        dates_in_order(body)
    if isinstance(body.get("card_number"), str):
        body["card_number"] = with_check_digit(body["card_number"].strip())
    now = utcnow()
    if body.get("exp_year") in (now.year, now.year - 2000) and isinstance(body.get("exp_month"), int):
        body["exp_month"] = max(body["exp_month"], now.month)


def _an_order_that_can_be_placed(case, body):
    if "address_id" in body and "items" in body:  # an order, or its quote, to a saved address: the caller's
        token = (case.headers or {}).get("Authorization", "").partition(" ")[2]
        body["address_id"] = REAL_IDS["address_of"].get(token, body["address_id"])
    if case.path == "/api/v1/me/addresses" and case.method == "POST":
        # Room in the address book (a full one is a listed refusal): the stateful phase restores
        # every collection before each sequence, and a book kept small keeps that quick.
        kept = [ObjectId(address_id) for address_id in REAL_IDS["address_of"].values()]
        app.extensions["mongo_db"].addresses.delete_many({"_id": {"$nin": kept}})
    if (isinstance(body.get("shipping_address"), dict) or "address_id" in body) and "items" in body:
        body["shipping_method_id"] = REAL_IDS["everywhere"]
        if "discount_code" in body:
            body["discount_code"] = "FUZZ10"


def _items_on_sale(body):
    items = [item for item in body.get("items") or [] if isinstance(item, dict) and "product_id" in item]
    if items:
        ordered = Counter()
        pick = zlib.crc32(repr(body).encode())
        for index, item in enumerate(items):
            item["product_id"] = REAL_IDS["on_sale"][(pick + index) % len(REAL_IDS["on_sale"])]
            if "variant_id" in item:
                item["variant_id"] = item["product_id"]
            if isinstance(item.get("quantity"), int):  # the same product's lines add up to at most 100
                item["quantity"] = min(item["quantity"], MAX_QUANTITY - ordered[item["product_id"]])
                ordered[item["product_id"]] += item["quantity"]
        body["items"] = [item for item in body["items"] if not isinstance(item, dict) or item.get("quantity") != 0]


def dates_in_order(body):
    """A code that ends after it starts, as the document says in words (JSON Schema cannot
    compare two values): an end before the start goes. A PATCH's dates are compared with the
    stored ones too, which is a listed refusal (STATE_REFUSALS)."""
    starts, ends = body.get("starts_at"), body.get("ends_at")
    if isinstance(starts, str) and isinstance(ends, str):
        try:
            wrong_way = datetime.fromisoformat(ends.replace("Z", "+00:00")) <= datetime.fromisoformat(
                starts.replace("Z", "+00:00"))
        except ValueError:
            return
        if wrong_way:
            body["ends_at"] = None


def possible_parent(case, body):
    """A parent the category of this case may go under (None: the top), from the tree as stored now."""
    tree = _category_tree()
    named = (case.path_parameters or {}).get("category_id")
    category = tree.find(canonical_id(named)) if isinstance(named, str) else None
    parents = tree.possible_parents(category)
    return parents[zlib.crc32(repr(body).encode()) % len(parents)][0].id if parents else None


def is_valid_case(case):
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


def flatmap_case(context, case):
    """Valid cases: half of them with real ids in the path."""
    if not is_valid_case(case):
        return st.just(case)

    def with_real_ids(use_real):
        if not use_real:
            return case
        pick = zlib.crc32(repr(case.body).encode())
        for name in list(case.path_parameters or {}):
            pool = REAL_IDS.get(name)
            if case.method in ("PATCH", "DELETE") and name in ("product_id", "category_id"):
                pool = REAL_IDS["spare" if name == "product_id" else
                                f"{'spare' if case.method == 'PATCH' else 'doomed'}_categories"]
            if case.method == "DELETE" and name == "image_id":
                pool = REAL_IDS["doomed_images"]
            if pool:
                case.path_parameters[name] = pool[pick % len(pool)]
        if "image_id" in case.path_parameters:  # the image's own product
            case.path_parameters["product_id"] = REAL_IDS["image_of"][case.path_parameters["image_id"]]
        return case

    return st.booleans().map(with_real_ids)


def load_schema(who):
    """The API's own document, calling as `who` (the admin or a shopper)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Unknown query arguments are ignored (only unknown body fields are refused), as documented.
    schema.config.generation.update(allow_extra_parameters=False)
    # A declined card (402) is the bank's answer to a well-formed card, not a refusal of the
    # request: the document lists it for payments, the one operation that talks to a bank.
    accepted = schema.config.checks.positive_data_acceptance
    accepted.expected_statuses = [*accepted.expected_statuses, "402"]
    schema.hook(flatmap_case)

    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case, ctx):
            return who

        def set(self, case, data, ctx):
            # Logging out revokes the token it is called with: never the shared one.
            token = fresh_token(who) if case.path.endswith("/tokens/current") else TOKENS[who]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    return schema


class StateRefusal(NamedTuple):
    """A refusal of a request that the document calls valid, decided by what is stored, which no
    JSON Schema can know: `where` is the path into the error's `details` (`*` for a list index)."""
    method: str
    path: str
    code: str
    where: str
    why: str


# Every refusal of valid data that the suite lets pass, each because of what is stored; any other
# refusal of valid data fails the suite (schemathesis's "schema-valid request rejected").
STATE_REFUSALS = [
    StateRefusal("POST", "/api/v1/me/addresses", "validation_error", "_schema", "the address book is full"),
    StateRefusal("POST", "/api/v1/me/password", "validation_error", "current_password",
                 "a wrong current password (the document cannot know the caller's)"),
    *(StateRefusal(method, "/api/v1/categories" + suffix, "validation_error", "parent_id",
                   "a parent that does not exist, is the category itself or below it, or is too deep")
      for method, suffix in (("POST", ""), ("PATCH", "/{category_id}"))),
    *(StateRefusal(method, path, "validation_error", "category_ids.*", "a category that does not exist")
      for method, path in (("POST", "/api/v1/products"), ("PATCH", "/api/v1/products/{product_id}"))),
    StateRefusal("PATCH", "/api/v1/products/{product_id}", "validation_error", "options",
                 "options that drop or rename the stored ones, or a value a variant uses"),
    StateRefusal("PATCH", "/api/v1/products/{product_id}", "validation_error", "price",
                 "a price for a product that has several variants (prices are per variant)"),
    StateRefusal("POST", "/api/v1/products/{product_id}/variants", "validation_error", "options",
                 "a combination that is not one value of each of the product's options"),
    StateRefusal("POST", "/api/v1/products/{product_id}/stock-adjustments", "validation_error", "variant_id",
                 "no variant_id on a product with several variants, or another product's variant"),
    StateRefusal("GET", "/api/v1/products/{product_id}/stock-movements", "validation_error", "variant_id",
                 "another product's variant"),
    StateRefusal("POST", "/api/v1/products/{product_id}/images", "validation_error", "variant_id",
                 "a variant that is not the product's"),
    *(StateRefusal("PATCH", "/api/v1/discount-codes/{code_id}", "validation_error", name,
                   "a change that names no kind is checked with the stored kind and currency")
      for name in ("value", "currency", "ends_at")),
    *(StateRefusal("POST", path, "validation_error", where, why)
      for path in ("/api/v1/orders", "/api/v1/orders/quote")
      for where, why in (("items.*.product_id", "a product that does not exist or is not on sale"),
                         ("items.*.variant_id", "no variant_id on a product with several, or another's variant"),
                         ("items", "products in different currencies"),
                         ("address_id", "an address that is not one of the caller's"),
                         ("shipping_method_id", "a method that does not exist, is inactive or does not serve the "
                                                "address's country or the order's currency"),
                         ("shipping_address.country", "a country no active method serves"),
                         ("discount_code", "a code that does not exist or cannot be used by this order now"))),
    StateRefusal("POST", "/api/v1/orders/{order_id}/refunds", "validation_error", "lines.*",
                 "lines that are not the order's, or units it no longer has"),
]


def _detail_paths(details, prefix=""):
    """Each place an error's `details` names: `items.*.variant_id` for {"items": {"0": {"variant_id": [...]}}}."""
    if not isinstance(details, dict) or not details:
        return [prefix.rstrip(".")]
    return [path for key, value in details.items()
            for path in _detail_paths(value, prefix + ("*" if str(key).isdigit() else str(key)) + ".")]


def _stored_state_refusal(case, response):
    """The listed refusals this answer is made of, or None when any part of it is not listed."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return None
    listed = {(refusal.where, refusal) for refusal in STATE_REFUSALS
              if (refusal.method, refusal.path, refusal.code) == (case.method, case.path, error.get("code"))}
    found = [next((refusal for where, refusal in listed if where == path), None)
             for path in _detail_paths(error.get("details"))]
    return None if not found or None in found else found


STATE_REFUSED = Counter()  # (method, path, where) of every listed refusal the fuzzer met


def valid_data_is_accepted(ctx, response, case):
    """Schemathesis's "schema-valid request rejected", except for the refusals listed in STATE_REFUSALS."""
    if is_valid_case(case) and 400 <= response.status_code < 500:
        refusals = _stored_state_refusal(case, response)
        if refusals:
            STATE_REFUSED.update((r.method, r.path, r.where) for r in refusals)
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = {"additional_checks": [valid_data_is_accepted], "excluded_checks": [positive_data_acceptance]}


def check(case):
    if is_valid_case(case):  # in every phase: examples and coverage do not pass through flatmap_case
        valid_beyond_the_schema(case)
    response = case.call_and_validate(**CHECKS)
    ANSWERS[(case.method, case.path, response.status_code)] += 1


as_admin, as_shopper = load_schema("admin"), load_schema("shopper")
# Derandomized: the same cases on every CI run (no flaky gate); raise EXAMPLES_PER_OPERATION to dig deeper.
fuzzed = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))


# The operations an admin's fuzzing must get past the errors on: each of their tests sees a success
# among its own cases, so that a guard refusing every case (or a fixup gone wrong) cannot pass unseen.
MUST_SUCCEED = {
    ("POST", "/api/v1/orders"), ("POST", "/api/v1/products"), ("GET", "/api/v1/orders/{order_id}"),
    ("PATCH", "/api/v1/products/{product_id}"), ("POST", "/api/v1/products/{product_id}/stock-adjustments"),
    ("POST", "/api/v1/orders/{order_id}/cancel"), ("POST", "/api/v1/categories"),
    ("PATCH", "/api/v1/categories/{category_id}"), ("GET", "/api/v1/categories/{category_id}"),
    ("POST", "/api/v1/products/{product_id}/images"), ("PATCH", "/api/v1/products/{product_id}/images/{image_id}"),
    ("POST", "/api/v1/shipping-methods"), ("GET", "/api/v1/shipping-methods"), ("POST", "/api/v1/tax-rates"),
    ("POST", "/api/v1/discount-codes"),
}


@pytest.fixture
def keeps_every_invariant():
    """After one operation's fuzzing, the store is sound."""
    yield
    assert problems(app.extensions["mongo_db"], settled=True) == []


@pytest.fixture
def reaches_a_success(request):
    """After one operation's fuzzing as an admin: a success among its cases, if it must have one."""
    before = ANSWERS.copy()
    yield
    method, _, path = request.node.name.partition("[")[2].removesuffix("]").partition(" ")
    answers = {status: count - before[(method, path, status)] for (m, p, status), count in ANSWERS.items()
               if (m, p) == (method, path) and count > before[(m, p, status)]}
    if (method, path) in MUST_SUCCEED:
        assert any(status < 300 for status in answers), f"no success from {method} {path}, only {answers}"


@pytest.mark.slow
@as_admin.parametrize()
@fuzzed
def test_the_api_keeps_its_documented_contract_for_an_admin(case, keeps_every_invariant, reaches_a_success):
    check(case)


@pytest.mark.slow
@as_shopper.parametrize()
@fuzzed
def test_the_api_keeps_its_documented_contract_for_a_shopper(case, keeps_every_invariant):
    check(case)


def put_back_on_sale(case, response):
    """A sequence's PATCH or DELETE that archived a product (a linked one may be ordered later,
    or be one of the low-stock report's) puts it back on sale at once: valid orders stay
    valid, and the answers that later steps are drawn from stay the same from one sequence
    to the next (hypothesis refuses sequences whose steps depend on what earlier ones did)."""
    product_id = (case.path_parameters or {}).get("product_id")
    if case.path == "/api/v1/products/{product_id}" and case.method in ("PATCH", "DELETE") \
            and response.status_code < 300:
        app.test_client().patch(f"/api/v1/products/{product_id}", json={"active": True},
                                headers={"Authorization": f"Bearer {TOKENS['admin']}"})


class AdminWorkflow(as_admin.as_state_machine()):
    """Sequences of calls linked by the ids they return (create a product, read it,
    adjust its stock, order it...), each answer checked as above."""

    state_at_start = None

    def setup(self):
        self.state_at_start.restore()

    def before_call(self, case):
        if is_valid_case(case):
            valid_beyond_the_schema(case)
        # As in flatmap_case: a link never archives or edits a product the orders are made of
        # (an order of an archived product is rightly a 422); a spare product stands in.
        product_id = (case.path_parameters or {}).get("product_id")
        if case.path == "/api/v1/products/{product_id}" and case.method in ("PATCH", "DELETE") \
                and product_id in REAL_IDS["on_sale"]:
            spare = REAL_IDS["spare"]
            case.path_parameters["product_id"] = spare[zlib.crc32(product_id.encode()) % len(spare)]

    def after_call(self, response, case):
        put_back_on_sale(case, response)

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        excluded = []
        # The contract's DELETE archives a product or a variant: an admin still reads and
        # changes it (200), so "a deleted resource is gone" does not hold for them, and only them.
        if case.path in ARCHIVING_PATHS:
            excluded.append(use_after_free)
        ANSWERS[(case.method, case.path, response.status_code)] += 1
        case.validate_response(response, additional_checks=CHECKS["additional_checks"],
                               excluded_checks=excluded + CHECKS["excluded_checks"], transport_kwargs=kwargs)


@pytest.mark.slow
def test_sequences_of_calls_keep_the_documented_contract():
    AdminWorkflow.state_at_start = StoredState(app.extensions["mongo_db"])
    AdminWorkflow.run(settings=settings(max_examples=EXAMPLES_PER_OPERATION, stateful_step_count=6, deadline=None,
                                        derandomize=True, database=None, suppress_health_check=list(HealthCheck)))
    assert problems(app.extensions["mongo_db"], settled=True) == []


def test_the_documented_not_blank_pattern_refuses_exactly_what_the_api_strips_away():
    import re

    from shop.fields import NOT_BLANK

    disagree = [hex(code) for code in range(0x3001)
                if (re.fullmatch(NOT_BLANK, chr(code)) is None) != chr(code).isspace()]

    assert disagree == []
