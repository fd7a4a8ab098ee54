"""Cross-site request forgery on every form, and open redirects after log-in.

The CSRF test finds the site's POST routes in the app's URL map, so a form
added later is covered without editing this file; it posts as a logged-in
admin (a forged request carries the victim's cookie) and checks that nothing
changed."""
import re
from urllib.parse import urlsplit

import pytest

from shop.errors import FORM_EXPIRED, FORM_EXPIRED_KEPT
from tests.conftest import ADDRESS, TEST_SETTINGS, add_checkout_settings, add_guest_order, started_app
from tests.invariants import stored_state
from tests.web.image_files import multipart, picture_bytes


def token_on(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def csrf_client():
    app = started_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True})
    api = app.test_client()
    admin_token = api.post("/api/v1/auth/tokens", json={"email": "admin@example.com",
                                                        "password": "admin-password-1"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {admin_token}"}
    # Sold in two colours, so that every form that names a variant names one.
    product = api.post("/api/v1/products", json={
        "name": "Retro Clock", "price": 3450, "options": [{"name": "Colour", "values": ["Red", "Blue"]}],
        "variants": [{"sku": "RETRO-CLOCK-RED", "options": {"Colour": "Red"}, "stock": 10},
                     {"sku": "RETRO-CLOCK-BLUE", "options": {"Colour": "Blue"}, "stock": 10}],
    }, headers=headers).get_json()
    red = product["variants"][0]["id"]
    order = api.post("/api/v1/orders", json={"items": [{"product_id": product["id"], "variant_id": red, "quantity": 1}],
                                             "shipping_address": ADDRESS}, headers=headers).get_json()
    category = api.post("/api/v1/categories", json={"name": "Clocks"}, headers=headers).get_json()
    body, content_type = multipart({"alt": "The clock"}, picture_bytes())
    image = api.post(f"/api/v1/products/{product['id']}/images", data=body, content_type=content_type,
                     headers=headers).get_json()
    guest = add_guest_order(app, product["id"], red)
    # Two saved addresses: the forged forms target the second, which is not the default.
    address_id = [api.post("/api/v1/me/addresses", json=dict(ADDRESS, name=f"Admin {n}"),
                           headers=headers).get_json()["id"]
                  for n in range(2)][1]
    settings = add_checkout_settings(
        lambda path, body: api.post("/api/v1" + path, json=body, headers=headers).get_json())
    browser = app.test_client()
    login = browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1",
                                         "csrf_token": token_on(browser, "/login")})
    assert login.status_code == 302
    browser.post("/cart/items", data={"product_id": product["id"], "variant_id": red, "quantity": "1",
                                      "csrf_token": token_on(browser, "/products/retro-clock")})
    assert app.extensions["mongo_db"].carts.count_documents({}) == 1
    return app, browser, {"product_id": product["id"], "order_id": order["id"], "slug": "retro-clock",
                          "variant_id": red, "line_id": red, "category_id": category["id"], "image_id": image["id"],
                          "address_id": address_id,
                          **guest, **settings}


def site_form_posts(app, ids):
    """Every POST route of the HTML site, with its path filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        paths.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: ids[m.group(1)], rule.rule))
    return sorted(paths)


PLAUSIBLE_FORM = {"quantity": "2", "delta": "5", "reason": "restock", "status": "shipped", "name": "Forged",
                  "price": "1.00", "sku": "FORGED-1", "stock": "3", "email": "x@example.com",
                  "password": "correct horse battery", "card_number": "4242424242424242", "exp_month": "12",
                  "exp_year": "2099", "cvc": "123", "idempotency_key": "forged-key-0123456789", "alt": "Forged alt",
                  "position": "0", "code": "FORGED10", **ADDRESS}


def plausible_form(ids):
    """What a forged post would carry: every field a site form reads, for a real product."""
    return dict(PLAUSIBLE_FORM, product_id=ids["product_id"], variant_id=ids["variant_id"], o0="Blue")


def test_every_site_form_refuses_a_post_without_its_csrf_token_and_changes_nothing(csrf_client):
    app, browser, ids = csrf_client
    db = app.extensions["mongo_db"]
    posts = site_form_posts(app, ids)
    assert len(posts) >= 10, posts
    before = stored_state(db)
    cart_before = list(db.carts.find({}, {"_id": 0}))

    for path in posts:
        response = browser.post(path, data=plausible_form(ids))
        assert response.status_code == 400, (path, response.status_code)
        forged_token = browser.post(path, data=dict(plausible_form(ids), csrf_token="forged." + "a" * 40))
        assert forged_token.status_code == 400, path

    assert stored_state(db) == before
    assert list(db.carts.find({}, {"_id": 0})) == cart_before
    assert browser.get("/admin/").status_code == 200  # and the admin is still logged in


def test_a_csrf_token_from_another_browsers_session_is_refused(csrf_client):
    app, browser, ids = csrf_client
    stranger = app.test_client()
    foreign_token = token_on(stranger, "/login")
    stock = app.extensions["mongo_db"].variants.find_one({"sku": "RETRO-CLOCK-RED"})["stock"]

    response = browser.post(f"/admin/products/{ids['product_id']}/stock",
                            data={"variant_id": ids["variant_id"], "delta": "5", "reason": "restock", "note": "",
                                  "csrf_token": foreign_token})

    assert response.status_code == 400
    assert app.extensions["mongo_db"].variants.find_one({"sku": "RETRO-CLOCK-RED"})["stock"] == stock


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example", "\\\\evil.example",
    "https:evil.example", "javascript:alert(1)", "http://localhost.evil.example/", "/%2F%2Fevil.example",
    " //evil.example", "\t//evil.example", "/\t/evil.example", "data:text/html,<script>alert(1)</script>",
])
def test_logging_in_never_redirects_off_the_site(client, register, target):
    register("ada@example.com")

    response = client.post(f"/login?next={target}", data={"email": "ada@example.com",
                                                          "password": "correct horse battery", "next": target})

    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location


def test_logging_in_follows_a_next_path_inside_the_site(client, register):
    register("ada@example.com")

    response = client.post("/login?next=/orders", data={"email": "ada@example.com",
                                                         "password": "correct horse battery", "next": "/orders"})

    assert response.headers["Location"] == "/orders"


def keeps_typed_input(app, path):
    """Whether the view behind a POST path shows its form again when it expired."""
    endpoint, _ = app.url_map.bind("localhost").match(path, method="POST")
    view = app.view_functions[endpoint]
    return f"{view.__module__}.{view.__name__}" in app.extensions["csrf"]._exempt_views


def test_every_expired_form_says_so_and_a_typed_form_comes_back_with_what_was_typed(csrf_client):
    app, browser, ids = csrf_client
    typed_forms = 0

    for path in site_form_posts(app, ids):
        response = browser.post(path, data=plausible_form(ids))

        text = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert "CSRF" not in text, path
        if keeps_typed_input(app, path):
            typed_forms += 1
            assert FORM_EXPIRED_KEPT in text, path
            shown_back = re.findall(r'<input[^>]*value="([^"]*)"', text)
            assert set(shown_back) & set(PLAUSIBLE_FORM.values()), (path, shown_back)
            assert 'name="csrf_token"' in text, path  # a fresh token: sending it again works
        else:  # a button: nothing was typed, so the page says to reload
            assert FORM_EXPIRED in text, path
    assert typed_forms >= 8


def test_an_expired_form_sent_again_from_the_page_it_came_back_on_works(csrf_client):
    app, _, _ = csrf_client
    visitor = app.test_client()
    typed = {"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse battery"}

    expired = visitor.post("/register", data=typed)
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400
    assert 'value="Ada Lovelace"' in page and 'value="ada@example.com"' in page
    assert "correct horse battery" not in page  # a password is never shown back
    assert app.extensions["mongo_db"].users.count_documents({"email": "ada@example.com"}) == 0

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    sent_again = visitor.post("/register", data={**typed, "csrf_token": token})

    assert sent_again.status_code == 302
    assert app.extensions["mongo_db"].users.count_documents({"email": "ada@example.com"}) == 1
