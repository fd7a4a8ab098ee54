"""MongoDB operator injection and regular expressions: an object where a string
or number belongs is refused in every JSON field, query argument, path and
form field, and search text is matched literally."""
import json

import pytest

from tests.conftest import ADDRESS, GOOD_CARD, assert_error
from tests.invariants import stored_state
from tests.web.site_helpers import shown_quote

OPERATORS = [{"$ne": None}, {"$gt": ""}, {"$regex": ".*"}, {"$where": "sleep(100)"}]


@pytest.fixture
def world(admin, shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=10)
    order = place_order(shopper, [(clock, 1)]).get_json()
    paid = place_order(shopper, [(clock, 1)]).get_json()
    assert shopper.post(f"/orders/{paid['id']}/payments", json=GOOD_CARD).status_code == 200
    return {"product": clock, "order": order, "paid": paid}


def bodies(world):
    """(caller, path, a valid body) for every JSON endpoint that takes a body."""
    pid, oid = world["product"]["id"], world["order"]["id"]
    return [
        ("anonymous", "post", "/auth/register",
         {"email": "new@example.com", "password": "long enough pw", "name": "New"}),
        ("anonymous", "post", "/auth/tokens", {"email": "ada@example.com", "password": "correct horse battery"}),
        ("admin", "post", "/products", {"sku": "NEW-1", "name": "New", "price": 100, "description": "d",
                                        "currency": "USD", "stock": 1, "active": True, "slug": "new-one"}),
        ("admin", "patch", f"/products/{pid}", {"name": "Renamed", "description": "d", "price": 5, "active": True,
                                                "slug": "renamed"}),
        ("admin", "post", f"/products/{pid}/stock-adjustments", {"delta": 1, "reason": "restock", "note": "n"}),
        ("shopper", "post", "/orders", {"items": [{"product_id": pid, "quantity": 1}],
                                        "shipping_address": dict(ADDRESS, line2="Flat 2")}),
        ("shopper", "post", f"/orders/{oid}/payments", dict(GOOD_CARD)),
        ("admin", "post", f"/orders/{world['paid']['id']}/transitions", {"status": "shipped"}),
    ]


def field_paths(body, prefix=()):
    """Every leaf of a JSON body, as a path of keys and list indexes."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield from field_paths(value, prefix + (key,))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from field_paths(value, prefix + (index,))
    else:
        yield prefix


def replaced(body, path, value):
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def test_an_operator_in_any_json_field_is_refused_and_changes_nothing(world, anonymous, admin, shopper, db):
    callers = {"anonymous": anonymous, "admin": admin, "shopper": shopper}
    before = stored_state(db)
    tried = 0

    for who, method, path, body in bodies(world):
        for field in field_paths(body):
            for operator in OPERATORS:
                response = getattr(callers[who], method)(path, json=replaced(body, field, operator))
                details = assert_error(response, 422, "validation_error")
                assert field[0] in details, (path, field, details)
                tried += 1

    assert tried > 100
    assert stored_state(db) == before


@pytest.mark.parametrize("key", ["$where", "$ne", "email.$ne", "role"])
def test_an_operator_as_a_body_key_is_an_unknown_field(anonymous, key):
    body = {"email": "eve@example.com", "password": "long enough pw", "name": "Eve", key: {"$ne": None}}

    details = assert_error(anonymous.post("/auth/register", json=body), 422, "validation_error")

    assert key in details


def test_logging_in_with_operators_for_email_and_password_gives_no_token(world, anonymous):
    for operator in OPERATORS:
        response = anonymous.post("/auth/tokens", json={"email": "ada@example.com", "password": operator})
        assert_error(response, 422, "validation_error")
        response = anonymous.post("/auth/tokens", json={"email": operator, "password": operator})
        assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("query", [
    "user_id[$ne]=x", 'user_id={"$ne":null}', "status[$ne]=placed", 'status={"$ne":null}',
    "user_id=000000000000000000000000&status[$in]=paid",
])
def test_operators_in_query_args_never_show_a_shopper_anothers_orders(world, register, place_order, query):
    eve = register("eve@example.com")
    place_order(eve, [(world["product"], 1)])

    response = eve.get(f"/orders?{query}")

    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert {order["user_id"] for order in response.get_json()["items"]} == {eve.user["id"]}


@pytest.mark.parametrize("query", [
    "active[$ne]=true", 'active={"$ne":true}', "active=false", "active=all", "in_stock[$ne]=1",
    'min_price={"$gt":""}', "sort[$natural]=1", "q[$regex]=.*", 'q={"$ne":null}',
])
def test_operators_in_catalogue_args_never_show_an_archived_product_to_a_shopper(world, admin, shopper, add_product,
                                                                                   query):
    archived = add_product("SECRET-PROTO", stock=1)
    admin.delete(f"/products/{archived['id']}")

    response = shopper.get(f"/products?{query}")

    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert "SECRET-PROTO" not in {p["sku"] for p in response.get_json()["items"]}


@pytest.mark.parametrize("path", [
    "/products/%7B%22%24ne%22%3Anull%7D", "/products/%24ne", "/orders/%7B%22%24ne%22%3Anull%7D", "/orders/.*",
])
def test_an_operator_in_a_path_is_just_an_unknown_id(world, shopper, path):
    assert_error(shopper.get(path), 404, "not_found")


@pytest.mark.parametrize("token", ['{"$ne": null}', "$ne", ".*", "null"])
def test_an_operator_as_a_bearer_token_is_unauthorized(world, client, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert_error(response, 401, "unauthorized")


@pytest.fixture
def catalogue(add_product):
    add_product("MUG-BLUE", name="Mug (Blue)", description="Holds $5 of coffee.", stock=3)
    add_product("PLAIN-MUG", name="Plain Mug", description="A mug.", stock=3)
    add_product("STAR-LAMP", name="Star Lamp", description="Shines [brightly]*", stock=3)


@pytest.mark.parametrize("text, expected", [
    (".*", []), ("(", ["MUG-BLUE"]), ("Mug (Blue)", ["MUG-BLUE"]), ("$", ["MUG-BLUE"]), ("^Plain", []),
    ("[brightly]*", ["STAR-LAMP"]), ("a|b", []), ("(a+)+$", []), ("\\", []), ("mug", ["MUG-BLUE", "PLAIN-MUG"]),
])
def test_search_text_is_matched_literally_never_as_a_regular_expression(catalogue, anonymous, text, expected):
    response = anonymous.get("/products", query_string={"q": text, "sort": "name"})

    assert response.status_code == 200
    assert sorted(p["sku"] for p in response.get_json()["items"]) == expected


@pytest.mark.parametrize("text, expected", [(".*", 0), ("Mug (Blue)", 1), ("(", 1)])
def test_the_catalogue_page_searches_literally_too(catalogue, client, text, expected):
    response = client.get("/products", query_string={"q": text})

    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Mug (Blue)") >= expected
    if expected == 0:
        assert "Plain Mug" not in response.get_data(as_text=True)


# HTML forms: their fields are strings by nature; an operator typed in is just text.

def test_the_login_form_with_operators_typed_in_logs_nobody_in(world, client, db):
    for operator in ('{"$ne": null}', '{"$gt": ""}', ".*"):
        response = client.post("/login", data={"email": "ada@example.com", "password": operator})
        assert response.status_code in (200, 422)
        response = client.post("/login", data={"email": operator, "password": operator})
        assert response.status_code in (200, 422)
        response = client.post("/login", data={"email[$ne]": "x", "password[$ne]": "x"})
        assert response.status_code in (200, 422)

    assert client.get("/orders").status_code == 302  # still a visitor: sent to log in


def test_the_checkout_form_stores_operator_text_as_plain_text(world, client, db):
    logged_in = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    assert logged_in.status_code == 302
    client.post("/cart/items", data={"product_id": world["product"]["id"], "quantity": "1"})
    address = dict(ADDRESS, name='{"$ne": null}', city="$where", idempotency_key="checkout-key-0123456789")

    review = client.post("/checkout", data=dict(address, action="review"))
    shown = shown_quote(review.get_data(as_text=True))
    response = client.post("/checkout", data=dict(address, action="place", **shown))

    assert response.status_code == 302
    order = db.orders.find_one({"shipping_address.city": "$where"})
    assert order["shipping_address"]["name"] == '{"$ne": null}'


@pytest.mark.parametrize("quantity", ['{"$gt": 0}', "-1", "0", "1.5", "101", "1e3", "", "x"])
def test_the_add_to_cart_form_refuses_anything_but_a_quantity_of_1_to_100(world, client, db, quantity):
    response = client.post("/cart/items", data={"product_id": world["product"]["id"], "quantity": quantity})

    assert response.status_code == 422
    assert filled_carts(db) == []


@pytest.mark.parametrize("product_id", ['{"$ne": null}', "$ne", ".*"])
def test_the_add_to_cart_form_refuses_an_operator_for_a_product(world, client, db, product_id):
    response = client.post("/cart/items", data={"product_id": product_id, "quantity": "1"})

    assert response.status_code in (404, 422)
    assert filled_carts(db) == []


def filled_carts(db):
    return [cart["items"] for cart in db.carts.find() if cart.get("items")]


def test_the_add_to_cart_form_takes_a_plain_quantity(world, client, db):
    response = client.post("/cart/items", data={"product_id": world["product"]["id"], "quantity": "2"})

    assert response.status_code == 302
    assert filled_carts(db) == [{world["product"]["id"]: 2}]
