"""The cart (in MongoDB, for visitors too, carried over on log-in) and checkout."""
import html as html_text
import re
from dataclasses import replace

import pytest

from shop.cart import model as cart_model
from shop.money import format_money
from shop.pricing import price
from tests.web.site_helpers import CHECKOUT_KEY, field_errors, input_value, shown_quote


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


@pytest.mark.parametrize("typed", ["-1", "101", "lots"])
def test_a_bad_line_quantity_is_shown_on_that_line(site, add_product, db, typed):
    teapot = add_product("TEAPOT-CAST")
    site.add_to_cart(teapot)

    response = site.post(f"/cart/items/{teapot['id']}", {"quantity": typed})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "quantity")[0].startswith("Enter a quantity") and "between 0 and 100" in html
    assert f'value="{typed}"' in html
    assert db.carts.find_one()["items"] == {teapot["id"]: 1}


@pytest.mark.parametrize("typed", ["0", " 0 ", "00"])
def test_a_line_set_to_quantity_0_is_removed(site, add_product, db, typed):
    teapot, mug = add_product("TEAPOT-CAST", price=5900), add_product("MUG-STONE", price=1800)
    site.add_to_cart(teapot)
    site.add_to_cart(mug)

    response = site.post(f"/cart/items/{teapot['id']}", {"quantity": typed})

    assert response.status_code == 302
    page = site.text("/cart")
    assert "The item is removed from your cart." in page and "$59.00" not in page and "$18.00" in page
    assert db.carts.find_one()["items"] == {mug["id"]: 1}


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


def test_a_visitor_without_a_cart_is_sent_to_the_cart_not_to_the_checkout(site):
    response = site.get("/checkout")

    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


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

    shown = shown_quote(site.review().get_data(as_text=True))
    first, second = site.place(**shown), site.place(**shown)
    again = site.review()  # the used form, sent back from its review step: the order it placed

    assert first.headers["Location"] == second.headers["Location"] == again.headers["Location"]
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


# --- v1.1: one currency, short lines, unavailable lines, one count, the pricing's figures ---

def header_count(html):
    """The number on the header's cart badge (0 when it shows none)."""
    match = re.search(r'<span class="badge"><span class="visually-hidden">\(</span>(\d+)<', html)
    return int(match.group(1)) if match else 0


def page_count(html):
    """The number in the cart page's "Subtotal (N items)"."""
    return int(re.search(r"Subtotal \((\d+) items?\)", html).group(1))


def test_a_product_in_another_currency_is_refused_with_a_message_and_nothing_is_added(site, add_product, db):
    teapot = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=1200, currency="EUR")
    mug = add_product("MUG-STONE", name="Stoneware Mug", price=2400, currency="USD")
    site.add_to_cart(teapot)

    response = site.add_to_cart(mug)

    html = html_text.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "<h1>Stoneware Mug</h1>" in html
    assert "Your cart is in EUR and Stoneware Mug is priced in USD: a cart holds one currency." in html
    assert db.carts.find_one()["items"] == {teapot["id"]: 1}
    cart = html_text.unescape(site.text("/cart"))
    assert "Subtotal (1 item)" in cart and "€12.00" in cart and "36.00" not in cart


def test_an_emptied_cart_takes_a_product_in_any_currency(site, add_product, db):
    teapot = add_product("TEAPOT-CAST", price=1200, currency="EUR")
    mug = add_product("MUG-STONE", price=2400, currency="USD")
    site.add_to_cart(teapot)
    site.post(f"/cart/items/{teapot['id']}/remove")

    response = site.add_to_cart(mug)

    assert response.status_code == 302
    assert db.carts.find_one()["items"] == {mug["id"]: 1}


def test_a_cart_that_already_mixes_currencies_never_adds_them_up(site, add_product, db):
    teapot = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=1200, currency="EUR")
    mug = add_product("MUG-STONE", name="Stoneware Mug", price=2400, currency="USD")
    site.add_to_cart(teapot)
    db.carts.update_one({}, {"$set": {f"items.{mug['id']}": 1}})  # as two racing first adds could leave it

    html = html_text.unescape(site.text("/cart"))

    assert "Subtotal (1 item)" in html and "€12.00" in html and "36.00" not in html
    assert "Stoneware Mug: It is priced in USD and your cart is in EUR. Remove it from your cart." in html
    assert header_count(html) == 1


def test_a_line_asking_for_more_than_the_stock_is_marked_on_the_cart_with_what_is_left(site, add_product, db):
    teapot = add_product("TEAPOT-CAST", name="Cast Iron Teapot", stock=3)

    site.add_to_cart(teapot, 10)
    html = site.text("/cart")

    assert (f'<p class="stock-note" id="stock-{teapot["id"]}">'
            'Only 3 left: lower the quantity to 3 to check out.</p>') in html
    assert "Cast Iron Teapot: you asked for 10, 3 left." in html
    assert "Check out</a>" not in html and "Change the lines marked above to check out." in html
    assert db.carts.find_one()["items"] == {teapot["id"]: 10}


def test_a_short_line_lowered_to_the_stock_is_no_longer_marked(site, add_product):
    teapot = add_product("TEAPOT-CAST", stock=3)
    site.add_to_cart(teapot, 10)

    site.post(f"/cart/items/{teapot['id']}", {"quantity": "3"})
    html = site.text("/cart")

    assert "stock-note" not in html and "Check out</a>" in html


def test_a_line_whose_stock_ran_out_says_so(site, add_product, admin):
    teapot = add_product("TEAPOT-CAST", stock=2)
    site.add_to_cart(teapot, 1)
    admin.post(f"/products/{teapot['id']}/stock-adjustments", json={"delta": -2, "reason": "damaged"})

    html = site.text("/cart")

    assert "Out of stock: remove it to check out." in html


def test_an_archived_product_stays_in_the_cart_as_no_longer_available_and_uncounted(site, add_product, admin, db):
    teapot = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900)
    mug = add_product("MUG-STONE", name="Stoneware Mug", price=1800)
    site.add_to_cart(teapot, 2)
    site.add_to_cart(mug, 3)

    admin.delete(f"/products/{mug['id']}")
    html = site.text("/cart")

    unavailable = html[html.index("No longer available"):]
    assert "Stoneware Mug" in unavailable and "This product is no longer sold." in unavailable
    assert f'action="/cart/items/{mug["id"]}/remove"' in unavailable
    assert "Stoneware Mug: This product is no longer sold. Remove it from your cart." in html
    assert "Subtotal (2 items)" in html and "$118.00" in html
    assert header_count(html) == page_count(html) == 2
    assert db.carts.find_one()["items"] == {teapot["id"]: 2, mug["id"]: 3}


def test_an_unavailable_line_can_be_removed(site, add_product, admin, db):
    teapot, mug = add_product("TEAPOT-CAST"), add_product("MUG-STONE", name="Stoneware Mug")
    site.add_to_cart(teapot)
    site.add_to_cart(mug)
    admin.delete(f"/products/{mug['id']}")

    site.post(f"/cart/items/{mug['id']}/remove")
    html = site.text("/cart")

    assert db.carts.find_one()["items"] == {teapot["id"]: 1}
    assert "No longer available" not in html and "Check out</a>" in html


def test_a_cart_holding_only_an_archived_product_shows_it_and_counts_nothing(site, add_product, admin):
    mug = add_product("MUG-STONE", name="Stoneware Mug")
    site.add_to_cart(mug, 2)
    admin.delete(f"/products/{mug['id']}")

    html = site.text("/cart")

    assert "Stoneware Mug" in html and "This product is no longer sold." in html
    assert "Your cart is empty." not in html and "Subtotal" not in html and "Check out</a>" not in html
    assert header_count(html) == 0


def test_an_archived_option_is_shown_as_no_longer_available(site, admin):
    tee = admin.post("/products", json={
        "name": "Field Tee", "price": 2000, "options": [{"name": "Size", "values": ["S", "M"]}],
        "variants": [{"sku": "TEE-S", "options": {"Size": "S"}, "stock": 5},
                     {"sku": "TEE-M", "options": {"Size": "M"}, "stock": 5}]}).get_json()
    small, medium = tee["variants"]
    site.post("/cart/items", {"product_id": tee["id"], "variant_id": small["id"], "quantity": "1"})
    site.post("/cart/items", {"product_id": tee["id"], "variant_id": medium["id"], "quantity": "2"})

    admin.delete(f"/products/{tee['id']}/variants/{medium['id']}")
    html = site.text("/cart")

    assert "Field Tee (Size M): This option is no longer sold. Remove it from your cart." in html
    assert header_count(html) == page_count(html) == 1


def test_the_header_counts_what_the_cart_page_counts_on_every_page(site, add_product, admin):
    teapot = add_product("TEAPOT-CAST", stock=3)
    mug, lamp = add_product("MUG-STONE"), add_product("LAMP-BRASS")
    site.add_to_cart(teapot, 10)  # short: counted at what it asks for
    site.add_to_cart(mug, 2)
    site.add_to_cart(lamp, 4)  # archived below: counted nowhere
    admin.delete(f"/products/{lamp['id']}")

    cart = site.text("/cart")

    assert header_count(cart) == page_count(cart) == 12
    for path in ("/", "/products", f"/products/{mug['slug']}"):
        assert header_count(site.text(path)) == 12, path


def test_the_cart_shows_the_pricing_functions_figures(site, add_product):
    lines = [(add_product("PEN-NIB", price=333), 3), (add_product("INK-BLUE", price=1999), 7),
             (add_product("CARD-PLAIN", price=5), 11)]
    for product, quantity in lines:
        site.add_to_cart(product, quantity)

    html = site.text("/cart")

    totals = price([(product["price"], quantity) for product, quantity in lines])
    assert [line.line_total for line in totals.lines] == [999, 13993, 55] and totals.subtotal == 15047
    for line in totals.lines:
        assert f'data-label="Total">{format_money(line.line_total)}</td>' in html
    assert f'<td class="num strong">{format_money(totals.subtotal)}</td>' in html


def test_the_cart_shows_what_the_pricing_function_says_and_adds_nothing_up_itself(site, add_product, monkeypatch):
    site.add_to_cart(add_product("PEN-NIB", price=333), 3)
    site.add_to_cart(add_product("INK-BLUE", price=1999), 7)

    def marked_price(lines):  # the real figures, each made recognisable: a page that sums itself shows others
        totals = price(lines)
        marked = tuple(replace(line, line_total=line.line_total + 1) for line in totals.lines)
        return replace(totals, lines=marked, subtotal=totals.subtotal + 100)

    monkeypatch.setattr(cart_model, "price", marked_price)
    html = site.text("/cart")

    assert 'data-label="Total">$10.00</td>' in html and 'data-label="Total">$139.94</td>' in html
    assert '<td class="num strong">$150.92</td>' in html


def test_changing_the_quantity_of_a_line_not_in_the_cart_adds_nothing(site, add_product, db):
    teapot, mug = add_product("TEAPOT-CAST"), add_product("MUG-STONE")
    site.add_to_cart(teapot)

    site.post(f"/cart/items/{mug['id']}", {"quantity": "5"})

    assert db.carts.find_one()["items"] == {teapot["id"]: 1}


def test_a_visitors_line_in_another_currency_carried_over_on_log_in_is_kept_as_unavailable(site, other_site,
                                                                                            add_product, db):
    teapot = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=1200, currency="EUR")
    mug = add_product("MUG-STONE", name="Stoneware Mug", price=2400, currency="USD")
    other_site.shopper("ada@example.com")
    other_site.add_to_cart(teapot)
    site.add_to_cart(mug)

    site.login("ada@example.com")
    html = html_text.unescape(site.text("/cart"))

    assert db.carts.find_one()["items"] == {teapot["id"]: 1, mug["id"]: 1}
    assert "Stoneware Mug: It is priced in USD and your cart is in EUR. Remove it from your cart." in html
    assert header_count(html) == page_count(html) == 1 and "€12.00" in html and "36.00" not in html
