"""Nobody reaches what is not theirs: another shopper's order, a token that is
not valid, an admin action by a shopper, fields that only the shop may set."""
import pytest

from tests.conftest import ADDRESS, GOOD_CARD, assert_error
from tests.invariants import stored_state


@pytest.fixture
def ada_order(shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=10)
    return place_order(shopper, [(clock, 2)]).get_json()


@pytest.fixture
def eve(register):
    return register("eve@example.com")


@pytest.mark.parametrize("method, suffix, body", [
    ("get", "", None), ("post", "/payments", GOOD_CARD), ("post", "/cancel", None),
])
def test_another_shoppers_order_is_not_found_and_untouched(ada_order, eve, shopper, db, method, suffix, body):
    before = stored_state(db)

    response = getattr(eve, method)(f"/orders/{ada_order['id']}{suffix}", json=body)

    assert_error(response, 404, "not_found")
    assert stored_state(db) == before
    assert shopper.get(f"/orders/{ada_order['id']}").get_json()["status"] == "placed"


def test_a_shoppers_order_list_never_holds_anothers_orders_even_when_asked(ada_order, eve, shopper):
    response = eve.get(f"/orders?user_id={shopper.user['id']}")

    assert response.status_code == 200
    assert response.get_json()["items"] == [] and response.get_json()["total"] == 0


def test_an_admin_sees_any_order(ada_order, admin):
    assert admin.get(f"/orders/{ada_order['id']}").status_code == 200


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic YWRhOnB3", "Token abc", "Bearer not-a-real-token",
])
def test_an_order_needs_a_valid_bearer_token(ada_order, client, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = client.get(f"/api/v1/orders/{ada_order['id']}", headers=headers)

    assert_error(response, 401, "unauthorized")


def test_a_revoked_token_reaches_nothing(ada_order, shopper):
    assert shopper.delete("/auth/tokens/current").status_code == 204

    assert_error(shopper.get(f"/orders/{ada_order['id']}"), 401, "unauthorized")
    assert_error(shopper.post("/orders", json={"items": [], "shipping_address": ADDRESS}), 401, "unauthorized")


def test_logging_out_one_shopper_never_revokes_anothers_token(ada_order, eve, shopper):
    assert eve.delete("/auth/tokens/current").status_code == 204

    assert shopper.get(f"/orders/{ada_order['id']}").status_code == 200


def admin_calls(product_id, order_id):
    return [
        ("post", "/products", {"sku": "EVIL-1", "name": "Evil", "price": 1}),
        ("patch", f"/products/{product_id}", {"price": 1}),
        ("delete", f"/products/{product_id}", None),
        ("post", f"/products/{product_id}/stock-adjustments", {"delta": 100, "reason": "restock"}),
        ("get", f"/products/{product_id}/stock-movements", None),
        ("get", "/inventory/low-stock", None),
        ("post", f"/orders/{order_id}/transitions", {"status": "shipped"}),
        ("get", "/products?active=false", None),
    ]


def test_every_admin_endpoint_refuses_a_shopper_and_changes_nothing(ada_order, shopper, anonymous, db):
    product_id = ada_order["items"][0]["product_id"]
    shopper.post(f"/orders/{ada_order['id']}/payments", json=GOOD_CARD)
    before = stored_state(db)

    for method, path, body in admin_calls(product_id, ada_order["id"]):
        response = getattr(shopper, method)(path, json=body) if body else getattr(shopper, method)(path)
        if path.startswith("/products?"):
            assert response.status_code == 200  # the filter is ignored for shoppers: active products only
            assert all(p["active"] for p in response.get_json()["items"])
            continue
        assert_error(response, 403, "forbidden")
        anonymous_response = getattr(anonymous, method)(path, json=body) if body else getattr(anonymous, method)(path)
        assert_error(anonymous_response, 401, "unauthorized")

    assert stored_state(db) == before


@pytest.mark.parametrize("path", ["/admin/", "/admin/products", "/admin/orders", "/admin/products/new",
                                  "/admin/customers", "/admin/customers/5f0000000000000000000000",
                                  "/admin/orders?customer=ada@example.com"])
def test_the_back_office_pages_refuse_a_shopper_and_send_a_visitor_to_log_in(client, shopper, path):
    visitor = client.get(path)
    client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    logged_in = client.get(path)

    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    assert logged_in.status_code == 403


def test_back_office_forms_posted_by_a_shopper_change_nothing(client, ada_order, db):
    product_id = ada_order["items"][0]["product_id"]
    client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    before = stored_state(db)

    posts = [
        (f"/admin/products/{product_id}/stock", {"delta": "100", "reason": "restock", "note": ""}),
        (f"/admin/products/{product_id}/archive", {"reason": "evil"}),
        (f"/admin/products/{product_id}/edit", {"name": "Evil", "price": "0.01", "description": "", "slug": "evil"}),
        ("/admin/products/new", {"sku": "EVIL-1", "name": "Evil", "price": "1.00", "stock": "5"}),
        (f"/admin/orders/{ada_order['id']}/cancel", {"reason": "evil"}),
        (f"/admin/orders/{ada_order['id']}/status", {"status": "shipped", "tracking_number": "EVIL"}),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 403, path

    assert stored_state(db) == before


@pytest.mark.parametrize("body", [
    {"email": "eve@example.com", "password": "long enough pw", "name": "Eve", "role": "admin"},
    {"email": "eve@example.com", "password": "long enough pw", "name": "Eve", "is_admin": True},
])
def test_nobody_registers_as_an_admin(anonymous, db, body):
    assert_error(anonymous.post("/auth/register", json=body), 422, "validation_error")
    assert db.users.count_documents({"role": "admin"}) == 1


@pytest.mark.parametrize("extra", [{"status": "paid"}, {"total": 1}, {"user_id": "0" * 24},
                                   {"payment": {"status": "paid"}},
                                   {"items_price": 0}])
def test_a_shopper_cannot_set_what_the_shop_decides_on_an_order(shopper, add_product, db, extra):
    clock = add_product("RETRO-CLOCK", stock=10)
    body = {"items": [{"product_id": clock["id"], "quantity": 1}], "shipping_address": ADDRESS, **extra}

    assert_error(shopper.post("/orders", json=body), 422, "validation_error")
    assert db.orders.count_documents({}) == 0


@pytest.mark.parametrize("line", [{"unit_price": 1}, {"price": 0}, {"name": "free"}])
def test_a_shopper_cannot_set_a_lines_price(shopper, add_product, db, line):
    clock = add_product("RETRO-CLOCK", stock=10)
    body = {"items": [{"product_id": clock["id"], "quantity": 1, **line}], "shipping_address": ADDRESS}

    assert_error(shopper.post("/orders", json=body), 422, "validation_error")
    assert db.orders.count_documents({}) == 0
