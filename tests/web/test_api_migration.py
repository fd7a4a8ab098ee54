"""A v1 store, as v1 left it, opened by this version: the start-up migration gives
every product its default variant (same id, stock and ledger), and v1 clients,
carts and orders keep working. Safe to run again, and by two apps at once."""
import threading
from datetime import datetime, timedelta, timezone

from bson import ObjectId

from shop.products.migration import give_products_variants
from shop import db as shop_db
from tests.conftest import ADDRESS, TEST_SETTINGS, CheckedClient, login_token, started_app
from tests.invariants import assert_holds
from tests.web.site_helpers import Site

CREATED = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc).replace(tzinfo=None)


def started(store):
    app = started_app(dict(TEST_SETTINGS), mongo_client=store)
    app.test_client_class = CheckedClient
    return app


def v1_product(db, sku, price, stock, sold=0, order_id=None):
    """A product document as v1 stored it (sku, price, stock, ledger_seq, pending in the
    product), with its ledger entries as v1 wrote them (no variant_id, no sku)."""
    product_id = ObjectId()
    movements = [{"_id": ObjectId(), "product_id": product_id, "seq": 1, "delta": stock, "reason": "initial",
                  "stock_after": stock, "created_at": CREATED, "order_id": None, "actor_id": None, "note": ""}]
    if sold:
        movements.append({"_id": ObjectId(), "product_id": product_id, "seq": 2, "delta": -sold,
                          "reason": "order_placed", "stock_after": stock - sold,
                          "created_at": CREATED + timedelta(minutes=1), "order_id": order_id, "actor_id": None,
                          "note": ""})
    db.products.insert_one({
        "_id": product_id, "sku": sku, "slug": sku.lower(), "name": sku.title(), "sort_name": sku.lower(),
        "description": "", "currency": "USD", "price": price, "stock": stock - sold, "active": True,
        "ledger_seq": len(movements), "pending": [], "created_at": CREATED, "updated_at": CREATED,
    })
    db.stock_movements.insert_many(movements)
    return str(product_id)


def v1_order(db, template, product_id, sku, price, quantity, order_id):
    """An order placed by v1: its lines name a product, no variant_id, no options."""
    doc = dict(template, _id=order_id, number="V1-000001", idempotency_key="v1-key-0123456789",
               items=[{"product_id": product_id, "sku": sku, "name": sku.title(), "unit_price": price,
                       "quantity": quantity}])
    db.orders.insert_one(doc)


def a_v1_store():
    """A store with accounts (made by this version, whose users are v1's) and raw v1
    catalogue, ledger, order and cart documents. Returns (store, ids)."""
    store = shop_db.connect(None)
    first = started(store)
    client = first.test_client()
    Site(client).register("ada@example.com")
    token = login_token(client, "ada@example.com", "correct horse battery")
    headers = {"Authorization": f"Bearer {token}"}
    # An order placed by this version, only to borrow the shape of its document.
    admin = {"Authorization": f"Bearer {login_token(client, 'admin@example.com', 'admin-password-1')}"}
    scratch = client.post("/api/v1/products", headers=admin,
                          json={"sku": "SCRATCH", "name": "Scratch", "price": 1, "stock": 1}).get_json()
    placed = client.post("/api/v1/orders", headers=headers, json={
        "items": [{"product_id": scratch["id"], "quantity": 1}], "shipping_address": ADDRESS}).get_json()
    db = first.extensions["mongo_db"]
    template = db.orders.find_one({"_id": ObjectId(placed["id"])})
    email = db.emails.find_one({"key": f"order:{placed['id']}:placed"})
    for name in ("orders", "products", "variants", "stock_movements", "emails"):
        db[name].delete_many({})

    order_id = ObjectId()
    clock = v1_product(db, "RETRO-CLOCK", 3450, 10, sold=2, order_id=str(order_id))
    mug = v1_product(db, "MUG-STONE", 1800, 6)
    v1_order(db, template, clock, "RETRO-CLOCK", 3450, 2, order_id)
    db.emails.insert_one(dict(email, _id=ObjectId(), key=f"order:{order_id}:placed"))
    db.carts.insert_one({"owner": f"user:{template['user_id']}", "items": {mug: 2}, "updated_at": CREATED})
    return store, {"clock": clock, "mug": mug, "order": str(order_id), "token": token, "admin": admin, "db": db}


def api(app, token):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    return client, headers


def test_a_v1_product_gets_its_default_variant_with_its_id_stock_and_ledger():
    store, ids = a_v1_store()

    app = started(store)

    db = app.extensions["mongo_db"]
    variant = db.variants.find_one({"_id": ObjectId(ids["clock"])})
    assert (variant["product_id"], variant["sku"], variant["price"], variant["stock"], variant["ledger_seq"]) == (
        ObjectId(ids["clock"]), "RETRO-CLOCK", 3450, 8, 2)
    assert db.variants.count_documents({}) == 2
    assert sorted((m["variant_id"], m["sku"], m["delta"]) for m in db.stock_movements.find(
        {"product_id": ObjectId(ids["clock"])})) == [(ObjectId(ids["clock"]), "RETRO-CLOCK", -2),
                                                     (ObjectId(ids["clock"]), "RETRO-CLOCK", 10)]
    assert db.products.count_documents({"stock": {"$exists": True}}) == 0
    result = app.test_cli_runner().invoke(args=["audit-stock"])
    assert result.exit_code == 0, result.output
    assert "0 variant(s) differ" in result.output
    assert_holds(db)


def test_v1_answers_look_as_before_plus_the_new_fields():
    store, ids = a_v1_store()
    client, headers = api(started(store), ids["token"])

    product = client.get(f"/api/v1/products/{ids['clock']}").get_json()
    ledger = client.get(f"/api/v1/products/{ids['clock']}/stock-movements", headers=ids["admin"]).get_json()

    assert (product["id"], product["sku"], product["price"], product["stock"], product["slug"], product["active"]) == (
        ids["clock"], "RETRO-CLOCK", 3450, 8, "retro-clock", True)
    assert product["options"] == []
    assert product["variants"] == [{"id": ids["clock"], "sku": "RETRO-CLOCK", "options": {}, "price": 3450,
                                    "stock": 8, "active": True}]
    assert product["price_range"] == {"min": 3450, "max": 3450}
    assert sorted((m["delta"], m["variant_id"], m["sku"]) for m in ledger["items"]) == [
        (-2, ids["clock"], "RETRO-CLOCK"), (10, ids["clock"], "RETRO-CLOCK")]
    listed = client.get("/api/v1/products?min_price=3000&sort=price").get_json()["items"]
    assert [item["sku"] for item in listed] == ["RETRO-CLOCK"]
    order = client.get(f"/api/v1/orders/{ids['order']}", headers=headers).get_json()
    assert order["items"][0]["product_id"] == ids["clock"]
    assert order["items"][0]["variant_id"] == ids["clock"]
    assert order["items"][0]["sku"] == "RETRO-CLOCK"


def test_cancelling_a_v1_order_restocks_the_default_variant_once():
    store, ids = a_v1_store()
    app = started(store)
    client, headers = api(app, ids["token"])

    first = client.post(f"/api/v1/orders/{ids['order']}/cancel", headers=headers)
    again = client.post(f"/api/v1/orders/{ids['order']}/cancel", headers=headers)

    assert first.status_code == 200, first.get_json()
    assert again.status_code in (200, 409, 422)
    assert client.get(f"/api/v1/products/{ids['clock']}").get_json()["stock"] == 10
    cancelled = [m for m in client.get(f"/api/v1/products/{ids['clock']}/stock-movements",
                                       headers=ids["admin"]).get_json()["items"] if m["reason"] == "order_cancelled"]
    assert [(m["delta"], m["variant_id"]) for m in cancelled] == [(2, ids["clock"])]
    assert_holds(app.extensions["mongo_db"])


def test_a_v1_cart_still_shows_and_checks_out():
    store, ids = a_v1_store()
    app = started(store)
    site = Site(app.test_client())
    assert site.login("ada@example.com").status_code == 302

    cart = site.text("/cart")
    response = site.checkout()

    assert "Mug-Stone" in cart or "Mug Stone" in cart
    assert response.status_code == 302, response.get_data(as_text=True)
    client, headers = api(app, ids["token"])
    assert client.get(f"/api/v1/products/{ids['mug']}").get_json()["stock"] == 4
    assert_holds(app.extensions["mongo_db"])


def test_a_v1_client_orders_from_a_migrated_product_without_variant_id():
    store, ids = a_v1_store()
    app = started(store)
    client, headers = api(app, ids["token"])

    response = client.post("/api/v1/orders", headers=headers, json={
        "items": [{"product_id": ids["mug"], "quantity": 1}], "shipping_address": ADDRESS})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["items"][0]["variant_id"] == ids["mug"]
    assert client.get(f"/api/v1/products/{ids['mug']}").get_json()["stock"] == 5


def snapshot(db):
    return {name: sorted((str(doc)) for doc in db[name].find({}, {"updated_at": 0}))
            for name in ("products", "variants", "stock_movements", "orders", "carts")}


def test_starting_again_on_a_migrated_store_changes_nothing():
    store, ids = a_v1_store()
    first = started(store)
    client, headers = api(first, ids["token"])
    assert client.post("/api/v1/orders", headers=headers, json={
        "items": [{"product_id": ids["clock"], "quantity": 3}], "shipping_address": ADDRESS}).status_code == 201
    before = snapshot(first.extensions["mongo_db"])

    second = started(store)

    assert snapshot(second.extensions["mongo_db"]) == before
    assert api(second, ids["token"])[0].get(f"/api/v1/products/{ids['clock']}").get_json()["stock"] == 5


_BUILDING = threading.Lock()


def app_built_alone(store):
    """An app on the store, built one at a time: building two at once in threads can trip
    CPython 3.11's compiler ("AST constructor recursion depth mismatch"), not the shop."""
    with _BUILDING:
        return started(store)


def test_two_apps_migrating_one_store_at_once_give_each_product_one_variant():
    store, ids = a_v1_store()
    barrier = threading.Barrier(2)
    apps, errors = [], []

    def start():
        try:
            app = app_built_alone(store)
            barrier.wait()
            give_products_variants(app.extensions["mongo_db"])  # both at once, as two processes start
            apps.append(app)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and len(apps) == 2
    db = apps[0].extensions["mongo_db"]
    assert sorted(str(v["_id"]) for v in db.variants.find()) == sorted([ids["clock"], ids["mug"]])
    assert db.stock_movements.count_documents({"variant_id": {"$exists": False}}) == 0
    assert db.variants.find_one({"_id": ObjectId(ids["clock"])})["stock"] == 8
    result = apps[1].test_cli_runner().invoke(args=["audit-stock"])
    assert result.exit_code == 0, result.output
    assert_holds(db)


def test_a_v1_movement_left_pending_by_a_crash_is_kept_and_recorded_once_by_the_repair():
    store, ids = a_v1_store()
    db = ids["db"]
    restock = {"_id": ObjectId(), "product_id": ObjectId(ids["mug"]), "seq": 2, "delta": 4, "reason": "restock",
               "stock_after": 10, "created_at": CREATED, "order_id": None, "actor_id": None, "note": ""}
    # v1 moved the stock and pushed the movement, then died before the ledger write.
    db.products.update_one({"_id": ObjectId(ids["mug"])},
                           {"$inc": {"stock": 4, "ledger_seq": 1}, "$push": {"pending": restock}})

    app = started(store)
    audit = app.test_cli_runner().invoke(args=["audit-stock"])
    repaired = app.test_cli_runner().invoke(args=["repair", "--stale-after", "0"])
    again = app.test_cli_runner().invoke(args=["repair", "--stale-after", "0"])

    assert audit.exit_code == 0, audit.output
    assert repaired.exit_code == 0 and again.exit_code == 0, repaired.output + again.output
    recorded = list(db.stock_movements.find({"_id": restock["_id"]}))
    assert [(m["variant_id"], m["sku"], m["delta"]) for m in recorded] == [(ObjectId(ids["mug"]), "MUG-STONE", 4)]
    assert db.variants.find_one({"_id": ObjectId(ids["mug"])})["stock"] == 10
    assert_holds(db)
