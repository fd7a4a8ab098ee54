"""The HTML checkout places exactly the quote it showed, ships to the address it priced (a saved
one or a typed one, never a mix), and offers the shipping methods of the country being priced
(docs/SITE.md)."""
import html as html_text
import re

import pytest

from shop.cart.forms import MIXED_ADDRESS
from tests.conftest import ADDRESS
from tests.web.site_helpers import field_errors, shown_quote

PARIS = {"name": "Ada in Paris", "line1": "3 Rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"}
LONDON = {"name": "Ada in London", "line1": "5 Engine Road", "city": "London", "postal_code": "EC1A 1BB",
          "country": "GB"}


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=2000, stock=10)


@pytest.fixture
def everywhere(admin):
    """One method to every country, at one price, so that only tax tells two countries apart."""
    return admin.post("/shipping-methods", json={"name": "Post", "countries": ["*"], "price": 500}).get_json()


@pytest.fixture
def shopping(site, tee, everywhere):
    site.shopper()
    site.add_to_cart(tee, 1)
    return site


def text_of(response):
    return html_text.unescape(response.get_data(as_text=True))


def summary(page):
    """The quote panel: what the page says it priced."""
    return re.search(r'<section class="summary".*?</section>', page, re.S).group(0)


def save(site, address):
    response = site.post("/account/addresses/new", address)
    assert response.status_code == 302, response.get_data(as_text=True)


# Placing what was quoted --------------------------------------------------------------------------


def change_country(site, admin, db):
    """From the UK, tax included at 20%, to the US, no tax: the same total."""
    admin.post("/tax-rates", json={"country": "GB", "rate_bp": 2000})
    return LONDON, ADDRESS, {}, "the shipping address and tax"


def change_city(site, admin, db):
    return ADDRESS, dict(ADDRESS, city="Shelbyville"), {}, "the shipping address"


def change_method(site, admin, db):
    courier = admin.post("/shipping-methods", json={"name": "Courier", "countries": ["*"], "price": 500}).get_json()
    post = str(db.shipping_methods.find_one({"name": "Post"})["_id"])
    return dict(ADDRESS, shipping_method_id=post), ADDRESS, {"shipping_method_id": courier["id"]}, "shipping"


def change_code(site, admin, db):
    for code in ("TEN", "ALSOTEN"):
        admin.post("/discount-codes", json={"code": code, "kind": "percent", "value": 1000})
    return dict(ADDRESS, discount_code="TEN"), dict(ADDRESS, discount_code="ALSOTEN"), {}, "the discount"


def change_product(site, admin, db):
    """Another tab swaps the tee for a mug at the same price."""
    mug = admin.post("/products", json={"sku": "MUG", "name": "Mug", "price": 2000, "stock": 5}).get_json()
    return ADDRESS, ADDRESS, {"swap_to": mug}, "the lines (a product, its price or quantity)"


@pytest.mark.parametrize("change", [change_country, change_city, change_method, change_code, change_product])
def test_placing_anything_but_the_quote_shown_places_nothing_and_shows_the_new_quote_even_at_the_same_total(
        shopping, admin, db, tee, change):
    reviewed, placed, extra, said = change(shopping, admin, db)
    review = shopping.review(**reviewed)
    assert review.status_code == 200, text_of(review)
    shown = shown_quote(review.get_data(as_text=True))
    if "swap_to" in extra:
        shopping.post(f"/cart/items/{db.variants.find_one({'sku': 'TEE'})['_id']}/remove")
        shopping.add_to_cart(extra.pop("swap_to"))

    response = shopping.place(**dict(placed, **extra, expected_total=shown["expected_total"], quoted=shown["quoted"]))

    assert response.status_code == 409
    page = text_of(response)
    assert f"This is not the order that was shown: {said} changed since. Nothing was placed." in page
    assert shown_quote(page)["expected_total"] == shown["expected_total"]  # the total alone would not have told
    assert shown_quote(page)["quoted"] != shown["quoted"]
    assert db.orders.count_documents({}) == 0
    again = shopping.place(**dict(placed, **extra, **shown_quote(page)))
    assert again.status_code == 302, text_of(again)
    assert db.orders.count_documents({"status": "placed"}) == 1


def test_the_new_quote_after_a_changed_country_shows_the_new_address_and_its_tax(shopping, admin):
    admin.post("/tax-rates", json={"country": "GB", "rate_bp": 2000})
    shown = shown_quote(shopping.review(**LONDON).get_data(as_text=True))

    page = text_of(shopping.place(**ADDRESS, **shown))

    panel = summary(page)
    assert "Springfield" in panel and "United States" in panel and "London" not in panel
    assert "Tax included" not in panel and "Place order: $25.00" in page


def test_a_placed_order_is_the_quote_shown_line_for_line(shopping, admin, db):
    admin.post("/tax-rates", json={"country": "GB", "rate_bp": 2000})
    review = shopping.review(**LONDON)

    shopping.place(**LONDON, **shown_quote(review.get_data(as_text=True)))

    order = db.orders.find_one()
    assert order["shipping_address"] == LONDON
    assert (order["total"], order["tax_total"], order["shipping"]["amount"]) == (2500, 416, 500)
    assert [(line["sku"], line["quantity"], line["unit_price"]) for line in order["items"]] == [("TEE", 1, 2000)]


# A saved address or a typed one --------------------------------------------------------------------


@pytest.mark.parametrize("typed", [PARIS, {"line1": "3 Rue de Rivoli"}, {"city": "Paris"}, {"postal_code": "75001"},
                                   {"country": "FR"}, {"line2": "Floor 3"}])
@pytest.mark.parametrize("action", ["review", "place"])
def test_an_address_typed_while_a_saved_one_is_chosen_is_refused_next_to_the_fields(shopping, db, typed, action):
    save(shopping, ADDRESS)
    saved_id = str(db.addresses.find_one()["_id"])
    fields = dict(typed, saved_address=saved_id)
    if action == "place":
        fields.update(shown_quote(shopping.review(saved_address=saved_id).get_data(as_text=True)))

    response = (shopping.review if action == "review" else shopping.place)(**fields)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    first = next(name for name in ("line1", "line2", "city", "postal_code", "country") if name in typed)
    assert field_errors(page, first) == [MIXED_ADDRESS]
    assert "Place order" not in page  # no quote for either address
    assert db.orders.count_documents({}) == 0


def test_choosing_a_new_address_ships_to_the_address_typed_and_the_panel_shows_it(shopping, db):
    save(shopping, ADDRESS)

    review = shopping.review(saved_address="new", **PARIS)
    placed = shopping.place(saved_address="new", **PARIS, **shown_quote(review.get_data(as_text=True)))

    panel = summary(text_of(review))
    assert "Priced for delivery to" in panel and "3 Rue de Rivoli" in panel and "France" in panel
    assert placed.status_code == 302
    assert db.orders.find_one()["shipping_address"] == PARIS


def test_the_panel_shows_the_saved_address_it_priced(shopping, db):
    save(shopping, LONDON)

    review = shopping.review(saved_address=str(db.addresses.find_one()["_id"]))

    panel = summary(text_of(review))
    assert "5 Engine Road" in panel and "United Kingdom" in panel


def test_the_page_says_a_typed_address_is_used_only_with_its_choice(shopping, db):
    save(shopping, ADDRESS)

    page = text_of(shopping.get("/checkout"))

    assert "a typed address is used only with that choice" in page


# Shipping methods -----------------------------------------------------------------------------------


@pytest.fixture
def by_country(admin):
    """Methods for the US and for France, none to every country (the `everywhere` one is left out)."""
    us = admin.post("/shipping-methods", json={"name": "Standard", "countries": ["US"], "price": 495}).get_json()
    fr = admin.post("/shipping-methods", json={"name": "La Poste", "countries": ["FR"], "price": 900}).get_json()
    express = admin.post("/shipping-methods", json={"name": "Express", "countries": ["FR"], "price": 1500}).get_json()
    return {"us": us, "fr": fr, "express": express}


def test_before_a_country_is_chosen_no_shipping_method_is_listed(site, tee, by_country):
    site.add_to_cart(tee, 1)

    page = text_of(site.get("/checkout"))

    assert 'name="shipping_method_id"' not in page
    assert "How we can ship it is shown once we know the country" in page


def test_the_methods_listed_are_those_of_the_country_priced_the_cheapest_chosen_first(site, tee, by_country):
    site.add_to_cart(tee, 1)

    review = site.review(email="guest@example.com", **PARIS)

    page = text_of(review)
    assert review.status_code == 200
    assert "La Poste: $9.00, to FR" in page and "Express: $15.00, to FR" in page and "Standard" not in page
    assert re.search(rf'<input checked id="shipping_method_id-0" name="shipping_method_id" type="radio" '
                     rf'value="{by_country["fr"]["id"]}">', page)
    assert "Shipping: La Poste" in summary(page)


def test_a_shoppers_default_address_lists_the_methods_of_its_country(site, tee, by_country, db):
    site.shopper()
    save(site, PARIS)
    site.add_to_cart(tee, 1)

    page = text_of(site.get("/checkout"))

    assert "La Poste: $9.00, to FR" in page and "Standard" not in page


def test_shipping_is_one_group_named_once(site, tee, by_country):
    site.add_to_cart(tee, 1)

    page = text_of(site.review(email="guest@example.com", **PARIS))

    assert re.findall(r">\s*Shipping\s*<", page) == [">Shipping<"]
    assert re.search(r'<fieldset class="field choices">\s*<legend>Shipping</legend>', page)
    assert 'for="False"' not in page
