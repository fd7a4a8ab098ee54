"""The HTML checkout: it shows the quote, carries its total, and places nothing when the
total changed since (API.md "The cart and what the shopper confirms")."""
import pytest

from tests.web.site_helpers import field_errors, shown_total, site  # noqa: F401  (fixtures)


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=1999, stock=10)


@pytest.fixture
def standard(admin):
    response = admin.post("/shipping-methods", json={"name": "Standard", "countries": ["US"], "price": 495,
                                                      "free_over": None, "active": True})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def shopping(site, tee):
    site.shopper()
    site.add_to_cart(tee, 3)
    return site


def test_the_review_shows_shipping_the_code_and_tax_and_carries_the_total(shopping, admin, standard):
    admin.post("/tax-rates", json={"country": "US", "rate_bp": 2000})
    admin.post("/discount-codes", json={"code": "TEN", "kind": "percent", "value": 1000, "active": True})
    form = shopping.text("/checkout")
    assert "Standard: $4.95, to US" in form and "Show the total" in form

    review = shopping.review(shipping_method_id=standard["id"], discount_code="ten")

    assert review.status_code == 200
    page = review.get_data(as_text=True)
    for text in ("Subtotal", "$59.97", "Discount (TEN)", "-$6.00", "Shipping: Standard", "$4.95", "Tax included",
                 "$9.83", "Place order: $58.92"):
        assert text in page, text
    assert shown_total(page) == "5892"


def test_placing_at_the_total_shown_places_the_order_at_that_total(shopping, standard, db):
    total = shown_total(shopping.review(shipping_method_id=standard["id"]).get_data(as_text=True))

    response = shopping.place(shipping_method_id=standard["id"], expected_total=total)

    assert response.status_code == 302
    order = db.orders.find_one()
    assert order["total"] == int(total) == 5997 + 495
    assert order["shipping"]["name"] == "Standard"


def test_a_price_changed_after_the_review_places_nothing_and_shows_the_new_total(shopping, admin, tee, db):
    total = shown_total(shopping.review().get_data(as_text=True))
    admin.patch(f"/products/{tee['id']}", json={"price": 2099})

    response = shopping.place(expected_total=total)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The total has changed since it was shown" in page
    assert shown_total(page) == "6297" and "Place order: $62.97" in page
    assert db.orders.count_documents({}) == 0
    assert shopping.place(expected_total="6297").status_code == 302
    assert db.orders.find_one()["total"] == 6297


def test_placing_without_a_reviewed_total_only_shows_the_total(shopping, db):
    response = shopping.place()

    assert response.status_code == 200
    assert "Place order: $59.97" in response.get_data(as_text=True)
    assert db.orders.count_documents({}) == 0


def test_a_wrong_code_a_missing_method_and_a_country_not_served_are_shown_on_their_fields(shopping, standard, db):
    missing = shopping.review(discount_code="NOPE")
    abroad = shopping.review(shipping_method_id=standard["id"], country="FR")

    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert field_errors(page, "discount_code") == ["There is no such discount code."]
    assert field_errors(page, "shipping_method_id") == ["Choose a shipping method."]
    assert field_errors(abroad.get_data(as_text=True), "country") == ["We do not ship there."]
    assert db.orders.count_documents({}) == 0


def test_with_no_shipping_methods_none_is_asked_for_and_shipping_is_free(shopping):
    form = shopping.text("/checkout")
    page = shopping.review().get_data(as_text=True)

    assert 'name="shipping_method_id"' not in form
    assert "Shipping: Free shipping" in page


def test_a_cart_with_a_line_short_of_stock_is_sent_back_to_the_cart_to_change_it(shopping, admin, tee):
    admin.post(f"/products/{tee['id']}/stock-adjustments", json={"delta": -8, "reason": "damaged"})

    response = shopping.get("/checkout")

    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")
    assert "you asked for 3, 2 left" in shopping.text("/cart")
