"""The back office: only admins get in; dashboard, products, stock and orders through forms."""
import pytest

from tests.web.site_helpers import field_errors, input_value

ADMIN_PAGES = ["/admin/", "/admin/products", "/admin/products/new", "/admin/orders"]
NEW_PRODUCT = {"sku": "LAMP-DESK", "name": "Brass Desk Lamp", "price": "89.00", "currency": "USD",
               "stock": "8", "description": "Warm light.", "active": "y"}


@pytest.fixture
def paid_order(other_site, add_product):
    """A shopper's paid order for 2 of 5 teapots; returns its id."""
    other_site.shopper("ada@example.com")
    path = other_site.buy(add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5), 2)
    other_site.post(f"{path}/pay", {"card_number": "4242424242424242", "exp_month": "12",
                                    "exp_year": "2099", "cvc": "123"})
    return path.rsplit("/", 1)[1]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(site, path):
    response = site.get(path)

    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_shopper_is_refused_every_back_office_page_with_403(site, path):
    site.shopper()

    response = site.get(path)

    assert response.status_code == 403
    assert "You are not allowed here" in response.get_data(as_text=True)


def test_a_shopper_cannot_post_back_office_forms(site, add_product, db):
    product = add_product("TEAPOT-CAST", stock=5)
    site.shopper()

    assert site.post("/admin/products/new", NEW_PRODUCT).status_code == 403
    assert site.post(f"/admin/products/{product['id']}/archive").status_code == 403
    assert site.post(f"/admin/products/{product['id']}/stock", {"delta": "5", "reason": "restock"}).status_code == 403
    assert db.products.count_documents({}) == 1 and db.variants.find_one()["stock"] == 5


def test_the_dashboard_shows_todays_orders_revenue_of_paid_ones_and_low_stock(site, paid_order, add_product):
    add_product("KNIFE-CHEF", name="Chef's Knife", stock=2)
    site.admin()

    html = site.text("/admin/")

    assert '<p class="stat-label">Orders today</p><p class="stat-value">1</p>' in html
    assert "$118.00" in html
    assert "Chef&#39;s Knife" in html and "Cast Iron Teapot" in html  # 2 and 3 units left


def test_a_new_product_form_shows_schema_errors_next_to_fields_and_keeps_them(site, db):
    site.admin()

    response = site.post("/admin/products/new", dict(NEW_PRODUCT, sku="bad sku!", price="12.3x", stock="-1"))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "sku") == [
        "Enter an SKU of up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."]
    assert field_errors(html, "price") == ["Enter an amount such as 12.50."]
    assert field_errors(html, "stock") == ["Enter a stock level between 0 and 1000000000."]
    assert input_value(html, "name") == "Brass Desk Lamp" and input_value(html, "price") == "12.3x"
    assert db.products.count_documents({}) == 0


def test_adding_a_product_stores_its_price_in_minor_units_and_records_its_stock(site, db):
    site.admin()

    response = site.post("/admin/products/new", NEW_PRODUCT, follow_redirects=True)

    product, variant = db.products.find_one(), db.variants.find_one()
    assert variant["price"] == 8900 and variant["stock"] == 8 and product["slug"] == "brass-desk-lamp"
    assert db.stock_movements.find_one()["reason"] == "initial"
    assert "Brass Desk Lamp is added." in response.get_data(as_text=True)


def test_a_duplicate_sku_is_shown_next_to_the_sku(site, add_product):
    add_product("LAMP-DESK")
    site.admin()

    response = site.post("/admin/products/new", NEW_PRODUCT)

    assert field_errors(response.get_data(as_text=True), "sku") == ["A product with this SKU exists."]


def test_editing_a_product_shows_its_values_and_saves_changes(site, add_product, db):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900)
    site.admin()

    form = site.text(f"/admin/products/{product['id']}/edit")
    response = site.post(f"/admin/products/{product['id']}/edit",
                         {"name": "Big Teapot", "slug": "big-teapot", "price": "61.5", "description": "",
                          "active": "y"})

    assert input_value(form, "price") == "59.00" and input_value(form, "name") == "Cast Iron Teapot"
    assert response.status_code == 302
    stored = db.products.find_one()
    assert (stored["name"], stored["slug"], db.variants.find_one()["price"]) == ("Big Teapot", "big-teapot", 6150)


def test_archiving_takes_a_product_off_sale(site, add_product, db):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot")
    site.admin()

    site.confirm(f"/admin/products/{product['id']}/archive")

    assert db.products.find_one()["active"] is False
    assert "Archived" in site.text("/admin/products")


def test_adjusting_stock_with_a_reason_shows_in_the_ledger(site, add_product, db):
    product = add_product("TEAPOT-CAST", stock=5)
    site.admin()

    response = site.post(f"/admin/products/{product['id']}/stock",
                         {"delta": "-2", "reason": "damaged", "note": "dropped"}, follow_redirects=True)

    html = response.get_data(as_text=True)
    assert db.variants.find_one()["stock"] == 3
    assert "damaged" in html and "-2" in html and "dropped" in html and "initial" in html


@pytest.mark.parametrize("data, field, message", [
    ({"delta": "0", "reason": "restock"}, "delta", "Must not be zero."),
    ({"delta": "-9", "reason": "damaged"}, "delta", "Stock cannot go below zero: 5 in stock."),
    ({"delta": "3", "reason": "stolen"}, "reason", "Choose a reason: one of restock, correction, damaged, returned."),
])
def test_a_bad_stock_adjustment_is_shown_next_to_its_field(site, add_product, db, data, field, message):
    product = add_product("TEAPOT-CAST", stock=5)
    site.admin()

    response = site.post(f"/admin/products/{product['id']}/stock", data)

    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), field) == [message]
    assert db.variants.find_one()["stock"] == 5


def test_orders_filter_by_status(site, paid_order):
    site.admin()

    paid, delivered = site.text("/admin/orders?status=paid"), site.text("/admin/orders?status=delivered")

    assert f"/admin/orders/{paid_order}" in paid
    assert f"/admin/orders/{paid_order}" not in delivered


def test_an_admin_ships_then_delivers_a_paid_order(site, paid_order, db):
    site.admin()

    page = site.text(f"/admin/orders/{paid_order}")
    shipped = site.post(f"/admin/orders/{paid_order}/status", {"status": "shipped"}, follow_redirects=True)
    site.post(f"/admin/orders/{paid_order}/status", {"status": "delivered"})

    assert "Mark as shipped" in page and "Cancel order and refund" in page
    assert "is now shipped" in shipped.get_data(as_text=True)
    assert [entry["status"] for entry in db.orders.find_one()["history"]] == ["placed", "paid", "shipped", "delivered"]


def test_a_move_the_state_machine_refuses_is_explained(site, paid_order, db):
    site.admin()

    response = site.post(f"/admin/orders/{paid_order}/status", {"status": "delivered"}, follow_redirects=True)

    assert "An order that is paid cannot become delivered." in response.get_data(as_text=True)
    assert db.orders.find_one()["status"] == "paid"


def test_an_admin_cancels_a_paid_order_which_refunds_and_restocks(site, paid_order, db):
    site.admin()

    site.confirm(f"/admin/orders/{paid_order}/cancel")

    order = db.orders.find_one()
    assert order["status"] == "cancelled" and order["payment"]["status"] == "refunded"
    assert db.variants.find_one()["stock"] == 5
