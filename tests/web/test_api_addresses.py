"""The address book through the API (docs/API.md "Address book"), and placing an
order with `address_id` in place of `shipping_address`."""
import hashlib
import json

import pytest

from shop.addresses.model import MAX_ADDRESSES
from tests.conftest import ADDRESS, assert_error
from tests.racing import race

HOME = {"name": "Ada Shopper", "line1": "1 Main Street", "city": "Springfield", "postal_code": "12345",
        "country": "US"}
WORK = {"name": "Ada at Work", "line1": "5 Engine Road", "line2": "Floor 3", "city": "London",
        "postal_code": "EC1A 1BB", "country": "GB"}
UNKNOWN_ID = "0123456789abcdef01234567"


@pytest.fixture
def save(shopper):
    def make(api=shopper, **fields):
        response = api.post("/me/addresses", json={**HOME, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def defaults(api):
    return [address["id"] for address in api.get("/me/addresses").get_json()["items"] if address["default"]]


def test_a_saved_address_is_answered_and_listed_with_every_field(shopper, save):
    response = shopper.post("/me/addresses", json=dict(WORK, country="gb"))

    assert response.status_code == 201
    address = response.get_json()
    assert address == {"id": address["id"], **WORK, "region": "", "phone": "", "default": True}
    assert response.headers["Location"].endswith(f"/api/v1/me/addresses/{address['id']}")
    assert shopper.get(f"/me/addresses/{address['id']}").get_json() == address
    assert shopper.get("/me/addresses").get_json() == {"items": [address], "page": 1, "per_page": 20, "total": 1}


def test_the_list_is_in_the_order_the_addresses_were_added_and_is_paged(shopper, save):
    ids = [save(name=f"Ada {n}")["id"] for n in range(3)]

    first = shopper.get("/me/addresses?per_page=2").get_json()
    second = shopper.get("/me/addresses?per_page=2&page=2").get_json()

    assert [a["id"] for a in first["items"]] == ids[:2] and first["total"] == 3
    assert [a["id"] for a in second["items"]] == ids[2:]
    assert second["items"][0]["line2"] == ""


def test_the_first_address_is_the_default_and_later_ones_are_not(shopper, save):
    home = save()
    work = save(**WORK)

    assert home["default"] is True and work["default"] is False
    assert defaults(shopper) == [home["id"]]


def test_making_an_address_the_default_clears_the_other(shopper, save):
    home, work = save(), save(**WORK)

    response = shopper.patch(f"/me/addresses/{work['id']}", json={"default": True})

    assert response.status_code == 200 and response.get_json()["default"] is True
    assert defaults(shopper) == [work["id"]]
    assert shopper.get(f"/me/addresses/{home['id']}").get_json()["default"] is False


def test_an_address_added_as_the_default_takes_it_over(shopper, save):
    save()

    work = save(**WORK, default=True)

    assert work["default"] is True and defaults(shopper) == [work["id"]]


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_address_is_never_made_not_the_default_only_another_is_made_the_default(shopper, save, method):
    home = save()
    path = "/me/addresses" if method == "post" else f"/me/addresses/{home['id']}"
    body = dict(WORK, default=False) if method == "post" else {"default": False}

    details = assert_error(getattr(shopper, method)(path, json=body), 422, "validation_error")

    assert "make another address the default" in details["default"][0]
    assert defaults(shopper) == [home["id"]] and shopper.get("/me/addresses").get_json()["total"] == 1


def test_editing_an_address_changes_only_the_fields_sent(shopper, save):
    home = save()

    response = shopper.patch(f"/me/addresses/{home['id']}", json={"city": "  Shelbyville ", "line2": "Flat 2"})

    assert response.status_code == 200
    assert response.get_json() == dict(home, city="Shelbyville", line2="Flat 2")
    assert shopper.get(f"/me/addresses/{home['id']}").get_json()["city"] == "Shelbyville"


def test_a_deleted_address_is_gone(shopper, save):
    home = save()

    assert shopper.delete(f"/me/addresses/{home['id']}").status_code == 204

    assert_error(shopper.get(f"/me/addresses/{home['id']}"), 404, "not_found")
    assert_error(shopper.delete(f"/me/addresses/{home['id']}"), 404, "not_found")
    assert shopper.get("/me/addresses").get_json()["total"] == 0


def test_deleting_the_default_makes_the_newest_remaining_address_the_default(shopper, save):
    home, older, newer = save(), save(name="Older"), save(name="Newer")

    shopper.delete(f"/me/addresses/{home['id']}")

    assert defaults(shopper) == [newer["id"]]
    save(name="Newest")
    assert defaults(shopper) == [newer["id"]]  # a later address does not take it over
    shopper.delete(f"/me/addresses/{older['id']}")
    assert defaults(shopper) == [newer["id"]]


def test_the_next_address_after_the_last_is_deleted_is_the_default(shopper, save):
    shopper.delete(f"/me/addresses/{save()['id']}")

    assert save(**WORK)["default"] is True


@pytest.mark.parametrize("body, field", [
    (dict(HOME, country="ZZ"), "country"),
    (dict(HOME, country="United States"), "country"),
    ({k: v for k, v in HOME.items() if k != "name"}, "name"),
    (dict(HOME, city="   "), "city"),
    (dict(HOME, postal_code="12$45"), "postal_code"),
    (dict(HOME, line1="x" * 201), "line1"),
    (dict(HOME, user_id="0123456789abcdef01234567"), "user_id"),
    (dict(HOME, default="yes"), "default"),
    (dict(HOME, region="R" * 101), "region"),
    (dict(HOME, phone="5" * 31), "phone"),
])
def test_an_address_is_held_to_the_rules_of_an_orders_shipping_address(shopper, body, field):
    details = assert_error(shopper.post("/me/addresses", json=body), 422, "validation_error")

    assert field in details
    assert shopper.get("/me/addresses").get_json()["total"] == 0


@pytest.mark.parametrize("changes, field", [
    ({"country": "ZZ"}, "country"), ({"name": ""}, "name"), ({"name": None}, "name"), ({"slot": 3}, "slot"),
    ({"id": UNKNOWN_ID}, "id"),
])
def test_an_edit_is_held_to_the_same_rules(shopper, save, changes, field):
    home = save()

    details = assert_error(shopper.patch(f"/me/addresses/{home['id']}", json=changes), 422, "validation_error")

    assert field in details
    assert shopper.get(f"/me/addresses/{home['id']}").get_json() == home


def test_another_shoppers_address_is_not_found_and_untouched(shopper, register, save):
    home = save()
    eve = register("eve@example.com")
    path = f"/me/addresses/{home['id']}"

    assert_error(eve.get(path), 404, "not_found")
    assert_error(eve.patch(path, json={"city": "Elsewhere"}), 404, "not_found")
    assert_error(eve.patch(path, json={"default": True}), 404, "not_found")
    assert_error(eve.delete(path), 404, "not_found")

    assert eve.get("/me/addresses").get_json()["total"] == 0
    assert shopper.get(path).get_json() == home


@pytest.mark.parametrize("address_id", [UNKNOWN_ID, "not-an-id", "0123456789ABCDEF0123456Z"])
def test_an_unknown_address_is_not_found(shopper, address_id):
    assert_error(shopper.get(f"/me/addresses/{address_id}"), 404, "not_found")
    assert_error(shopper.patch(f"/me/addresses/{address_id}", json={"city": "X"}), 404, "not_found")
    assert_error(shopper.delete(f"/me/addresses/{address_id}"), 404, "not_found")


def test_the_address_book_needs_a_bearer_token(anonymous, client, shopper, save):
    home = save()

    assert_error(anonymous.get("/me/addresses"), 401, "unauthorized")
    assert_error(anonymous.post("/me/addresses", json=HOME), 401, "unauthorized")
    assert_error(anonymous.patch(f"/me/addresses/{home['id']}", json={"city": "X"}), 401, "unauthorized")
    assert_error(anonymous.delete(f"/me/addresses/{home['id']}"), 401, "unauthorized")
    assert shopper.get(f"/me/addresses/{home['id']}").get_json() == home


def test_the_address_book_holds_at_most_its_cap_and_a_delete_makes_room(shopper, save):
    saved = [save(name=f"Ada {n}") for n in range(MAX_ADDRESSES)]

    details = assert_error(shopper.post("/me/addresses", json=HOME), 422, "validation_error")

    assert "full" in json.dumps(details)
    assert shopper.get("/me/addresses").get_json()["total"] == MAX_ADDRESSES
    shopper.delete(f"/me/addresses/{saved[3]['id']}")
    assert save(name="One more")["default"] is False
    assert shopper.get("/me/addresses").get_json()["total"] == MAX_ADDRESSES


def test_additions_racing_for_the_last_places_never_pass_the_cap(app, shopper, save):
    for n in range(MAX_ADDRESSES - 2):
        save(name=f"Ada {n}")

    def add(n):
        client = app.test_client()
        return lambda: client.post("/api/v1/me/addresses", json=dict(HOME, name=f"Racer {n}"),
                                   headers=shopper.headers()).status_code

    statuses = sorted(race([add(n) for n in range(6)]))

    assert statuses == [201, 201, 422, 422, 422, 422], statuses
    assert shopper.get("/me/addresses").get_json()["total"] == MAX_ADDRESSES


def test_two_addresses_made_default_at_once_leave_exactly_one_default(app, shopper, save):
    addresses = [save(name=f"Ada {n}")["id"] for n in range(4)]

    def make_default(address_id):
        client = app.test_client()
        return lambda: client.patch(f"/api/v1/me/addresses/{address_id}", json={"default": True},
                                    headers=shopper.headers()).status_code

    for _ in range(5):
        assert race([make_default(address_id) for address_id in addresses[1:]]) == [200] * 3

        chosen = defaults(shopper)
        assert len(chosen) == 1 and chosen[0] in addresses[1:], chosen


def test_first_addresses_added_at_once_leave_exactly_one_default(app, shopper):
    def add(n):
        client = app.test_client()
        return lambda: client.post("/api/v1/me/addresses", json=dict(HOME, name=f"Racer {n}"),
                                   headers=shopper.headers()).status_code

    assert race([add(n) for n in range(4)]) == [201] * 4

    assert len(defaults(shopper)) == 1


# Placing an order with a saved address ---------------------------------------


@pytest.fixture
def clock(add_product):
    return add_product("RETRO-CLOCK", stock=10, price=3450)


def order_body(product, **fields):
    return {"items": [{"product_id": product["id"], "quantity": 1}], **fields}


def test_an_order_placed_with_an_address_id_ships_to_a_copy_of_that_address(shopper, save, clock, db):
    work = save(**WORK)

    response = shopper.post("/orders", json=order_body(clock, address_id=work["id"]))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["shipping_address"] == WORK
    assert db.orders.find_one()["shipping_address"] == WORK


def test_a_quote_with_an_address_id_is_for_that_address(shopper, save, clock, admin):
    admin.post("/tax-rates", json={"country": "GB", "rate_bp": 2000})
    work = save(**WORK)

    quote = shopper.post("/orders/quote", json=order_body(clock, address_id=work["id"]))

    assert quote.status_code == 200, quote.get_json()
    assert quote.get_json()["shipping_address"] == WORK and quote.get_json()["tax_total"] == 575


def test_an_address_without_a_second_line_is_copied_without_one(shopper, save, clock):
    home = save()

    order = shopper.post("/orders", json=order_body(clock, address_id=home["id"])).get_json()

    assert order["shipping_address"] == HOME


def test_editing_or_deleting_the_address_later_leaves_the_order_unchanged(shopper, save, clock):
    work = save(**WORK)
    order = shopper.post("/orders", json=order_body(clock, address_id=work["id"])).get_json()

    shopper.patch(f"/me/addresses/{work['id']}", json={"line1": "9 Other Road", "country": "FR"})
    assert shopper.get(f"/orders/{order['id']}").get_json()["shipping_address"] == WORK
    shopper.delete(f"/me/addresses/{work['id']}")

    assert shopper.get(f"/orders/{order['id']}").get_json()["shipping_address"] == WORK


@pytest.mark.parametrize("path", ["/orders", "/orders/quote"])
def test_another_shoppers_address_id_is_refused_on_address_id(shopper, register, save, clock, db, path):
    eve = register("eve@example.com")
    home = save()

    for address_id in (home["id"], UNKNOWN_ID):
        details = assert_error(eve.post(path, json=order_body(clock, address_id=address_id)), 422,
                               "validation_error")
        assert list(details) == ["address_id"]

    assert db.orders.count_documents({}) == 0


@pytest.mark.parametrize("path", ["/orders", "/orders/quote"])
def test_an_order_gives_exactly_one_of_shipping_address_and_address_id(shopper, save, clock, db, path):
    home = save()

    both = assert_error(shopper.post(path, json=order_body(clock, address_id=home["id"], shipping_address=ADDRESS)),
                        422, "validation_error")
    neither = assert_error(shopper.post(path, json=order_body(clock)), 422, "validation_error")

    assert {"shipping_address", "address_id"} <= set(both) and {"shipping_address", "address_id"} <= set(neither)
    assert db.orders.count_documents({}) == 0


def test_a_retry_with_an_address_id_replays_the_first_order_even_after_the_address_was_edited(shopper, save, clock,
                                                                                              db):
    work = save(**WORK)
    body = order_body(clock, address_id=work["id"])
    first = shopper.post("/orders", json=body, headers={"Idempotency-Key": "address-retry-1"})
    shopper.patch(f"/me/addresses/{work['id']}", json={"city": "Oxford"})

    retry = shopper.post("/orders", json=body, headers={"Idempotency-Key": "address-retry-1"})

    assert first.status_code == 201 and retry.status_code == 200
    assert retry.get_json()["id"] == first.get_json()["id"] and retry.get_json()["shipping_address"] == WORK
    assert db.orders.count_documents({}) == 1
    other = shopper.post("/orders", json=order_body(clock, shipping_address=WORK),
                         headers={"Idempotency-Key": "address-retry-1"})
    assert_error(other, 409, "conflict")  # the same address typed out is another body


def test_a_retry_with_an_address_id_replays_the_first_order_even_after_the_address_was_deleted(shopper, save, clock,
                                                                                               db):
    work = save(**WORK)
    body = order_body(clock, address_id=work["id"])
    first = shopper.post("/orders", json=body, headers={"Idempotency-Key": "address-retry-2"})
    assert shopper.delete(f"/me/addresses/{work['id']}").status_code == 204

    retry = shopper.post("/orders", json=body, headers={"Idempotency-Key": "address-retry-2"})

    assert first.status_code == 201 and retry.status_code == 200, retry.get_json()
    assert retry.get_json() == first.get_json() and db.orders.count_documents({}) == 1
    assert_error(shopper.post("/orders", json=body, headers={"Idempotency-Key": "address-retry-3"}), 422,
                 "validation_error")  # a new request still needs the address
    assert_error(shopper.post("/orders", json=dict(body, items=[{"product_id": clock["id"], "quantity": 2}]),
                              headers={"Idempotency-Key": "address-retry-2"}), 409, "conflict")


def test_a_v1_body_digests_exactly_as_it_did_before_saved_addresses(shopper, clock, db):
    body = order_body(clock, shipping_address=ADDRESS)

    shopper.post("/orders", json=body, headers={"Idempotency-Key": "v1-digest-1"})

    v1_digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    assert db.orders.find_one()["request_hash"] == v1_digest


def test_a_site_session_alone_never_reaches_the_address_book_api(client, shopper, save):
    save()
    logged_in = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    assert logged_in.status_code == 302

    assert_error(client.get("/api/v1/me/addresses"), 401, "unauthorized")
    assert_error(client.post("/api/v1/me/addresses", json=WORK), 401, "unauthorized")
    assert shopper.get("/me/addresses").get_json()["total"] == 1
