"""An address's optional region and phone (docs/API.md "Address book"): kept, answered and
printed wherever an address is: the address book (API and pages), an order's shipping address
(placing, quoting, a saved address's copy), the checkout, the order pages and the e-mails."""
import pytest

from tests.conftest import ADDRESS, assert_error, deliver_emails
from tests.web.site_helpers import field_errors, input_value, shown_quote

REGION, PHONE = "Illinois", "+1 (555) 010-0199"
WITH_BOTH = dict(ADDRESS, region=REGION, phone=PHONE)
PRINTED = ["12345 Springfield", REGION, "United States", f"Phone: {PHONE}"]
TOO_LONG = [("region", "R" * 101, "at most 100 characters"), ("phone", "5" * 31, "at most 30 characters")]


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=1999, stock=10)


def order_body(product, address=WITH_BOTH):
    return {"items": [{"product_id": product["id"], "quantity": 1}], "shipping_address": address}


def saved(api, address=WITH_BOTH):
    response = api.post("/me/addresses", json=address)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def printed_in_order(page, lines):
    """Whether `lines` appear in `page` one after the other."""
    at = 0
    for line in lines:
        at = page.find(line, at)
        if at < 0:
            return False
    return True


# The API -------------------------------------------------------------------


def test_a_saved_address_keeps_its_region_and_phone_and_answers_them_everywhere(shopper):
    address = saved(shopper)

    assert (address["region"], address["phone"]) == (REGION, PHONE)
    assert shopper.get(f"/me/addresses/{address['id']}").get_json() == address
    assert shopper.get("/me/addresses").get_json()["items"] == [address]


def test_a_saved_address_without_them_answers_them_empty_and_an_edit_sets_or_clears_them(shopper):
    address = saved(shopper, ADDRESS)
    assert (address["region"], address["phone"]) == ("", "")

    set_both = shopper.patch(f"/me/addresses/{address['id']}", json={"region": REGION, "phone": PHONE})
    cleared = shopper.patch(f"/me/addresses/{address['id']}", json={"phone": ""})

    assert (set_both.get_json()["region"], set_both.get_json()["phone"]) == (REGION, PHONE)
    assert (cleared.get_json()["region"], cleared.get_json()["phone"]) == (REGION, "")


@pytest.mark.parametrize("path", ["/orders", "/orders/quote"])
def test_an_order_and_a_quote_keep_the_region_and_phone_they_were_sent(shopper, tee, db, path):
    response = shopper.post(path, json=order_body(tee))

    assert response.status_code in (200, 201), response.get_json()
    assert response.get_json()["shipping_address"] == WITH_BOTH


def test_a_placed_order_is_answered_and_stored_with_them(shopper, tee, db):
    order = shopper.post("/orders", json=order_body(tee)).get_json()

    assert shopper.get(f"/orders/{order['id']}").get_json()["shipping_address"] == WITH_BOTH
    assert db.orders.find_one()["shipping_address"] == WITH_BOTH


def test_an_order_without_them_answers_as_before(shopper, tee):
    order = shopper.post("/orders", json=order_body(tee, ADDRESS)).get_json()

    assert order["shipping_address"] == ADDRESS


def test_an_order_placed_with_an_address_id_copies_its_region_and_phone(shopper, tee):
    address = saved(shopper)

    response = shopper.post("/orders", json={"items": [{"product_id": tee["id"], "quantity": 1}],
                                             "address_id": address["id"]})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["shipping_address"] == WITH_BOTH


@pytest.mark.parametrize("field, longest", [("region", "R" * 100), ("phone", "5" * 30)])
def test_the_longest_region_and_phone_are_taken(shopper, tee, field, longest):
    address = dict(ADDRESS, **{field: longest})

    assert saved(shopper, address)[field] == longest
    assert shopper.post("/orders", json=order_body(tee, address)).get_json()["shipping_address"][field] == longest


def _too_long_calls(shopper, tee, field, value):
    """(response, where the error is) for each API body that takes an address."""
    existing = saved(shopper, ADDRESS)
    bad = dict(ADDRESS, **{field: value})
    return [
        (shopper.post("/me/addresses", json=bad), lambda details: details[field]),
        (shopper.patch(f"/me/addresses/{existing['id']}", json={field: value}), lambda details: details[field]),
        (shopper.post("/orders", json=order_body(tee, bad)), lambda details: details["shipping_address"][field]),
        (shopper.post("/orders/quote", json=order_body(tee, bad)), lambda details: details["shipping_address"][field]),
    ]


@pytest.mark.parametrize("field, value, says", TOO_LONG)
def test_a_region_or_phone_out_of_bounds_is_refused_on_that_field_by_every_endpoint(shopper, tee, db, field, value,
                                                                                      says):
    for response, where in _too_long_calls(shopper, tee, field, value):
        details = assert_error(response, 422, "validation_error")
        assert says in where(details)[0], details
    assert db.orders.count_documents({}) == 0
    assert [doc.get(field, "") for doc in db.addresses.find()] == [""]


# The pages -----------------------------------------------------------------


@pytest.fixture
def shopping(site, tee):
    site.shopper()
    site.add_to_cart(tee, 1)
    return site


def test_the_address_book_form_takes_them_and_lists_and_edits_them(shopping, db):
    assert 'id="region"' in shopping.text("/account/addresses/new")
    assert 'id="phone"' in shopping.text("/account/addresses/new")

    added = shopping.post("/account/addresses/new", WITH_BOTH)

    assert added.status_code == 302, added.get_data(as_text=True)
    assert printed_in_order(shopping.text("/account/addresses"), ["1 Main Street", *PRINTED])
    address_id = str(db.addresses.find_one()["_id"])
    form = shopping.text(f"/account/addresses/{address_id}/edit")
    assert input_value(form, "region") == REGION and input_value(form, "phone") == "+1 (555) 010-0199"


def test_a_blank_region_or_phone_in_the_address_books_edit_clears_it(shopping, db):
    shopping.post("/account/addresses/new", WITH_BOTH)
    address_id = str(db.addresses.find_one()["_id"])

    edited = shopping.post(f"/account/addresses/{address_id}/edit", dict(WITH_BOTH, region="", phone=""))

    assert edited.status_code == 302
    stored = db.addresses.find_one()
    assert (stored["region"], stored["phone"]) == ("", "")
    assert "Phone:" not in shopping.text("/account/addresses")


@pytest.mark.parametrize("field, value, says", TOO_LONG)
@pytest.mark.parametrize("form", ["address book", "checkout"])
def test_a_region_or_phone_out_of_bounds_is_shown_next_to_its_field_on_every_form(shopping, db, form, field, value,
                                                                                  says):
    typed = dict(WITH_BOTH, **{field: value})

    if form == "address book":
        response = shopping.post("/account/addresses/new", typed)
    else:
        response = shopping.review(**typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    assert says in field_errors(page, field)[0], page
    assert input_value(page, field) == value
    assert db.addresses.count_documents({}) == 0 and db.orders.count_documents({}) == 0


def test_the_checkout_takes_them_and_the_order_pages_print_them(shopping, app, db):
    page = shopping.text("/checkout")
    assert 'id="region"' in page and 'id="phone"' in page

    review = shopping.review(**WITH_BOTH)
    assert printed_in_order(review.get_data(as_text=True), ["Priced for delivery to", "1 Main Street", *PRINTED])
    placed = shopping.place(**WITH_BOTH, **shown_quote(review.get_data(as_text=True)))

    assert placed.status_code == 302, placed.get_data(as_text=True)
    assert db.orders.find_one()["shipping_address"] == WITH_BOTH
    assert printed_in_order(shopping.text(placed.headers["Location"]), ["1 Main Street", *PRINTED])
    admin_page = app.test_client()
    admin_page.post("/login", data={"email": "admin@example.com", "password": "admin-password-1"})
    order_id = str(db.orders.find_one()["_id"])
    admin_text = admin_page.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert printed_in_order(admin_text, ["1 Main Street", *PRINTED])


def test_a_saved_address_offered_at_the_checkout_names_its_region_and_phone(shopping):
    shopping.post("/account/addresses/new", WITH_BOTH)

    page = shopping.text("/checkout")

    assert f"12345 Springfield, {REGION}, United States, Phone: {PHONE} (default)" in page


def test_the_order_e_mails_print_the_address_with_them(app, shopper, admin, tee, mailbox):
    order = shopper.post("/orders", json=order_body(tee)).get_json()
    shopper.post(f"/orders/{order['id']}/payments", json={"card_number": "4242424242424242", "exp_month": 12,
                                                          "exp_year": 2099, "cvc": "123"})
    admin.post(f"/orders/{order['id']}/transitions", json={"status": "shipped"})

    deliver_emails(app)

    bodies = {message["subject"]: message["body"] for message in mailbox}
    for subject in (f"Order {order['number']} is placed", f"Order {order['number']} is on its way"):
        assert printed_in_order(bodies[subject], ["Ship to:", "Ada Shopper", "1 Main Street", *PRINTED]), \
            bodies[subject]
