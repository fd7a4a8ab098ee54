"""The store the fault tests start from, made once per test module (each test clones it)."""
import pytest

from tests.conftest import ADDRESS, GOOD_CARD
from tests.faults.harness import make_app, new_store

PASSWORD = "correct horse battery"
TEE = {"name": "Linen Tee", "price": 2500, "options": [{"name": "Size", "values": ["S", "M", "L"]}],
       "variants": [{"sku": "TEE-S", "options": {"Size": "S"}, "stock": 4},
                    {"sku": "TEE-M", "options": {"Size": "M"}, "stock": 5, "price": 2700}]}


def token_for(client, email, password):
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": password})
    return response.get_json()["token"]


def _placed(client, order, shopper):
    return client.post("/api/v1/orders", json=order, headers=shopper).get_json()["id"]


def _paid(client, order, shopper):
    paid = _placed(client, order, shopper)
    assert client.post(f"/api/v1/orders/{paid}/payments", json=GOOD_CARD, headers=shopper).status_code == 200
    return paid


@pytest.fixture(scope="module")
def base():
    """A store with an admin, a shopper, two products, a placed and a paid order."""
    store = new_store()
    client = make_app(store).test_client()
    admin = {"Authorization": "Bearer " + token_for(client, "admin@example.com", "admin-password-1")}
    client.post("/api/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
    shopper = {"Authorization": "Bearer " + token_for(client, "ada@example.com", PASSWORD)}
    ids = {}
    for sku, stock in (("RETRO-CLOCK", 10), ("STONE-MUG", 6)):
        body = {"sku": sku, "name": sku.title(), "price": 1250, "stock": stock}
        ids[sku] = client.post("/api/v1/products", json=body, headers=admin).get_json()["id"]
    tee = client.post("/api/v1/products", json=TEE, headers=admin).get_json()
    ids["TEE"], ids["TEE-S"], ids["TEE-M"] = tee["id"], tee["variants"][0]["id"], tee["variants"][1]["id"]
    order = {"items": [{"product_id": ids["RETRO-CLOCK"], "quantity": 2},
                       {"product_id": ids["STONE-MUG"], "quantity": 1}],
             "shipping_address": ADDRESS}
    code = {"code": "SPRING", "kind": "percent", "value": 1000, "active": True, "max_uses": 3}
    assert client.post("/api/v1/discount-codes", json=code, headers=admin).status_code == 201
    placed = _placed(client, order, shopper)
    with_code = _placed(client, dict(order, discount_code="spring"), shopper)
    paid = _paid(client, order, shopper)
    refunded = _paid(client, order, shopper)
    assert client.post(f"/api/v1/orders/{refunded}/refunds", headers=admin, json={
        "lines": [{"product_id": ids["STONE-MUG"], "quantity": 1, "restock": True}], "reason": "Chipped"}
    ).status_code == 201
    return {"store": store, "admin": admin, "shopper": shopper, "products": ids, "placed": placed, "paid": paid,
            "with_code": with_code, "refunded": refunded}
