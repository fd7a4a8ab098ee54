"""The cart (in MongoDB, for visitors too, carried over on log-in) and checkout."""
from tests.web.site_helpers import CHECKOUT_KEY, field_errors, input_value, other_site, site  # noqa: F401  (fixtures)


def test_a_visitor_adds_to_the_cart_and_it_is_stored_in_mongodb_not_in_the_cookie(site, add_product, db):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900)

    response = site.add_to_cart(product, 2)
    html = site.text("/cart")

    assert response.status_code == 302 and response.headers["Location"] == "/cart"
    assert "Cast Iron Teapot" in html and "$118.00" in html
    cart = db.carts.find_one()
    assert cart["owner"].startswith("anon:") and cart["items"] == {product["id"]: 2}
    assert cart["expires_at"] is not None


def test_adding_the_same_product_again_adds_up_to_at_most_one_hundred(site, add_product, db):
    product = add_product("TEAPOT-CAST")

    site.add_to_cart(product, 60)
    site.add_to_cart(product, 60)

    assert db.carts.find_one()["items"] == {product["id"]: 100}


def test_a_bad_quantity_is_shown_next_to_the_field_on_the_product_page(site, add_product, db):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot")

    response = site.add_to_cart(product, "lots")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<h1>Cast Iron Teapot</h1>" in html
    assert field_errors(html, "quantity") == ["Enter a quantity as a whole number between 1 and 100."]
    assert input_value(html, "quantity") == "lots"
    assert db.carts.count_documents({}) == 0


def test_an_archived_product_cannot_be_added(site, add_product, admin):
    product = add_product("TEAPOT-CAST")
    admin.delete(f"/products/{product['id']}")

    assert site.add_to_cart(product).status_code == 404


def test_changing_a_quantity_and_removing_a_line(site, add_product, db):
    teapot, mug = add_product("TEAPOT-CAST", price=5900), add_product("MUG-STONE", price=1800)
    site.add_to_cart(teapot)
    site.add_to_cart(mug)

    site.post(f"/cart/items/{teapot['id']}", {"quantity": "3"})
    site.post(f"/cart/items/{mug['id']}/remove")

    assert db.carts.find_one()["items"] == {teapot["id"]: 3}
    assert "$177.00" in site.text("/cart")


def test_a_bad_line_quantity_is_shown_on_that_line(site, add_product):
    teapot = add_product("TEAPOT-CAST")
    site.add_to_cart(teapot)

    response = site.post(f"/cart/items/{teapot['id']}", {"quantity": "0"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a quantity between 1 and 100." in html
    assert 'value="0"' in html


def test_the_visitors_cart_is_carried_over_when_they_log_in(site, other_site, add_product, db):
    teapot, mug = add_product("TEAPOT-CAST"), add_product("MUG-STONE")
    other_site.register("ada@example.com")
    other_site.login("ada@example.com")
    other_site.add_to_cart(teapot, 1)
    site.add_to_cart(teapot, 2)
    site.add_to_cart(mug, 1)

    site.login("ada@example.com")

    carts = list(db.carts.find())
    assert len(carts) == 1 and carts[0]["owner"].startswith("user:")
    assert carts[0]["items"] == {teapot["id"]: 3, mug["id"]: 1}


def test_checkout_needs_a_logged_in_shopper(site):
    response = site.get("/checkout")

    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fcheckout"


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(site):
    site.shopper()

    response = site.get("/checkout")

    assert response.headers["Location"] == "/cart"


def test_checkout_shows_the_address_form_with_a_fresh_idempotency_key(site, add_product):
    site.shopper()
    site.add_to_cart(add_product("TEAPOT-CAST", price=5900), 2)

    html = site.text("/checkout")

    for field_id in ("name", "line1", "line2", "city", "postal_code", "country"):
        assert f'<label for="{field_id}">' in html
    assert len(input_value(html, "idempotency_key")) >= 16
    assert "$118.00" in html


def test_checkout_shows_address_errors_next_to_their_fields_and_keeps_the_rest(site, add_product, db):
    site.shopper()
    site.add_to_cart(add_product("TEAPOT-CAST"))

    response = site.checkout(city=" ", country="XX", postal_code="12$45")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "city") == ["Enter a city: it cannot be only spaces."]
    assert field_errors(html, "country") == ["Enter a country by its two-letter code, such as US or DE."]
    assert field_errors(html, "postal_code") == ["Enter a postal code of letters, digits, spaces and dashes."]
    assert input_value(html, "line1") == "1 Main Street"
    assert input_value(html, "idempotency_key") == CHECKOUT_KEY
    assert db.orders.count_documents({}) == 0


def test_checkout_places_the_order_empties_the_cart_and_shows_the_order(site, add_product, db):
    site.shopper()
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5)
    site.add_to_cart(product, 2)

    response = site.checkout()
    page = site.get(response.headers["Location"]).get_data(as_text=True)

    order = db.orders.find_one()
    assert response.headers["Location"] == f"/orders/{order['_id']}"
    assert order["status"] == "placed" and order["items"][0]["quantity"] == 2
    assert db.variants.find_one()["stock"] == 3
    assert db.carts.find_one()["items"] == {}
    assert f"Order {order['number']} is placed." in page and "$118.00" in page


def test_submitting_the_checkout_form_twice_places_one_order(site, add_product, db):
    site.shopper()
    site.add_to_cart(add_product("TEAPOT-CAST", stock=5), 2)

    first, second = site.checkout(), site.checkout()

    assert first.headers["Location"] == second.headers["Location"]
    assert db.orders.count_documents({}) == 1
    assert db.variants.find_one()["stock"] == 3


def test_checkout_without_a_valid_idempotency_key_is_refused(site, add_product, db):
    site.shopper()
    site.add_to_cart(add_product("TEAPOT-CAST"))

    response = site.checkout(key="")

    assert response.status_code == 400
    assert db.orders.count_documents({}) == 0


def test_checkout_says_which_products_are_short_and_keeps_the_cart(site, add_product, admin, db):
    site.shopper()
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot", stock=5)
    site.add_to_cart(product, 4)
    admin.post(f"/products/{product['id']}/stock-adjustments", json={"delta": -3, "reason": "damaged"})

    response = site.checkout()

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Cast Iron Teapot: you asked for 4, 2 left." in html
    assert db.carts.find_one()["items"] == {product["id"]: 4}
    assert db.variants.find_one()["stock"] == 2


def test_checking_out_an_emptied_cart_says_the_cart_is_empty(site, add_product, db):
    site.shopper()
    product = add_product("TEAPOT-CAST")
    site.add_to_cart(product)
    site.post(f"/cart/items/{product['id']}/remove")

    response = site.checkout()

    assert response.status_code == 422
    assert "Your cart is empty." in response.get_data(as_text=True)
    assert db.orders.count_documents({}) == 0
