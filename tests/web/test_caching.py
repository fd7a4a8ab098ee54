"""HTTP caching: the public catalogue revalidates with a 304, nothing private is stored."""
import pytest


def test_the_public_product_list_carries_an_etag_and_a_short_public_lifetime(anonymous, add_product):
    add_product("RETRO-CLOCK")

    response = anonymous.get("/products")

    assert response.status_code == 200
    assert response.headers["ETag"]
    assert response.headers["Cache-Control"] == "public, max-age=30"
    assert "Authorization" in response.headers["Vary"]


def test_a_conditional_get_with_a_matching_etag_is_answered_304_without_a_body(anonymous, add_product):
    product = add_product("RETRO-CLOCK")
    for path in ("/products", f"/products/{product['id']}", f"/products/{product['slug']}"):
        etag = anonymous.get(path).headers["ETag"]

        again = anonymous.get(path, headers={"If-None-Match": etag})

        assert again.status_code == 304, path
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag


def test_a_changed_product_gets_a_new_etag_so_a_stale_copy_is_replaced(anonymous, admin, add_product):
    product = add_product("RETRO-CLOCK", price=3450)
    etag = anonymous.get(f"/products/{product['id']}").headers["ETag"]

    admin.patch(f"/products/{product['id']}", json={"price": 3900})
    response = anonymous.get(f"/products/{product['id']}", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.get_json()["price"] == 3900
    assert response.headers["ETag"] != etag


def test_catalogue_answers_to_a_token_holder_are_private_and_never_stored(admin, shopper, add_product):
    product = add_product("RETRO-CLOCK", active=False)

    for api, path in ((shopper, "/products"), (admin, "/products?active=all"), (admin, f"/products/{product['id']}")):
        response = api.get(path)

        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "ETag" not in response.headers


@pytest.mark.parametrize("path", ["/me", "/orders"])
def test_personal_api_answers_are_never_stored(shopper, path):
    assert shopper.get(path).headers["Cache-Control"] == "private, no-store"


def test_tokens_errors_and_writes_are_never_stored(client, anonymous, admin):
    token = client.post("/api/v1/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})
    missing = anonymous.get("/products/no-such-thing")
    created = admin.post("/products", json={"sku": "MUG-STONE", "name": "Stoneware Mug", "price": 1800})

    assert token.headers["Cache-Control"] == "no-store"
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    assert created.status_code == 201 and created.headers["Cache-Control"] == "private, no-store"


def test_an_anonymous_catalogue_page_is_public_and_revalidates(site, add_product):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock")

    response = site.get("/products")
    again = site.get("/products", headers={"If-None-Match": response.headers["ETag"]})

    assert response.headers["Cache-Control"] == "public, max-age=30"
    assert again.status_code == 304


def test_a_page_with_a_csrf_token_stays_in_the_visitors_browser(csrf_app):
    # The add-to-cart form's token belongs to this visitor's session: no shared cache may keep it.
    client = csrf_app.test_client()
    admin = client.post("/api/v1/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})
    client.post("/api/v1/products", json={"sku": "RETRO-CLOCK", "name": "Retro Alarm Clock", "price": 3450, "stock": 5},
                headers={"Authorization": f"Bearer {admin.get_json()['token']}"})

    response = client.get("/products/retro-alarm-clock")

    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]


@pytest.mark.parametrize("path", ["/products", "/products/retro-alarm-clock", "/cart", "/orders"])
def test_pages_for_a_logged_in_shopper_are_never_stored(site, add_product, path):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock")
    site.shopper()

    response = site.get(path)

    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
