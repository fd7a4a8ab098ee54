"""Every query the app sends is served by an index that `ensure_indexes` creates.

A representative run (the JSON API, the HTML site and the background jobs)
goes through a client that records every query: its collection, which fields
its filter pins (equality, `$in`) or bounds (ranges), and its sort. Each shape
is then matched with an index of `shop.db.ensure_indexes` by MongoDB's prefix
rule: the index's first field is filtered on, and for a sorted query the
index's fields are the pinned fields, then the sort fields in order (all in
the index's direction or all reversed). A shape that no index serves fails the
test, unless ALLOWED names it with the reason.

`python -m tests.test_indexes` prints every shape next to its index.
"""
from dataclasses import dataclass

import pytest

from shop import db as shop_db
from shop import jobs
from shop.clock import utcnow
from tests.conftest import GOOD_CARD, TEST_SETTINGS, started_app
from tests.web.site_helpers import ADMIN_LOGIN, Site

QUERIES = {"find", "find_one", "count_documents", "update_one", "update_many", "delete_one", "delete_many",
           "find_one_and_update", "find_one_and_delete", "find_one_and_replace", "replace_one", "aggregate"}
EQUALITY = {"$eq", "$in", "$all"}  # $all: every value in a multikey index (the search's trigrams)
RANGE = {"$gt", "$gte", "$lt", "$lte"}

# Shapes no index serves, on purpose. Keyed by (collection, equality, range, sort), as `Shape.key` prints them.
ALLOWED = {
    ("products", (), (), ()):
        "the stock audit and the catalogue size read every product, by design (a rare admin job); the start-up "
        "search backfill asks for search_version $ne the current one, which its index answers as two ranges",
    ("stock_movements", (), (), ()):
        "the stock audit sums the whole ledger, by design ($group over every movement)",
    ("variants", (), (), ()):
        "the stock audit reads every variant's stock and pending movements, by design",
    ("categories", (), (), ()):
        "the category tree is read whole (pages, the product filter): tens to hundreds of small documents",
}
# An admin listing every product, archived or not (`active=all`): a catalogue of a few
# hundred products sorted in memory, rather than four more indexes on every product write.
ALLOWED.update({
    ("products", (), (), sort): "an admin listing all products, archived too: sorted in memory (hundreds)"
    for sort in [("sort_name", "_id"), ("-sort_name", "-_id"), ("price_min", "_id"), ("-price_max", "-_id"),
                 ("-created_at", "-_id")]
})
# The catalogue search (`q`) pins the trigrams of its words in `search_grams` ($all, on a
# multikey index) and checks the folded text with a literal `$regex` (products/search.py).
SEARCH_FIELDS = {"search_text", "search_name"}


@dataclass(frozen=True)
class Shape:
    collection: str
    equality: tuple
    range: tuple
    sort: tuple  # ("field", "-field", ...)
    branches: tuple = ()  # the shapes of an `$or` whose siblings pin nothing

    @property
    def key(self):
        return (self.collection, self.equality, self.range, self.sort)

    def __str__(self):
        parts = [f"={','.join(self.equality)}" if self.equality else "",
                 f"~{','.join(self.range)}" if self.range else "",
                 f"sort {','.join(self.sort)}" if self.sort else ""]
        return f"{self.collection}: " + (" ".join(p for p in parts if p) or "everything")


def shape_of(collection, mongo_filter, sort=None):
    equality, bounded, branches = set(), set(), []
    for field, condition in (mongo_filter or {}).items():
        if field == "$or":
            branches = [shape_of(collection, clause) for clause in condition]
        elif field == "$and":
            for clause in condition:
                inner = shape_of(collection, clause)
                equality.update(inner.equality)
                bounded.update(inner.range)
        elif not (isinstance(condition, dict) and any(op.startswith("$") for op in condition)):
            equality.add(field)
        elif set(condition) <= EQUALITY:
            equality.add(field)
        elif set(condition) & RANGE:
            bounded.add(field)
    order = tuple(("-" if direction < 0 else "") + field for field, direction in (sort or []))
    return Shape(collection, tuple(sorted(equality)), tuple(sorted(bounded - equality)), order, tuple(branches))


class RecordingCollection:
    def __init__(self, name, target, log):
        self._name, self._target, self._log = name, target, log

    def __getattr__(self, method):
        call = getattr(self._target, method)
        if method == "create_indexes":
            return lambda models: self._indexes(call, models)
        if method not in QUERIES:
            return call

        def recorded(*args, **kwargs):
            self._log["queries"].add(self._shape(method, args, kwargs))
            return call(*args, **kwargs)

        return recorded

    def _indexes(self, call, models):
        for model in models:
            self._log["indexes"].setdefault(self._name, []).append(tuple(model.document["key"].items()))
        return call(models)

    def _shape(self, method, args, kwargs):
        if method == "aggregate":
            match = next((stage["$match"] for stage in args[0] if "$match" in stage), {})
            return shape_of(self._name, match)
        mongo_filter = args[0] if args else kwargs.get("filter", {})
        return shape_of(self._name, mongo_filter, kwargs.get("sort"))


class RecordingDatabase:
    def __init__(self, target, log):
        self._target, self._log = target, log

    def __getattr__(self, name):
        value = getattr(self._target, name)
        return RecordingCollection(name, value, self._log) if hasattr(value, "find_one") else value

    def __getitem__(self, name):
        return RecordingCollection(name, self._target[name], self._log)


class RecordingClient:
    def __init__(self, target):
        self._target = target
        self.log = {"queries": set(), "indexes": {}}

    def __getitem__(self, name):
        return RecordingDatabase(self._target[name], self.log)

    def __getattr__(self, name):
        return getattr(self._target, name)


def serves(index, shape):
    """Does `index` (a tuple of (field, direction)) serve `shape`: its filter, and its sort if any?"""
    fields = [field for field, _ in index]
    if fields[0] not in shape.equality + shape.range:
        return False
    if not shape.sort:
        return True
    position = 0
    while position < len(index) and fields[position] in shape.equality:
        position += 1
    wanted = [(name.lstrip("-"), -1 if name.startswith("-") else 1) for name in shape.sort]
    given = list(index[position:position + len(wanted)])
    if [field for field, _ in given] != [field for field, _ in wanted]:
        return False
    same = [a == b for (_, a), (_, b) in zip(given, wanted)]
    return all(same) or not any(same)


def index_for(shape, indexes):
    """The index that serves `shape` best (the most leading fields filtered on), or None."""
    if shape.branches and not (shape.equality or shape.range):
        found = [index_for(branch, indexes) for branch in shape.branches]
        return found[0] if all(found) else None
    candidates = [index for index in [(("_id", 1),)] + indexes.get(shape.collection, []) if serves(index, shape)]
    return max(candidates, key=lambda index: _leading(index, shape), default=None)


def _leading(index, shape):
    if index == (("_id", 1),):
        return len(index) + 100  # a pinned _id names one document: MongoDB's first choice
    count = 0
    for field, _ in index:
        if field not in shape.equality + shape.range:
            break
        count += 1
    return count


def representative_run(app):
    """The shop at work: accounts, catalogue, orders, the site's pages, the background jobs."""
    client = app.test_client()

    def api(method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        response = getattr(client, method)("/api/v1" + path, headers=headers, **kwargs)
        assert response.status_code < 500, (path, response.get_json())
        return response.get_json()

    def token(email, password):
        return api("post", "/auth/tokens", json={"email": email, "password": password})["token"]

    admin = token(ADMIN_LOGIN["email"], ADMIN_LOGIN["password"])
    api("post", "/auth/tokens", json={"email": "ada@example.com", "password": "wrong password"})
    api("post", "/auth/register", json={"email": "ada@example.com", "password": "correct horse battery", "name": "Ada"})
    ada = token("ada@example.com", "correct horse battery")
    api("get", "/me", ada)
    api("post", "/auth/register", json={"email": "bea@example.com", "password": "correct horse battery", "name": "Bea"})
    bea = token("bea@example.com", "correct horse battery")
    api("patch", "/me", bea, json={"name": "Bea Shopper"})
    api("post", "/me/password", bea, json={"current_password": "wrong password", "new_password": "a new passphrase"})
    api("post", "/me/password", bea, json={"current_password": "correct horse battery",
                                           "new_password": "a new passphrase"})
    api("post", "/auth/password-resets", json={"email": "bea@example.com"})
    api("post", "/auth/password-resets/not-a-token-we-sent", json={"password": "a newer passphrase"})
    clock = api("post", "/products", admin,
                json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450, "stock": 50})
    mug = api("post", "/products", admin, json={"sku": "MUG-STONE", "name": "Stone Mug", "price": 1800, "stock": 2})
    api("post", "/products", admin, json={"sku": "RETRO-CLOCK-2", "name": "Retro Clock", "price": 10})
    api("post", "/products", admin, json={"sku": "MUG-STONE", "name": "Other", "price": 10})
    for sort in ("name", "-name", "price", "-price", "-created_at"):
        api("get", f"/products?sort={sort}&in_stock=true&min_price=1&max_price=99999&q=clock")
        api("get", f"/products?sort={sort}&active=all", admin)
    api("get", f"/products/{clock['id']}")
    api("get", f"/products/{clock['slug']}")
    api("patch", f"/products/{mug['id']}", admin, json={"name": "Stoneware Mug", "slug": "stoneware-mug"})
    api("post", f"/products/{mug['id']}/stock-adjustments", admin, json={"delta": 3, "reason": "restock"})
    api("get", f"/products/{mug['id']}/stock-movements", admin)
    api("get", "/inventory/low-stock?threshold=10", admin)
    address = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}
    body = {"items": [{"product_id": clock["id"], "quantity": 1}], "shipping_address": address}
    paid = api("post", "/orders", ada, json=body, headers={"Idempotency-Key": "order-1"})
    api("post", "/orders", ada, json=body, headers={"Idempotency-Key": "order-1"})
    api("post", "/orders", ada,
        json={"items": [{"product_id": mug["id"], "quantity": 99}], "shipping_address": address})
    api("post", f"/orders/{paid['id']}/payments", ada, json=GOOD_CARD)
    api("post", f"/orders/{paid['id']}/transitions", admin, json={"status": "shipped"})
    cancelled = api("post", "/orders", ada, json=body)
    api("post", f"/orders/{cancelled['id']}/cancel", ada)
    refunded = api("post", "/orders", ada, json=body)
    api("post", f"/orders/{refunded['id']}/payments", ada, json=GOOD_CARD)
    api("post", f"/orders/{refunded['id']}/cancel", ada)
    api("get", "/orders", ada)
    api("get", f"/orders?status=placed&user_id={paid['user_id']}", admin)
    api("get", "/orders?status=cancelled", admin)
    api("get", f"/orders/{paid['id']}", ada)
    home = api("post", "/me/addresses", ada, json=address)
    work = api("post", "/me/addresses", ada, json=dict(address, name="Ada at Work"))
    api("patch", f"/me/addresses/{work['id']}", ada, json={"default": True, "city": "Shelbyville"})
    api("get", "/me/addresses", ada)
    api("post", "/orders", ada, json={"items": body["items"], "address_id": home["id"]})
    api("delete", f"/me/addresses/{work['id']}", ada)
    api("delete", f"/products/{mug['id']}", admin)
    api("delete", "/auth/tokens/current", ada)

    site = Site(client)
    for path in ("/", "/products", "/products?q=clock&sort=price", f"/products/{clock['slug']}", "/sitemap.xml",
                 "/robots.txt"):
        site.get(path)
    site.add_to_cart(clock)
    site.get("/cart")
    site.register("grace@example.com")
    site.login("grace@example.com")
    site.get("/account")
    site.post("/account/name", {"name": "Grace Hopper"})
    site.get("/password-reset/not-a-token-we-sent")
    site.post(f"/cart/items/{clock['id']}", {"quantity": "2"})
    order_page = site.buy(clock)
    site.get("/orders")
    site.get(order_page)
    site.post(order_page + "/pay", dict(GOOD_CARD))
    site.post(f"/cart/items/{clock['id']}/remove")
    site.logout()
    site.admin()
    for path in ("/admin/", "/admin/orders", "/admin/orders?status=paid", "/admin/products",
                 "/admin/orders?number=k7m2", "/admin/orders?customer=grace&status=paid",
                 "/admin/customers", "/admin/customers?q=gr"):
        site.get(path)
    grace = app.extensions["mongo_db"].users.find_one({"email": "grace@example.com"})
    site.get(f"/admin/customers/{grace['_id']}")

    db = app.extensions["mongo_db"]
    jobs.repair(db, stale_after_seconds=-3600)
    jobs.expire_orders(db)
    jobs.deliver_emails(db, app.extensions["mail_backend"])
    jobs.audit_stock(db)
    from shop.bootstrap import seed_demo_catalog

    with app.app_context():
        seed_demo_catalog(app)
    return utcnow()


@pytest.fixture(scope="module")
def recorded():
    recorder = RecordingClient(shop_db.connect(None))
    app = started_app(dict(TEST_SETTINGS), mongo_client=recorder)
    representative_run(app)
    return recorder.log


def listing(log):
    lines = []
    for shape in sorted(log["queries"], key=lambda s: (s.collection, str(s))):
        index = index_for(shape, log["indexes"])
        served = " + ".join(f"{f}{'' if d == 1 else ' desc'}" for f, d in index) if index else ALLOWED.get(
            shape.key, "NO INDEX")
        lines.append(f"{str(shape):<70} {served}")
    return "\n".join(lines)


def test_the_representative_run_reaches_every_collection(recorded):
    touched = {shape.collection for shape in recorded["queries"]}

    assert {"users", "tokens", "login_failures", "password_resets", "reset_requests", "products", "stock_movements",
            "orders", "emails", "carts", "sandbox_charges", "addresses", "address_books"} <= touched


def test_every_query_is_served_by_an_index(recorded):
    unserved = [shape for shape in recorded["queries"]
                if index_for(shape, recorded["indexes"]) is None and shape.key not in ALLOWED]

    assert not unserved, "queries without an index:\n" + "\n".join(map(str, unserved)) + "\n\n" + listing(recorded)


def test_every_allowed_exception_still_happens(recorded):
    # An entry for a query the app no longer sends would hide a future one of the same shape.
    seen = {shape.key for shape in recorded["queries"]}

    assert set(ALLOWED) <= seen, set(ALLOWED) - seen


def test_the_catalogue_search_is_narrowed_by_its_trigram_index(recorded):
    searches = [s for s in recorded["queries"] if s.collection == "products" and "search_grams" in s.equality]

    assert searches
    assert (("search_grams", 1),) in recorded["indexes"]["products"]
    for shape in searches:
        assert index_for(shape, recorded["indexes"]) is not None
        assert not SEARCH_FIELDS & set(shape.equality + shape.range)  # the regex is checked, not looked up


if __name__ == "__main__":
    recorder = RecordingClient(shop_db.connect(None))
    representative_run(started_app(dict(TEST_SETTINGS), mongo_client=recorder))
    print(listing(recorder.log))
