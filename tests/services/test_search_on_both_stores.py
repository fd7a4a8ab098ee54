"""Search answers the same on every store, and products stored before it are folded at start-up.

The same catalogue (same order of creation, same timestamps, ties included) goes into
two apps, and many searches must answer alike, order and totals included:
- in the server pass, an app on the server against one on the embedded store;
- in the embedded pass, the embedded store (its own indexes, trigram `$all` lookups
  included) against plain mongomock, which scans every document.
"""
import itertools
import threading
import unicodedata
from datetime import datetime, timedelta, timezone

import mongomock
import pytest

from shop import embedded
from shop.products import services as product_services
from shop.products.repository import LedgerRepository, ProductRepository
from tests import stores
from tests.conftest import TEST_SETTINGS, started_app

START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
NAMES = ["Cast Iron Teapot", "Crème Brûlée Dish", unicodedata.normalize("NFD", "Crème Fraîche Pot"), "Retro Clock",
         "Clockwork Mouse", "Iron Teapot Stand", "Straße Sign", "Dot Grid Notebook A5", "Mug (Blue) .*", "Price $5 Tag"]
DESCRIPTIONS = ["", "A teapot's friend.", "Cast in iron, seasoned.", "Locks tight.", "For crème and tea.", "(a+)+$"]
QUERIES = ["", "teapot", "teapot iron", "iron teapot", "creme", "CRÈME", unicodedata.normalize("NFD", "crème"),
           "lock", "clock", "o", "te", "a5", ".*", "(", "$", "(blue)", "strasse", "straße", "iron cast", "nothing",
           "tea friend", "sku-0", "SKU-1", "e e", "pot", "mouse clock"]


def catalogue():
    """40 products; every third pair shares a creation time, so ties are ordered by id."""
    for number in range(40):
        yield number, {
            "sku": f"SKU-{number:02d}", "name": f"{NAMES[number % len(NAMES)]} {number}",
            "description": DESCRIPTIONS[number % len(DESCRIPTIONS)], "price": 100 * (number % 7 + 1),
            "stock": number % 3, "active": number % 11 != 5,
        }


def fill(app):
    db = app.extensions["mongo_db"]
    products, ledger = ProductRepository(db), LedgerRepository(db)
    with app.app_context():
        for number, data in catalogue():
            product_services.create_product(products, ledger, data, None, START + timedelta(minutes=number // 2))


@pytest.fixture
def two_apps():
    """(this pass's store, the store it is compared with), filled alike, product by product."""
    other_client = embedded.connect() if stores.ON_SERVER else mongomock.MongoClient(tz_aware=True)
    apps = [started_app(dict(TEST_SETTINGS)),
            started_app(dict(TEST_SETTINGS, MONGO_URI=None), mongo_client=other_client)]
    for app in apps:
        fill(app)
    yield apps
    other_client.close()


def answer(client, **args):
    body = client.get("/api/v1/products", query_string=args).get_json()
    return body["total"], [item["sku"] for item in body["items"]]


def test_every_search_answers_alike_on_both_stores(two_apps):
    clients = [app.test_client() for app in two_apps]
    differences, asked = [], 0

    for q, sort, per_page, in_stock in itertools.product(QUERIES, ["relevance", "name", "-price", "-created_at"],
                                                         [4, 100], [None, "true"]):
        pages = range(1, 4) if per_page == 4 else [1]
        for page in pages:
            args = {"q": q, "sort": sort, "per_page": per_page, "page": page,
                    **({"in_stock": in_stock} if in_stock else {})}
            answers = [answer(client, **args) for client in clients]
            asked += 1
            if answers[0] != answers[1]:
                differences.append((args, answers))

    assert asked > 500
    assert differences == []


def test_the_comparison_is_not_empty(two_apps):
    total, found = answer(two_apps[0].test_client(), q="teapot iron", per_page=100)

    assert total == len(found) > 2


# The start-up backfill --------------------------------------------------------------------


def strip_search_fields(db):
    db.products.update_many({}, {"$unset": {"search_name": "", "search_text": "", "search_grams": "",
                                            "search_version": ""}})


def test_products_stored_before_search_are_found_after_a_restart(app, db, add_product, anonymous):
    add_product("OLD-TEAPOT", name="Crème Teapot")
    strip_search_fields(db)
    assert [p["sku"] for p in anonymous.get("/products?q=creme").get_json()["items"]] == []

    restarted = started_app(dict(TEST_SETTINGS), mongo_client=app.extensions["mongo_client"])

    found = restarted.test_client().get("/api/v1/products?q=creme").get_json()["items"]
    assert [p["sku"] for p in found] == ["OLD-TEAPOT"]


def test_the_backfill_is_idempotent_and_keeps_what_a_later_write_folded(app, db, add_product, admin):
    product = add_product("KETTLE", name="Copper Kettle")
    add_product("OTHER", name="Other Thing")
    strip_search_fields(db)
    admin.patch(f"/products/{product['id']}", json={"name": "Brass Kettle"})  # folds its own fields
    repository = ProductRepository(db)

    written = [repository.backfill_search_fields(), repository.backfill_search_fields()]

    assert written == [1, 0]
    assert db.products.find_one({"skus": "KETTLE"})["search_name"] == "brass kettle"


def test_several_processes_backfilling_at_once_write_each_product_once(app, db, add_product):
    for number in range(30):
        add_product(f"OLD-{number}", name=f"Old Thing {number}")
    strip_search_fields(db)
    barrier, written = threading.Barrier(3), []

    def backfill():
        barrier.wait()
        written.append(ProductRepository(db).backfill_search_fields())

    threads = [threading.Thread(target=backfill) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(written) == 30
    assert db.products.count_documents({"search_version": {"$exists": True}}) == 30
