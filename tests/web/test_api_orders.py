"""Orders over the JSON API: placing, idempotency, reading, paying, cancelling, shipping, expiry."""
import json
import re

import pytest
from bson import ObjectId

from tests.conftest import ADDRESS, DECLINED_CARD, GOOD_CARD, assert_error, ledger_sum, stock_of

ORDER_FIELDS = {"id", "number", "user_id", "status", "items", "subtotal", "total", "currency",
                "shipping_address", "payment", "history", "created_at", "updated_at",
                "shipping", "discount", "tax_total", "prices_include_tax", "refunds", "fulfilment"}


@pytest.fixture
def clock(add_product):
    return add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=3450, stock=10)


@pytest.fixture
def mug(add_product):
    return add_product("MUG-STONE", name="Stoneware Mug", price=1800, stock=5)


@pytest.fixture
def placed(shopper, clock, mug, place_order):
    """An order for two clocks and one mug, placed by `shopper`."""
    response = place_order(shopper, [(clock, 2), (mug, 1)])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def order_body(*lines, address=ADDRESS):
    return {"items": [{"product_id": product["id"], "quantity": quantity} for product, quantity in lines],
            "shipping_address": address}


def movements(admin, product, reason=None):
    items = admin.get(f"/products/{product['id']}/stock-movements?per_page=100").get_json()["items"]
    return [m for m in items if reason is None or m["reason"] == reason]


def pay(api, order, card=GOOD_CARD):
    return api.post(f"/orders/{order['id']}/payments", json=card)


def ship(admin, order, status="shipped"):
    return admin.post(f"/orders/{order['id']}/transitions", json={"status": status})


# Placing --------------------------------------------------------------------


def test_placing_an_order_copies_prices_takes_stock_and_records_it(shopper, admin, clock, mug, place_order):
    response = place_order(shopper, [(clock, 2), (mug, 1)])

    assert response.status_code == 201
    order = response.get_json()
    assert set(order) == ORDER_FIELDS | {"expires_at"}  # nothing internal (key, e-mail, to-dos) leaks
    assert order["status"] == "placed"
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", order["number"])
    assert order["user_id"] == shopper.user["id"]
    assert order["items"] == [
        {"product_id": clock["id"], "variant_id": clock["id"], "sku": "RETRO-CLOCK", "name": "Retro Alarm Clock",
         "options": {}, "unit_price": 3450, "quantity": 2, "line_total": 6900, "discount": 0, "tax": 0,
         "refunded": 0, "restocked": 0},
        {"product_id": mug["id"], "variant_id": mug["id"], "sku": "MUG-STONE", "name": "Stoneware Mug",
         "options": {}, "unit_price": 1800, "quantity": 1, "line_total": 1800, "discount": 0, "tax": 0,
         "refunded": 0, "restocked": 0},
    ]
    assert (order["subtotal"], order["total"], order["currency"]) == (8700, 8700, "USD")
    assert all(type(order[key]) is int for key in ("subtotal", "total"))
    assert order["shipping_address"] == ADDRESS
    assert order["payment"] is None
    assert [(h["status"], h["by"]) for h in order["history"]] == [("placed", shopper.user["id"])]
    assert response.headers["Location"].endswith(f"/api/v1/orders/{order['id']}")
    assert (stock_of(admin, clock["id"]), stock_of(admin, mug["id"])) == (8, 4)
    [taken] = movements(admin, clock, "order_placed")
    assert (taken["delta"], taken["order_id"], taken["stock_after"]) == (-2, order["id"], 8)
    assert ledger_sum(admin, clock["id"]) == 8


def test_an_order_keeps_its_prices_and_names_when_the_product_changes(shopper, admin, placed, clock):
    admin.patch(f"/products/{clock['id']}", json={"name": "Renamed Clock", "price": 9999})

    order = shopper.get(f"/orders/{placed['id']}").get_json()

    assert order["items"] == placed["items"]
    assert order["total"] == 8700


def test_repeated_products_are_merged_into_one_line(shopper, admin, clock, place_order):
    response = place_order(shopper, [(clock, 2), (clock, 3)])

    assert [(line["product_id"], line["quantity"], line["line_total"]) for line in response.get_json()["items"]] == \
        [(clock["id"], 5, 17250)]
    assert stock_of(admin, clock["id"]) == 5
    assert len(movements(admin, clock, "order_placed")) == 1


def test_merged_lines_over_one_hundred_units_are_refused(shopper, admin, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=500)

    response = place_order(shopper, [(clock, 60), (clock, 41)])

    assert_error(response, 422, "validation_error")
    assert stock_of(admin, clock["id"]) == 500


def test_an_order_that_cannot_be_served_in_full_moves_no_stock(shopper, admin, clock, mug, add_product,
                                                              place_order, db):
    lamp = add_product("LAMP-DESK", stock=1)

    response = place_order(shopper, [(clock, 2), (mug, 6), (lamp, 3)])

    details = assert_error(response, 409, "insufficient_stock")
    assert sorted(details["items"], key=lambda item: item["product_id"]) == sorted([
        {"product_id": mug["id"], "variant_id": mug["id"], "requested": 6, "available": 5},
        {"product_id": lamp["id"], "variant_id": lamp["id"], "requested": 3, "available": 1},
    ], key=lambda item: item["product_id"])
    assert [stock_of(admin, p["id"]) for p in (clock, mug, lamp)] == [10, 5, 1]
    assert db.stock_movements.count_documents({"order_id": {"$ne": None}}) == 0
    assert shopper.get("/orders").get_json()["total"] == 0
    assert db.orders.count_documents({"status": {"$in": ["pending", "placed"]}}) == 0


def test_an_order_may_take_the_last_units(shopper, admin, mug, place_order):
    response = place_order(shopper, [(mug, 5)])

    assert response.status_code == 201
    assert stock_of(admin, mug["id"]) == 0


def test_an_unknown_product_is_a_validation_error(shopper, admin, clock, place_order):
    ghost = {"id": str(ObjectId())}

    response = place_order(shopper, [(clock, 1), (ghost, 1)])

    assert "items" in assert_error(response, 422, "validation_error")
    assert stock_of(admin, clock["id"]) == 10


def test_an_archived_product_cannot_be_ordered(shopper, admin, clock, place_order):
    admin.delete(f"/products/{clock['id']}")

    response = place_order(shopper, [(clock, 1)])

    assert "items" in assert_error(response, 422, "validation_error")
    assert admin.get(f"/products/{clock['id']}").get_json()["stock"] == 10


@pytest.mark.parametrize("line_count", [0, 51])
def test_an_order_needs_one_to_fifty_lines(shopper, add_product, place_order, line_count):
    product = add_product("RETRO-CLOCK", stock=100)

    response = shopper.post("/orders", json={
        "items": [{"product_id": product["id"], "quantity": 1}] * line_count, "shipping_address": ADDRESS})

    assert "items" in assert_error(response, 422, "validation_error")


def test_fifty_lines_are_accepted(shopper, add_product):
    product = add_product("RETRO-CLOCK", stock=100)

    response = shopper.post("/orders", json={
        "items": [{"product_id": product["id"], "quantity": 1}] * 50, "shipping_address": ADDRESS})

    assert response.status_code == 201
    assert response.get_json()["items"][0]["quantity"] == 50


@pytest.mark.parametrize("quantity", [0, -1, 101, 1.5, "2", True, None])
def test_a_quantity_must_be_an_integer_from_1_to_100(shopper, admin, clock, place_order, quantity):
    response = place_order(shopper, [(clock, quantity)])

    assert "items" in assert_error(response, 422, "validation_error")
    assert stock_of(admin, clock["id"]) == 10


@pytest.mark.parametrize("product_id", ["not-an-id", {"$ne": None}, 42, ""])
def test_a_product_id_must_be_an_id_string(shopper, product_id):
    response = shopper.post("/orders", json={"items": [{"product_id": product_id, "quantity": 1}],
                                            "shipping_address": ADDRESS})

    assert "items" in assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("changes, field", [
    ({"country": "USA"}, "country"),
    ({"country": "XX"}, "country"),
    ({"country": ""}, "country"),
    ({"country": 1}, "country"),
    ({"name": "  "}, "name"),
    ({"postal_code": "<script>"}, "postal_code"),
    ({"company": "Analytical Engines"}, "company"),  # not an address field: refused
])
def test_a_bad_shipping_address_is_a_validation_error(shopper, clock, place_order, changes, field):
    response = place_order(shopper, [(clock, 1)], address={**ADDRESS, **changes})

    details = assert_error(response, 422, "validation_error")
    assert field in details["shipping_address"]


@pytest.mark.parametrize("missing", ["name", "line1", "city", "postal_code", "country"])
def test_a_shipping_address_needs_its_required_fields(shopper, clock, place_order, missing):
    address = {key: value for key, value in ADDRESS.items() if key != missing}

    response = place_order(shopper, [(clock, 1)], address=address)

    assert missing in assert_error(response, 422, "validation_error")["shipping_address"]


def test_a_lower_case_country_code_is_accepted(shopper, clock, place_order):
    response = place_order(shopper, [(clock, 1)], address={**ADDRESS, "country": "de", "line2": "Flat 2"})

    assert response.status_code == 201
    assert response.get_json()["shipping_address"]["country"] == "DE"
    assert response.get_json()["shipping_address"]["line2"] == "Flat 2"


@pytest.mark.parametrize("extra", [{"status": "paid"}, {"total": 1}, {"user_id": str(ObjectId())}])
def test_an_order_refuses_fields_a_shopper_may_not_set(shopper, clock, extra):
    response = shopper.post("/orders", json={**order_body((clock, 1)), **extra})

    assert list(extra)[0] in assert_error(response, 422, "validation_error")


def test_an_order_line_refuses_a_price_from_the_shopper(shopper, clock):
    body = order_body((clock, 1))
    body["items"][0]["unit_price"] = 1

    assert "items" in assert_error(shopper.post("/orders", json=body), 422, "validation_error")


def test_placing_an_order_needs_a_token(anonymous, admin, clock, place_order):
    assert_error(place_order(anonymous, [(clock, 1)]), 401, "unauthorized")
    assert stock_of(admin, clock["id"]) == 10


# Idempotency-Key ------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_returns_the_first_order(shopper, admin, clock, place_order, db):
    first = place_order(shopper, [(clock, 2)], key="checkout-1")

    again = place_order(shopper, [(clock, 2)], key="checkout-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert stock_of(admin, clock["id"]) == 8
    assert len(movements(admin, clock, "order_placed")) == 1
    assert db.orders.count_documents({}) == 1


def test_the_same_key_with_another_body_is_a_conflict(shopper, admin, clock, place_order, db):
    place_order(shopper, [(clock, 2)], key="checkout-1")

    response = place_order(shopper, [(clock, 3)], key="checkout-1")

    assert_error(response, 409, "conflict")
    assert stock_of(admin, clock["id"]) == 8
    assert db.orders.count_documents({}) == 1


def test_two_shoppers_may_use_the_same_key(register, admin, clock, place_order):
    ada, bob = register("ada@example.com"), register("bob@example.com")

    first = place_order(ada, [(clock, 1)], key="checkout-1")
    second = place_order(bob, [(clock, 1)], key="checkout-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]
    assert stock_of(admin, clock["id"]) == 8


def test_a_key_whose_first_attempt_ran_out_of_stock_can_be_retried(shopper, admin, mug, place_order):
    assert place_order(shopper, [(mug, 6)], key="checkout-1").status_code == 409
    admin.post(f"/products/{mug['id']}/stock-adjustments", json={"delta": 1, "reason": "restock"})

    response = place_order(shopper, [(mug, 6)], key="checkout-1")

    assert response.status_code == 201
    assert stock_of(admin, mug["id"]) == 0


@pytest.mark.parametrize("key", ["x" * 256, "has space", "caf\u00e9"])
def test_a_malformed_idempotency_key_is_a_validation_error(shopper, admin, clock, key):
    response = shopper.client.post("/api/v1/orders", json=order_body((clock, 1)),
                                   headers={"Authorization": f"Bearer {shopper.token}",
                                            "Idempotency-Key": key.encode().decode("latin-1")})

    assert "Idempotency-Key" in assert_error(response, 422, "validation_error")
    assert stock_of(admin, clock["id"]) == 10


# Reading --------------------------------------------------------------------


def test_a_shopper_lists_only_their_own_orders_newest_first(register, clock, place_order):
    ada, bob = register("ada@example.com"), register("bob@example.com")
    first = place_order(ada, [(clock, 1)]).get_json()
    second = place_order(ada, [(clock, 2)]).get_json()
    place_order(bob, [(clock, 1)])

    body = ada.get("/orders").get_json()

    assert set(body) == {"items", "page", "per_page", "total"}
    assert [order["id"] for order in body["items"]] == [second["id"], first["id"]]
    assert body["total"] == 2


def test_a_shopper_cannot_list_others_orders_by_filtering(register, clock, place_order):
    ada, bob = register("ada@example.com"), register("bob@example.com")
    place_order(bob, [(clock, 1)])

    body = ada.get(f"/orders?user_id={bob.user['id']}").get_json()

    assert body["total"] == 0


def test_an_admin_lists_all_orders_and_filters_by_status_and_user(register, admin, clock, place_order):
    ada, bob = register("ada@example.com"), register("bob@example.com")
    paid = place_order(ada, [(clock, 1)]).get_json()
    pay(ada, paid)
    placed_by_ada = place_order(ada, [(clock, 1)]).get_json()
    placed_by_bob = place_order(bob, [(clock, 1)]).get_json()

    def ids(query):
        return [order["id"] for order in admin.get(f"/orders{query}").get_json()["items"]]

    assert ids("") == [placed_by_bob["id"], placed_by_ada["id"], paid["id"]]
    assert ids("?status=paid") == [paid["id"]]
    assert ids(f"?user_id={ada.user['id']}") == [placed_by_ada["id"], paid["id"]]
    assert ids(f"?status=placed&user_id={bob.user['id']}") == [placed_by_bob["id"]]


@pytest.mark.parametrize("query", ["status=pending", "status=rejected", "status=lost", "user_id=nobody", "per_page=0"])
def test_bad_order_list_arguments_are_a_validation_error(admin, query):
    assert_error(admin.get(f"/orders?{query}"), 422, "validation_error")


def test_another_shoppers_order_is_not_found(register, placed):
    bob = register("bob@example.com")

    assert_error(bob.get(f"/orders/{placed['id']}"), 404, "not_found")


def test_an_admin_reads_any_order(admin, placed):
    assert admin.get(f"/orders/{placed['id']}").get_json()["id"] == placed["id"]


@pytest.mark.parametrize("order_id", [str(ObjectId()), "not-an-id"])
def test_an_unknown_order_is_not_found(shopper, order_id):
    assert_error(shopper.get(f"/orders/{order_id}"), 404, "not_found")


def test_orders_need_a_token(anonymous, placed):
    assert_error(anonymous.get("/orders"), 401, "unauthorized")
    assert_error(anonymous.get(f"/orders/{placed['id']}"), 401, "unauthorized")


# Paying ---------------------------------------------------------------------


def test_paying_with_the_approved_test_card_marks_the_order_paid(shopper, placed):
    response = pay(shopper, placed)

    assert response.status_code == 200
    order = response.get_json()
    assert order["status"] == "paid"
    assert set(order["payment"]) >= {"status", "brand", "last4", "amount", "paid_at"}
    assert (order["payment"]["status"], order["payment"]["brand"], order["payment"]["last4"],
            order["payment"]["amount"]) == ("paid", "visa", "4242", 8700)
    assert order["payment"]["paid_at"].endswith("Z")
    assert [(h["status"], h["by"]) for h in order["history"]] == [
        ("placed", shopper.user["id"]), ("paid", shopper.user["id"])]
    assert shopper.get(f"/orders/{placed['id']}").get_json() == order


def test_the_card_number_and_cvc_are_stored_nowhere(shopper, placed, db):
    card = dict(GOOD_CARD, cvc="7391", card_number="4242 4242 4242 4242")

    assert pay(shopper, placed, card).status_code == 200

    for name in db.list_collection_names():
        for doc in db[name].find():
            text = json.dumps(doc, default=str)
            assert "4242424242424242" not in text, name
            assert "4242 4242 4242 4242" not in text, name
            assert '"cvc"' not in text and '"card_number"' not in text, name
            # The CVC in any text the shop wrote; random hex (ids, token hashes) may spell
            # four digits by chance, and is no place a CVC could hide.
            assert not [value for value in stored_texts(doc)
                        if "7391" in value and not RANDOM_HEX.fullmatch(value)], name


RANDOM_HEX = re.compile(r"[0-9a-f]{24,}")


def stored_texts(value):
    """Every string and number stored in a document, as text."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in stored_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in stored_texts(item)]
    return [str(value)] if isinstance(value, (str, int)) else []


def test_a_declined_card_is_402_and_the_order_stays_placed(shopper, placed):
    response = pay(shopper, placed, DECLINED_CARD)

    assert_error(response, 402, "payment_declined")
    order = shopper.get(f"/orders/{placed['id']}").get_json()
    assert order["status"] == "placed"
    assert order["payment"]["status"] == "declined"


def test_an_order_can_be_paid_after_a_declined_card(shopper, placed):
    pay(shopper, placed, DECLINED_CARD)

    response = pay(shopper, placed)

    assert response.get_json()["status"] == "paid"


@pytest.mark.parametrize("changes, field", [
    ({"card_number": "4242424242424241"}, "card_number"),
    ({"card_number": "1234"}, "card_number"),
    ({"card_number": "abcd abcd abcd abcd"}, "card_number"),
    ({"cvc": "12"}, "cvc"),
    ({"exp_month": 13}, "exp_month"),
    ({"exp_month": "12"}, "exp_month"),
    ({"exp_year": 2001}, "exp_year"),
    ({"amount": 1}, "amount"),
])
def test_a_bad_card_is_a_validation_error_and_charges_nothing(shopper, placed, db, changes, field):
    response = pay(shopper, placed, {**GOOD_CARD, **changes})

    assert field in assert_error(response, 422, "validation_error")
    assert shopper.get(f"/orders/{placed['id']}").get_json()["status"] == "placed"
    assert db.sandbox_charges.count_documents({}) == 0


def test_paying_a_paid_order_is_an_invalid_transition(shopper, placed, db):
    pay(shopper, placed)

    response = pay(shopper, placed)

    assert_error(response, 409, "invalid_transition")
    assert db.sandbox_charges.count_documents({}) == 1


def test_paying_a_cancelled_order_is_an_invalid_transition(shopper, placed, db):
    shopper.post(f"/orders/{placed['id']}/cancel")

    assert_error(pay(shopper, placed), 409, "invalid_transition")
    assert db.sandbox_charges.count_documents({}) == 0


def test_another_shopper_cannot_pay_an_order(register, placed):
    bob = register("bob@example.com")

    assert_error(pay(bob, placed), 404, "not_found")


def test_an_admin_cannot_pay_a_shoppers_order(admin, placed):
    assert_error(pay(admin, placed), 403, "forbidden")


# Cancelling -----------------------------------------------------------------


def test_cancelling_a_placed_order_returns_every_unit_once(shopper, admin, placed, clock, mug):
    response = shopper.post(f"/orders/{placed['id']}/cancel")

    assert response.status_code == 200
    order = response.get_json()
    assert order["status"] == "cancelled"
    assert order["history"][-1]["by"] == shopper.user["id"]
    assert (stock_of(admin, clock["id"]), stock_of(admin, mug["id"])) == (10, 5)
    for product, quantity in ((clock, 2), (mug, 1)):
        [returned] = movements(admin, product, "order_cancelled")
        assert (returned["delta"], returned["order_id"]) == (quantity, placed["id"])
        assert ledger_sum(admin, product["id"]) == stock_of(admin, product["id"])


def test_cancelling_a_paid_order_refunds_it(shopper, admin, placed, clock, db):
    pay(shopper, placed)

    order = shopper.post(f"/orders/{placed['id']}/cancel").get_json()

    assert order["status"] == "cancelled"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_at"].endswith("Z")
    assert stock_of(admin, clock["id"]) == 10
    assert db.sandbox_charges.find_one()["refunded"] is True


def test_cancelling_twice_is_an_invalid_transition_and_restocks_once(shopper, admin, placed, clock):
    shopper.post(f"/orders/{placed['id']}/cancel")

    response = shopper.post(f"/orders/{placed['id']}/cancel")

    assert_error(response, 409, "invalid_transition")
    assert stock_of(admin, clock["id"]) == 10
    assert len(movements(admin, clock, "order_cancelled")) == 1


def test_a_shipped_order_cannot_be_cancelled(shopper, admin, placed, clock):
    pay(shopper, placed)
    ship(admin, placed)

    assert_error(shopper.post(f"/orders/{placed['id']}/cancel"), 409, "invalid_transition")
    assert_error(admin.post(f"/orders/{placed['id']}/cancel"), 409, "invalid_transition")
    assert stock_of(admin, clock["id"]) == 8
    assert admin.get(f"/orders/{placed['id']}").get_json()["status"] == "shipped"


def test_an_admin_may_cancel_a_shoppers_order(admin, placed, clock):
    order = admin.post(f"/orders/{placed['id']}/cancel").get_json()

    assert order["status"] == "cancelled"
    assert order["history"][-1]["by"] == admin.get("/me").get_json()["id"]
    assert stock_of(admin, clock["id"]) == 10


def test_another_shopper_cannot_cancel_an_order(register, admin, placed, clock):
    bob = register("bob@example.com")

    assert_error(bob.post(f"/orders/{placed['id']}/cancel"), 404, "not_found")
    assert stock_of(admin, clock["id"]) == 8


# Shipping and delivering ----------------------------------------------------


def test_an_admin_ships_and_delivers_a_paid_order_and_history_says_who(shopper, admin, placed):
    admin_id = admin.get("/me").get_json()["id"]
    pay(shopper, placed)

    shipped = ship(admin, placed)
    delivered = ship(admin, placed, "delivered")

    assert (shipped.status_code, delivered.status_code) == (200, 200)
    assert shipped.get_json()["status"] == "shipped"
    order = delivered.get_json()
    assert order["status"] == "delivered"
    assert [(h["status"], h["by"]) for h in order["history"]] == [
        ("placed", shopper.user["id"]), ("paid", shopper.user["id"]),
        ("shipped", admin_id), ("delivered", admin_id)]
    assert all(h["at"].endswith("Z") for h in order["history"])


@pytest.mark.parametrize("paid_first, target", [(False, "shipped"), (False, "delivered"), (True, "delivered")])
def test_skipping_a_step_is_an_invalid_transition(shopper, admin, placed, paid_first, target):
    if paid_first:
        pay(shopper, placed)

    response = ship(admin, placed, target)

    assert_error(response, 409, "invalid_transition")
    assert admin.get(f"/orders/{placed['id']}").get_json()["status"] == ("paid" if paid_first else "placed")


def test_shipping_twice_is_an_invalid_transition(shopper, admin, placed):
    pay(shopper, placed)
    ship(admin, placed)

    assert_error(ship(admin, placed), 409, "invalid_transition")
    assert len(admin.get(f"/orders/{placed['id']}").get_json()["history"]) == 3


@pytest.mark.parametrize("status", ["cancelled", "paid", "placed", "lost", None])
def test_a_transition_only_names_shipped_or_delivered(admin, placed, status):
    assert "status" in assert_error(ship(admin, placed, status), 422, "validation_error")


def test_a_shopper_cannot_move_an_order_along(shopper, placed):
    pay(shopper, placed)

    assert_error(ship(shopper, placed), 403, "forbidden")
    assert shopper.get(f"/orders/{placed['id']}").get_json()["status"] == "paid"


def test_moving_an_unknown_order_is_not_found(admin):
    assert_error(admin.post(f"/orders/{ObjectId()}/transitions", json={"status": "shipped"}), 404, "not_found")


# Expiry ---------------------------------------------------------------------


@pytest.mark.parametrize("settings", [{"ORDER_PAYMENT_TTL_MINUTES": 0}])
def test_reading_an_unpaid_order_past_its_window_cancels_it_and_returns_stock(shopper, admin, placed, clock):
    order = shopper.get(f"/orders/{placed['id']}").get_json()

    assert order["status"] == "cancelled"
    assert order["history"][-1]["by"] == "system"
    assert stock_of(admin, clock["id"]) == 10
    assert len(movements(admin, clock, "order_cancelled")) == 1


@pytest.mark.parametrize("settings", [{"ORDER_PAYMENT_TTL_MINUTES": 0}])
def test_the_expire_orders_command_cancels_every_overdue_order(app, shopper, admin, placed, clock, place_order, db):
    place_order(shopper, [(clock, 1)])

    result = app.test_cli_runner().invoke(args=["expire-orders"])

    assert result.exit_code == 0
    assert "2 order(s) expired" in result.output
    assert db.orders.count_documents({"status": "cancelled"}) == 2
    assert stock_of(admin, clock["id"]) == 10 == ledger_sum(admin, clock["id"])


@pytest.mark.parametrize("settings", [{"ORDER_PAYMENT_TTL_MINUTES": 0}])
def test_an_overdue_order_cannot_be_paid(shopper, placed, db):
    assert_error(pay(shopper, placed), 409, "invalid_transition")
    assert db.sandbox_charges.count_documents({}) == 0


def test_orders_inside_their_payment_window_do_not_expire(app, shopper, placed, db):
    result = app.test_cli_runner().invoke(args=["expire-orders"])

    assert "0 order(s) expired" in result.output
    assert shopper.get(f"/orders/{placed['id']}").get_json()["status"] == "placed"
