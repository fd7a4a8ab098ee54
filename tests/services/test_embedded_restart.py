"""The embedded store serves a second app (a restart's start-up) as MongoDB would."""
from shop import db
from tests.conftest import ADDRESS, TEST_SETTINGS, login_token, started_app


def test_a_second_app_starts_on_a_store_where_a_shopper_has_orders_without_idempotency_keys():
    store = db.connect(None)
    first = started_app(TEST_SETTINGS, mongo_client=store).test_client()
    token = login_token(first, "admin@example.com", "admin-password-1")
    headers = {"Authorization": f"Bearer {token}"}
    product = first.post("/api/v1/products", headers=headers,
                         json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450, "stock": 5}).get_json()
    order = {"items": [{"product_id": product["id"], "quantity": 1}], "shipping_address": ADDRESS}
    for _ in range(2):
        assert first.post("/api/v1/orders", headers=headers, json=order).status_code == 201

    second = started_app(TEST_SETTINGS, mongo_client=store).test_client()

    listed = second.get("/api/v1/orders", headers=headers).get_json()
    assert listed["total"] == 2
