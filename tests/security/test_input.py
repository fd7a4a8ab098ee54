"""Oversized and malformed bodies; negative, huge and fractional quantities,
prices and stock deltas: each is refused in the contract's shape and moves
nothing."""
import pytest

from tests.conftest import ADDRESS, assert_error
from tests.invariants import problems, stored_state


@pytest.fixture
def clock(add_product):
    return add_product("RETRO-CLOCK", stock=10, price=3450)


@pytest.mark.parametrize("path", ["/auth/register", "/orders", "/products"])
def test_a_body_over_one_mebibyte_is_refused_with_413(admin, db, path):
    before = stored_state(db)
    body = '{"name": "' + "x" * (1024 * 1024) + '"}'

    response = admin.post(path, data=body, headers={"Content-Type": "application/json"})

    assert_error(response, 413, "payload_too_large")
    assert stored_state(db) == before


@pytest.mark.parametrize("body, content_type, status, code", [
    ("{", "application/json", 400, "bad_request"),
    ('{"items": [}', "application/json", 400, "bad_request"),
    ("[1, 2]", "application/json", 400, "bad_request"),
    ('"just a string"', "application/json", 400, "bad_request"),
    ("null", "application/json", 400, "bad_request"),
    ("", "application/json", 400, "bad_request"),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400, "bad_request"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, "application/json", 400, "bad_request"),
    (b"\xff\xfe\x00{", "application/json", 400, "bad_request"),
    ('{"items": NaN}', "application/json", 400, "bad_request"),
    ("items=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ('{"items": []}', "text/plain", 415, "unsupported_media_type"),
    ('{"items": []}', None, 415, "unsupported_media_type"),
])
def test_a_malformed_body_is_refused_in_the_contracts_shape(shopper, db, body, content_type, status, code):
    before = stored_state(db)
    headers = {"Content-Type": content_type} if content_type else {}

    response = shopper.post("/orders", data=body, headers=headers)

    assert_error(response, status, code)
    assert stored_state(db) == before


BAD_NUMBERS = [-1, 0, 101, 1.5, 2.0, "2", True, None, 10**20, -(10**20), 2**63, float("1e300"), [], {}]


@pytest.mark.parametrize("quantity", BAD_NUMBERS)
def test_an_order_quantity_must_be_a_whole_number_from_1_to_100(shopper, clock, db, quantity):
    before = stored_state(db)
    body = {"items": [{"product_id": clock["id"], "quantity": quantity}], "shipping_address": ADDRESS}

    response = shopper.post("/orders", json=body)

    assert_error(response, 422, "validation_error")
    assert stored_state(db) == before


def test_repeated_lines_cannot_add_up_past_the_limit(shopper, clock, db):
    body = {"items": [{"product_id": clock["id"], "quantity": 100}] * 2, "shipping_address": ADDRESS}

    assert_error(shopper.post("/orders", json=body), 422, "validation_error")
    assert db.orders.count_documents({}) == 0


def test_an_order_of_51_lines_is_refused(shopper, clock):
    body = {"items": [{"product_id": clock["id"], "quantity": 1}] * 51, "shipping_address": ADDRESS}

    assert_error(shopper.post("/orders", json=body), 422, "validation_error")


@pytest.mark.parametrize("price", [-1, 12.5, 12.0, "1250", True, None, 10**20, float("1e300")])
def test_a_price_must_be_whole_minor_units_within_range(admin, db, price):
    before = stored_state(db)

    created = admin.post("/products", json={"sku": "ODD-PRICE", "name": "Odd", "price": price})

    assert_error(created, 422, "validation_error")
    assert stored_state(db) == before


@pytest.mark.parametrize("price", [-1, 0.5, "10", 10**20])
def test_a_price_change_must_be_whole_minor_units_within_range(admin, clock, price):
    assert_error(admin.patch(f"/products/{clock['id']}", json={"price": price}), 422, "validation_error")
    assert admin.get(f"/products/{clock['id']}").get_json()["price"] == 3450


@pytest.mark.parametrize("stock", [-5, 1.5, "3", 10**20])
def test_initial_stock_must_be_a_whole_non_negative_number(admin, db, stock):
    assert_error(admin.post("/products", json={"sku": "ODD-STOCK", "name": "Odd", "price": 1, "stock": stock}),
                 422, "validation_error")
    assert db.products.count_documents({}) == 0


@pytest.mark.parametrize("delta", [0, 1.5, -0.5, "5", True, 10**20, -(10**20), None])
def test_a_stock_adjustment_must_be_a_non_zero_whole_number(admin, clock, db, delta):
    before = stored_state(db)

    response = admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": delta, "reason": "restock"})

    assert_error(response, 422, "validation_error")
    assert stored_state(db) == before


def test_a_stock_adjustment_below_zero_is_refused_with_the_units_available(admin, clock, db):
    response = admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": -11, "reason": "damaged"})

    details = assert_error(response, 409, "insufficient_stock")
    assert details["items"] == [{"product_id": clock["id"], "variant_id": clock["id"], "requested": 11,
                                 "available": 10}]
    assert problems(db) == []


@pytest.mark.parametrize("card", [
    {"card_number": "4242 4242 4242 4241"}, {"card_number": "abcd"}, {"card_number": "4" * 200},
    {"exp_month": 13}, {"exp_month": 0}, {"exp_month": 1.5}, {"exp_year": 1999}, {"cvc": "12"}, {"cvc": 123},
])
def test_a_malformed_card_is_refused_and_charges_nothing(shopper, clock, place_order, db, card):
    order = place_order(shopper, [(clock, 1)]).get_json()
    body = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123", **card}

    assert_error(shopper.post(f"/orders/{order['id']}/payments", json=body), 422, "validation_error")
    assert db.sandbox_charges.count_documents({}) == 0


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=1.5", "page=99999999999999999999", "per_page=0", "per_page=101", "per_page=abc",
    "min_price=-1", "max_price=1e3", "in_stock=maybe", "sort=$natural", "page=%00",
])
def test_bad_paging_and_filter_args_are_a_validation_error(anonymous, query):
    assert_error(anonymous.get(f"/products?{query}"), 422, "validation_error")


@pytest.mark.parametrize("key", ["", " ", "k" * 256, "tab\tkey", "ключ"])
def test_a_malformed_idempotency_key_is_refused(shopper, clock, db, key):
    body = {"items": [{"product_id": clock["id"], "quantity": 1}], "shipping_address": ADDRESS}

    response = shopper.post("/orders", json=body, headers={"Idempotency-Key": key})

    assert_error(response, 422, "validation_error")
    assert db.orders.count_documents({}) == 0
