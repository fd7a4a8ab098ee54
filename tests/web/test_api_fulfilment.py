"""Shipping with a carrier and a tracking number, and cancelling with a reason: over the JSON
API, in the shipped e-mail and on the order pages."""
import pytest

from tests.conftest import GOOD_CARD, add_guest_order, assert_error, deliver_emails
from tests.web.site_helpers import field_errors, input_value


@pytest.fixture
def paid(shopper, add_product, place_order):
    """A shopper's paid order for two clocks."""
    clock = add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=3450, stock=10)
    order = place_order(shopper, [(clock, 2)]).get_json()
    assert shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD).status_code == 200
    return order


def ship(admin, order, **fields):
    return admin.post(f"/orders/{order['id']}/transitions", json={"status": "shipped", **fields})


def test_an_order_has_no_fulfilment_before_it_ships(shopper, paid):
    order = shopper.get(f"/orders/{paid['id']}").get_json()

    assert order["status"] == "paid" and order["fulfilment"] is None


def test_shipping_with_a_carrier_and_tracking_number_shows_them_on_the_order(shopper, admin, paid, db):
    response = ship(admin, paid, carrier="  DHL Express ", tracking_number=" JD0146000012345 ")

    assert response.status_code == 200
    fulfilment = response.get_json()["fulfilment"]
    assert fulfilment["carrier"] == "DHL Express" and fulfilment["tracking_number"] == "JD0146000012345"
    assert fulfilment["shipped_at"] == response.get_json()["history"][-1]["at"]
    assert shopper.get(f"/orders/{paid['id']}").get_json()["fulfilment"] == fulfilment
    assert db.orders.find_one()["fulfilment"]["tracking_number"] == "JD0146000012345"


def test_shipping_without_them_still_records_when_it_shipped(admin, paid):
    fulfilment = ship(admin, paid).get_json()["fulfilment"]

    assert fulfilment["carrier"] is None and fulfilment["tracking_number"] is None
    assert fulfilment["shipped_at"]


def test_delivering_keeps_the_fulfilment_of_the_shipping(admin, paid):
    shipped = ship(admin, paid, carrier="UPS", tracking_number="1Z999AA10123456784").get_json()

    delivered = admin.post(f"/orders/{paid['id']}/transitions", json={"status": "delivered"}).get_json()

    assert delivered["status"] == "delivered" and delivered["fulfilment"] == shipped["fulfilment"]


@pytest.mark.parametrize("field", ["carrier", "tracking_number"])
def test_a_carrier_or_tracking_number_with_delivered_is_refused(admin, paid, field, db):
    ship(admin, paid)

    response = admin.post(f"/orders/{paid['id']}/transitions", json={"status": "delivered", field: "UPS"})

    details = assert_error(response, 422, "validation_error")
    assert field in details
    assert db.orders.find_one()["status"] == "shipped"


@pytest.mark.parametrize("fields, field", [
    ({"carrier": ""}, "carrier"),
    ({"carrier": "   "}, "carrier"),
    ({"tracking_number": "X" * 101}, "tracking_number"),
    ({"tracking_number": "AB\n12"}, "tracking_number"),
    ({"carrier": 12}, "carrier"),
])
def test_a_bad_carrier_or_tracking_number_ships_nothing(admin, paid, db, fields, field):
    response = ship(admin, paid, **fields)

    assert field in assert_error(response, 422, "validation_error")
    stored = db.orders.find_one()
    assert stored["status"] == "paid" and "fulfilment" not in stored


def test_a_refused_shipping_stores_no_fulfilment(admin, shopper, add_product, place_order, db):
    clock = add_product("RETRO-CLOCK", stock=3)
    placed = place_order(shopper, [(clock, 1)]).get_json()  # not paid: it cannot ship

    response = ship(admin, placed, carrier="DHL", tracking_number="123")

    assert_error(response, 409, "invalid_transition")
    assert "fulfilment" not in db.orders.find_one()
    assert shopper.get(f"/orders/{placed['id']}").get_json()["fulfilment"] is None


def test_the_shipped_e_mail_names_the_carrier_and_tracking_number(app, admin, paid, mailbox):
    ship(admin, paid, carrier="DHL Express", tracking_number="JD0146000012345")

    deliver_emails(app)

    [message] = [m for m in mailbox if m["subject"] == f"Order {paid['number']} is on its way"]
    assert "Carrier: DHL Express" in message["body"] and "Tracking number: JD0146000012345" in message["body"]


def test_a_shipped_e_mail_without_tracking_says_none(app, admin, paid, mailbox):
    ship(admin, paid)

    deliver_emails(app)

    [message] = [m for m in mailbox if m["subject"] == f"Order {paid['number']} is on its way"]
    assert "Carrier:" not in message["body"] and "Tracking number:" not in message["body"]


def test_an_order_shipped_before_fulfilments_existed_reads_its_shipping_time_from_the_history(admin, paid, db):
    shipped = ship(admin, paid).get_json()
    db.orders.update_one({}, {"$unset": {"fulfilment": ""}})  # as a v1 order was stored

    fulfilment = admin.get(f"/orders/{paid['id']}").get_json()["fulfilment"]

    assert fulfilment == {"carrier": None, "tracking_number": None, "shipped_at": shipped["history"][-1]["at"]}


def test_a_cancel_with_a_reason_keeps_it_in_the_history(shopper, paid):
    response = shopper.post(f"/orders/{paid['id']}/cancel", json={"reason": "  Ordered the wrong colour "})

    assert response.status_code == 200
    entry = response.get_json()["history"][-1]
    assert entry["status"] == "cancelled" and entry["reason"] == "Ordered the wrong colour"


@pytest.mark.parametrize("kwargs", [{}, {"json": {}}, {"json": {"reason": ""}}],
                         ids=["no body", "empty object", "blank reason"])
def test_a_cancel_without_a_reason_works_as_in_v1(shopper, paid, kwargs, db):
    response = shopper.post(f"/orders/{paid['id']}/cancel", **kwargs)

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and "reason" not in response.get_json()["history"][-1]
    assert db.orders.find_one()["payment"]["status"] == "refunded"


@pytest.mark.parametrize("body, status, code", [
    ({"reason": "x" * 501}, 422, "validation_error"),
    ({"reason": 5}, 422, "validation_error"),
    ({"why": "no"}, 422, "validation_error"),
    ([], 400, "bad_request"),
])
def test_a_bad_cancel_body_cancels_nothing(shopper, paid, db, body, status, code):
    response = shopper.post(f"/orders/{paid['id']}/cancel", json=body)

    assert_error(response, status, code)
    assert db.orders.find_one()["status"] == "paid"


def test_a_cancel_body_that_is_not_json_is_refused(shopper, paid, db):
    response = shopper.client.post(f"/api/v1/orders/{paid['id']}/cancel", data="reason=no",
                                   headers=shopper.headers({"Content-Type": "text/plain"}))

    assert_error(response, 415, "unsupported_media_type")
    assert db.orders.find_one()["status"] == "paid"


def test_the_openapi_document_says_a_cancel_body_is_optional(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/orders/{order_id}/cancel"]["post"]

    assert operation["requestBody"]["required"] is False


# On the pages -------------------------------------------------------------


def test_the_admins_ship_form_stores_the_carrier_and_tracking_number_and_every_order_page_shows_them(
        site, other_site, paid, db):
    site.admin()

    form_page = site.text(f"/admin/orders/{paid['id']}")
    response = site.post(f"/admin/orders/{paid['id']}/status",
                         {"status": "shipped", "carrier": " DHL ", "tracking_number": "JD0146000012345"},
                         follow_redirects=True)

    assert 'name="tracking_number"' in form_page and 'name="carrier"' in form_page
    assert db.orders.find_one()["fulfilment"]["carrier"] == "DHL"
    admin_page = response.get_data(as_text=True)
    assert "is now shipped" in admin_page and "with DHL" in admin_page and "JD0146000012345" in admin_page
    assert 'name="tracking_number"' not in admin_page  # shipped: no ship form any more
    other_site.login("ada@example.com")
    shopper_page = other_site.text(f"/orders/{paid['id']}")
    assert "with DHL" in shopper_page and "Tracking number: <strong" in shopper_page
    assert "JD0146000012345" in shopper_page


def test_a_tracking_number_too_long_comes_back_next_to_its_field_with_what_was_typed(site, paid, db):
    site.admin()

    response = site.post(f"/admin/orders/{paid['id']}/status",
                         {"status": "shipped", "carrier": "DHL", "tracking_number": "9" * 101})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "tracking_number") == ["Enter a tracking number of 1 to 100 characters."]
    assert input_value(page, "carrier") == "DHL" and input_value(page, "tracking_number") == "9" * 101
    assert db.orders.find_one()["status"] == "paid"


def test_a_guests_private_page_shows_the_tracking_number(app, client, admin, add_product, db):
    clock = add_product("RETRO-CLOCK", stock=3)
    guest = add_guest_order(app, clock["id"])
    db.orders.update_one({}, {"$set": {"status": "paid"}})  # paid by card on its private page, as a guest does
    ship(admin, {"id": guest["guest_order_id"]}, carrier="La Poste", tracking_number="6A12345678901")

    page = client.get(f"/orders/{guest['guest_order_id']}/guest/{guest['token']}").get_data(as_text=True)

    assert "with La Poste" in page and "6A12345678901" in page
