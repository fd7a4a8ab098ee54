"""The HTML checkout and the address book: saved addresses are offered (the default chosen),
a new one may be saved, and the country is chosen from a list (docs/API.md "Address book")."""
import re

import pytest

from shop.addresses.model import MAX_ADDRESSES
from tests.conftest import ADDRESS
from tests.web.site_helpers import field_errors, shown_quote

WORK = {"name": "Ada at Work", "line1": "5 Engine Road", "line2": "Floor 3", "city": "London",
        "postal_code": "EC1A 1BB", "country": "GB"}


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=1999, stock=10)


@pytest.fixture
def shopping(site, tee):
    site.shopper()
    site.add_to_cart(tee, 1)
    return site


def save(site, **fields):
    response = site.post("/account/addresses/new", {**ADDRESS, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)


def saved_ids(db):
    return {doc["name"]: str(doc["_id"]) for doc in db.addresses.find()}


def radios(page):
    """(value, checked, label) of each "Ship to" choice on the page."""
    found = []
    for tag, input_id in re.findall(r'(<input[^>]*id="(saved_address-\d+)"[^>]*>)', page):
        label = re.search(rf'<label for="{input_id}">([^<]*)</label>', page).group(1)
        found.append((re.search(r'value="([^"]*)"', tag).group(1), " checked" in tag, label))
    return found


def test_a_shopper_with_saved_addresses_is_offered_them_with_the_default_chosen(shopping, db):
    save(shopping, **WORK)
    save(shopping, name="Ada at Home")
    ids = saved_ids(db)
    shopping.post(f"/account/addresses/{ids['Ada at Home']}/default")

    page = shopping.text("/checkout")

    assert radios(page) == [
        (ids["Ada at Work"], False, "Ada at Work, 5 Engine Road, Floor 3, EC1A 1BB London, United Kingdom"),
        (ids["Ada at Home"], True, "Ada at Home, 1 Main Street, 12345 Springfield, United States (default)"),
        ("new", False, "A new address, typed below"),
    ]


def test_the_country_is_a_list_of_countries_by_name_for_guests_and_shoppers(site, tee):
    site.add_to_cart(tee, 1)
    guest_page = site.text("/checkout")
    site.shopper()

    for page in (guest_page, site.text("/checkout")):
        assert '<select autocomplete="country" id="country" name="country">' in page
        assert '<option value="US">United States</option>' in page and '<option value="JP">Japan</option>' in page
    assert 'name="save_address"' not in guest_page and 'name="saved_address"' not in guest_page


def test_a_shopper_without_saved_addresses_sees_only_the_form_and_the_offer_to_save(shopping):
    page = shopping.text("/checkout")

    assert radios(page) == []
    assert 'name="save_address"' in page and "Save this address to my address book" in page


def test_a_saved_address_chosen_is_carried_from_the_review_to_the_order_as_a_copy(shopping, admin, db):
    admin.post("/tax-rates", json={"country": "GB", "rate_bp": 2000})
    save(shopping, **WORK)
    work = saved_ids(db)["Ada at Work"]

    review = shopping.review(saved_address=work)  # the new address's fields left blank

    page = review.get_data(as_text=True)
    assert review.status_code == 200 and "Tax included" in page and "$3.33" in page
    assert (work, True) == radios(page)[0][:2]
    placed = shopping.place(saved_address=work, **shown_quote(page))
    assert placed.status_code == 302, placed.get_data(as_text=True)
    order = db.orders.find_one()
    assert order["shipping_address"] == WORK and order["total"] == 1999
    shopping.post(f"/account/addresses/{work}/edit", dict(WORK, city="Leeds"))
    assert db.orders.find_one()["shipping_address"]["city"] == "London"
    assert "London" in shopping.text(placed.headers["Location"])


def test_the_form_sent_again_after_its_saved_address_was_deleted_shows_the_order_it_placed(shopping, db):
    save(shopping, **WORK)
    work = saved_ids(db)["Ada at Work"]
    review = shopping.review(saved_address=work)
    fields = {"saved_address": work, **shown_quote(review.get_data(as_text=True))}
    placed = shopping.place(**fields)
    shopping.post(f"/account/addresses/{work}/delete")
    assert db.addresses.count_documents({}) == 0

    again = shopping.place(**fields)  # a reload of the page the click answered

    assert again.status_code == 302 and again.headers["Location"] == placed.headers["Location"]
    assert db.orders.count_documents({}) == 1


def test_a_new_address_chosen_over_the_saved_ones_is_the_one_typed(shopping, db):
    save(shopping, **WORK)

    response = shopping.checkout(saved_address="new")

    assert response.status_code == 302
    assert db.orders.find_one()["shipping_address"] == ADDRESS


def test_another_shoppers_saved_address_is_refused_on_the_choice(shopping, other_site, tee, db):
    other_site.shopper("eve@example.com")
    save(other_site, **WORK)
    eves = saved_ids(db)["Ada at Work"]

    response = shopping.checkout(saved_address=eves)

    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "saved_address") == [
        "Choose one of the addresses in your address book."]
    assert db.orders.count_documents({}) == 0


def test_a_new_address_is_saved_to_the_book_when_asked_once_the_order_is_placed(shopping, db):
    review = shopping.review(save_address="y", **WORK)
    assert db.addresses.count_documents({}) == 0  # reviewing saves nothing
    assert '<input checked id="save_address" name="save_address" type="checkbox"' in review.get_data(as_text=True)

    placed = shopping.place(save_address="y", **shown_quote(review.get_data(as_text=True)), **WORK)

    assert placed.status_code == 302
    assert "The address is saved in your address book." in shopping.text(placed.headers["Location"])
    book = shopping.text("/account/addresses")
    assert "Default address" in book and "5 Engine Road" in book
    assert [(doc["name"], doc["line2"]) for doc in db.addresses.find()] == [("Ada at Work", "Floor 3")]


def test_a_new_address_is_not_saved_unless_asked(shopping, db):
    assert shopping.checkout(**WORK).status_code == 302

    assert db.orders.count_documents({}) == 1 and db.addresses.count_documents({}) == 0


def test_an_address_already_in_the_book_is_not_saved_twice(shopping, tee, db):
    save(shopping, **WORK)

    placed = shopping.checkout(saved_address="new", save_address="y", **WORK)

    assert "The address is in your address book already." in shopping.text(placed.headers["Location"])
    assert db.addresses.count_documents({}) == 1


def test_a_full_address_book_still_places_the_order_and_says_the_address_was_not_saved(shopping, db):
    for n in range(MAX_ADDRESSES):
        save(shopping, name=f"Ada {n}")

    placed = shopping.checkout(saved_address="new", save_address="y", **WORK)

    assert placed.status_code == 302
    assert "This address was not saved." in shopping.text(placed.headers["Location"])
    assert db.orders.find_one()["shipping_address"] == WORK
    assert db.addresses.count_documents({}) == MAX_ADDRESSES


def test_a_guest_cannot_ship_to_a_saved_address(site, other_site, tee, db):
    other_site.shopper("eve@example.com")
    save(other_site, **WORK)
    site.add_to_cart(tee, 1)

    response = site.checkout(email="guest@example.com", saved_address=saved_ids(db)["Ada at Work"],
                             save_address="y", **ADDRESS)

    assert response.status_code == 302
    order = db.orders.find_one()
    assert order["shipping_address"] == ADDRESS and order["user_id"] is None
    assert db.addresses.count_documents({}) == 1
