"""Cancelling an order and archiving a product take two steps on the site: a page that says
what will happen, then "Yes" (a form with its CSRF token and an optional reason)."""
import html as html_text

import pytest

from tests.conftest import ADDRESS, GOOD_CARD, Api, login_token
from tests.web.site_helpers import ADMIN_LOGIN, Site, csrf_token, field_errors, input_value

CARD = {"card_number": "4242424242424242", "exp_month": "12", "exp_year": "2099", "cvc": "123"}


@pytest.fixture
def teapot(add_product):
    return add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5)


@pytest.fixture
def order_path(site, teapot):
    """The shopper's (signed in on `site`) placed order for 2 of 5 teapots."""
    site.shopper()
    return site.buy(teapot, 2)


@pytest.fixture
def paid_path(order_path, site):
    assert site.post(f"{order_path}/pay", CARD).status_code == 302
    return order_path


def stock(db):
    return db.variants.find_one()["stock"]


def text(response):
    return html_text.unescape(response.get_data(as_text=True))


# Cancelling, as the shopper ------------------------------------------------


def test_the_order_page_links_to_the_cancel_step_and_has_no_one_click_cancel(site, order_path):
    page = site.text(order_path)

    assert f'href="{order_path}/cancel"' in page
    assert f'action="{order_path}/cancel"' not in page


def test_opening_the_cancel_step_changes_nothing_and_says_what_will_happen(site, paid_path, db):
    response = site.get(f"{paid_path}/cancel")

    page = text(response)
    assert response.status_code == 200
    assert "Its 2 units go back to stock." in page
    assert "The payment of $118.00 is refunded to the Visa card ending 4242." in page
    assert "Yes, cancel" in page and f'<a class="button secondary" href="{paid_path}">Keep it</a>' in page
    assert db.orders.find_one()["status"] == "paid" and stock(db) == 3


def test_the_cancel_step_of_an_unpaid_order_says_nothing_is_refunded(site, order_path):
    page = text(site.get(f"{order_path}/cancel"))

    assert "Nothing was paid, so nothing is refunded." in page and "is refunded to" not in page


def test_saying_yes_with_a_reason_cancels_and_the_reason_is_in_the_history(site, paid_path, db):
    response = site.post(f"{paid_path}/cancel", {"reason": "  Found a cheaper one "}, follow_redirects=True)

    order = db.orders.find_one()
    assert order["status"] == "cancelled" and order["payment"]["status"] == "refunded" and stock(db) == 5
    assert order["history"][-1]["reason"] == "Found a cheaper one"
    assert "is cancelled" in text(response) and "Reason: Found a cheaper one" in text(response)


def test_saying_yes_without_a_reason_cancels_with_none(site, order_path, db):
    site.post(f"{order_path}/cancel", {"reason": ""})

    order = db.orders.find_one()
    assert order["status"] == "cancelled" and "reason" not in order["history"][-1]


def test_a_reason_too_long_comes_back_next_to_its_field_and_cancels_nothing(site, order_path, db):
    response = site.post(f"{order_path}/cancel", {"reason": "why " * 130})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "reason") == ["Enter a reason of at most 500 characters."]
    assert input_value(page, "reason").startswith("why why")
    assert db.orders.find_one()["status"] == "placed" and stock(db) == 3


def test_the_cancel_step_of_an_order_that_cannot_be_cancelled_says_so(site, order_path, db):
    site.post(f"{order_path}/cancel")

    response = site.get(f"{order_path}/cancel", follow_redirects=True)

    assert "An order that is cancelled cannot become cancelled." in text(response)
    assert len(db.orders.find_one()["history"]) == 2  # placed, cancelled: once


def test_another_shoppers_cancel_step_is_a_404(order_path, other_site, db):
    other_site.shopper("bob@example.com")

    assert other_site.get(f"{order_path}/cancel").status_code == 404
    assert other_site.post(f"{order_path}/cancel", {"reason": "mine now"}).status_code == 404
    assert db.orders.find_one()["status"] == "placed"


# Cancelling, in the back office -------------------------------------------


def test_an_admin_cancels_in_two_steps_and_the_order_page_shows_the_reason(site, other_site, teapot, db):
    other_site.shopper("ada@example.com")
    order_id = other_site.buy(teapot, 2).rsplit("/", 1)[1]
    site.admin()

    order_page = site.text(f"/admin/orders/{order_id}")
    step = text(site.get(f"/admin/orders/{order_id}/cancel"))
    assert db.orders.find_one()["status"] == "placed"
    site.post(f"/admin/orders/{order_id}/cancel", {"reason": "Out of stock at the warehouse"})

    assert f'href="/admin/orders/{order_id}/cancel"' in order_page
    assert f'action="/admin/orders/{order_id}/cancel"' not in order_page
    assert "ada@example.com gets an e-mail saying so" in step and "Its 2 units go back to stock." in step
    entry = db.orders.find_one()["history"][-1]
    assert (entry["status"], entry["reason"]) == ("cancelled", "Out of stock at the warehouse")
    assert "Reason: Out of stock at the warehouse" in site.text(f"/admin/orders/{order_id}")
    assert "Reason: Out of stock at the warehouse" in other_site.text(f"/orders/{order_id}")
    assert stock(db) == 5


# Archiving ----------------------------------------------------------------


def test_the_products_list_links_to_the_archive_step(site, teapot):
    site.admin()

    page = site.text("/admin/products")

    assert f'href="/admin/products/{teapot["id"]}/archive"' in page
    assert f'action="/admin/products/{teapot["id"]}/archive"' not in page


def test_opening_the_archive_step_changes_nothing_and_says_what_will_happen(site, teapot, db):
    site.admin()

    page = text(site.get(f"/admin/products/{teapot['id']}/archive"))

    assert "Cast Iron Teapot leaves the shop" in page and "Past orders keep their copy of it" in page
    assert "Yes, archive" in page
    assert db.products.find_one()["active"] is True and "history" not in db.products.find_one()


def test_archiving_with_a_reason_keeps_it_in_the_products_history_on_its_admin_page(site, teapot, db, anonymous):
    site.admin()

    site.post(f"/admin/products/{teapot['id']}/archive", {"reason": "Discontinued by the maker"})

    stored = db.products.find_one()
    assert stored["active"] is False
    [entry] = stored["history"]
    assert entry["action"] == "archived" and entry["reason"] == "Discontinued by the maker" and entry["by"]
    page = site.text(f"/admin/products/{teapot['id']}/edit")
    assert "Archived" in page and "Reason: Discontinued by the maker" in page


def test_putting_a_product_back_on_sale_is_kept_in_its_history_too(site, teapot, db):
    site.admin()
    site.post(f"/admin/products/{teapot['id']}/archive", {"reason": "Discontinued"})

    site.post(f"/admin/products/{teapot['id']}/edit", {"name": "Cast Iron Teapot", "slug": "cast-iron-teapot",
                                                       "price": "59.00", "active": "y"})

    assert db.products.find_one()["active"] is True
    assert [entry["action"] for entry in db.products.find_one()["history"]] == ["archived", "reactivated"]
    page = site.text(f"/admin/products/{teapot['id']}/edit")
    assert page.index("Reactivated") < page.index("Archived")  # newest first


def test_a_products_history_never_reaches_its_public_json(site, teapot, admin):
    site.admin()
    site.post(f"/admin/products/{teapot['id']}/archive", {"reason": "Discontinued"})

    product = admin.get(f"/products/{teapot['id']}").get_json()

    assert product["active"] is False and "history" not in product


def test_the_archive_step_of_an_archived_product_says_so(site, teapot, db):
    site.admin()
    site.post(f"/admin/products/{teapot['id']}/archive")

    response = site.get(f"/admin/products/{teapot['id']}/archive", follow_redirects=True)

    assert "Cast Iron Teapot is archived already." in text(response)
    assert len(db.products.find_one()["history"]) == 1


def test_a_shopper_cannot_open_the_archive_step(site, teapot):
    site.shopper()

    assert site.get(f"/admin/products/{teapot['id']}/archive").status_code == 403


# The CSRF token ------------------------------------------------------------


@pytest.fixture
def real_site(csrf_app):
    """An admin signed in on the app with CSRF checks on, a product, and an order of theirs."""
    client = csrf_app.test_client()
    api = Api(client, login_token(client, ADMIN_LOGIN["email"], ADMIN_LOGIN["password"]))
    product = client.post("/api/v1/products", json={"sku": "TEAPOT-CAST", "name": "Cast Iron Teapot", "price": 5900,
                                                   "stock": 5}, headers=api.headers()).get_json()
    order = client.post("/api/v1/orders", json={"items": [{"product_id": product["id"], "quantity": 2}],
                                                "shipping_address": ADDRESS}, headers=api.headers()).get_json()
    client.post(f"/api/v1/orders/{order['id']}/payments", json=GOOD_CARD, headers=api.headers())
    browser = Site(csrf_app.test_client())
    token = csrf_token(browser.text("/login"))
    assert browser.post("/login", dict(ADMIN_LOGIN, csrf_token=token)).status_code == 302
    return browser, csrf_app.extensions["mongo_db"], product, order


@pytest.mark.parametrize("path", ["/admin/orders/{order}/cancel", "/orders/{order}/cancel",
                                  "/admin/products/{product}/archive"])
def test_saying_yes_needs_the_pages_csrf_token_and_the_typed_reason_is_kept(real_site, path):
    browser, db, product, order = real_site
    path = path.format(order=order["id"], product=product["id"])
    before = (db.orders.find_one()["status"], db.products.find_one()["active"])

    refused = browser.post(path, {"reason": "No longer wanted"})
    forged = browser.post(path, {"reason": "No longer wanted", "csrf_token": "forged." + "a" * 40})

    assert refused.status_code == 400 and forged.status_code == 400
    assert input_value(refused.get_data(as_text=True), "reason") == "No longer wanted"
    assert (db.orders.find_one()["status"], db.products.find_one()["active"]) == before
    token = csrf_token(browser.text(path))
    assert browser.post(path, {"reason": "No longer wanted", "csrf_token": token}).status_code == 302
    assert (db.orders.find_one()["status"], db.products.find_one()["active"]) != before
