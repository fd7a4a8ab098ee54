"""Register (which logs in), log in, log out in the browser; CSRF on every form; no open redirects."""
import re
from urllib.parse import quote

import pytest

from tests.web.site_helpers import csrf_token, field_errors, input_value


def test_register_and_login_pages_render_their_forms(site):
    register, login = site.text("/register"), site.text("/login")

    for field_id in ("name", "email", "password"):
        assert f'<label for="{field_id}">' in register
    assert '<label for="email">' in login and '<label for="password">' in login


def test_registering_shows_each_schema_error_next_to_its_field_and_keeps_what_was_typed(site):
    response = site.post("/register", {"name": "  ", "email": "not-an-email", "password": "tinypw1"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "name") == ["Enter a name: it cannot be only spaces."]
    assert field_errors(html, "email") == ["Enter an email address, such as ada@example.com."]
    assert field_errors(html, "password") == ["Enter a password of 10 to 128 characters."]
    assert input_value(html, "email") == "not-an-email"
    assert input_value(html, "password") in (None, "")
    assert "tinypw1" not in html


def test_registering_a_taken_email_says_so_next_to_the_email(site):
    site.register("ada@example.com")

    response = site.post("/register", {"name": "Ada", "email": "ADA@example.com", "password": "another password"})

    assert field_errors(response.get_data(as_text=True), "email") == ["Already registered."]


def test_registering_logs_the_new_shopper_in_and_welcomes_them_as_new(site, db):
    response = site.register("ada@example.com", name="Ada Shopper")
    assert response.headers["Location"] == "/"
    assert db.users.find_one({"email": "ada@example.com"})["role"] == "customer"

    html = site.text("/")

    assert "Welcome, Ada Shopper. Your account is ready." in html
    assert "Welcome back" not in html
    assert "My orders" in html and "Log out" in html
    assert site.get("/orders").status_code == 200


def test_logging_in_after_registering_greets_the_shopper_back(site):
    site.register("ada@example.com", name="Ada Shopper")
    site.logout()

    response = site.login("ada@example.com", follow_redirects=True)

    assert "Welcome back, Ada Shopper." in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/checkout", "/checkout"),
    ("/products?q=tea", "/products?q=tea"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("javascript:alert(1)", "/"),
])
def test_registering_follows_next_only_inside_the_site(site, target, expected):
    response = site.post(f"/register?next={quote(target)}", {"email": "ada@example.com",
                                                            "password": "correct horse battery", "name": "Ada"})

    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_registering_carries_the_visitors_cart_over(site, add_product, db):
    teapot = add_product("TEAPOT-CAST")
    site.add_to_cart(teapot, 2)

    site.register("ada@example.com")

    carts = list(db.carts.find())
    assert len(carts) == 1 and carts[0]["owner"].startswith("user:")
    assert carts[0]["items"] == {teapot["id"]: 2}


def test_a_wrong_password_is_refused_on_the_form_without_echoing_it(site):
    site.register("ada@example.com")

    response = site.login("ada@example.com", "wrong password!")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The email or password is not correct." in html
    assert input_value(html, "email") == "ada@example.com"
    assert "wrong password!" not in html


def test_repeated_wrong_passwords_are_rate_limited(site):
    site.register("ada@example.com")
    for _ in range(5):
        site.login("ada@example.com", "wrong password!")

    response = site.login("ada@example.com")

    assert "Too many failed log-ins. Try again in 15 minutes." in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/checkout", "/checkout"),
    ("/products?q=tea", "/products?q=tea"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_follows_next_only_inside_the_site(site, target, expected):
    site.register("ada@example.com")

    response = site.post("/login", {"email": "ada@example.com", "password": "correct horse battery", "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_a_protected_page_sends_a_visitor_to_log_in_and_back(site):
    response = site.get("/orders")
    login_page = site.text(response.headers["Location"])

    assert response.headers["Location"] == "/login?next=%2Forders"
    assert input_value(login_page, "next") == "/orders"


def test_logging_out_is_a_post_and_ends_the_session(site):
    site.shopper()

    assert site.get("/logout").status_code == 405
    response = site.logout()

    assert response.status_code == 302
    assert site.get("/orders").status_code == 302


# A visitor's forms; every form of the site, as a logged-in admin, is in tests/security/test_forms.py.
FORM_POSTS = ["/register", "/login", "/logout"]


@pytest.mark.parametrize("path", FORM_POSTS)
def test_a_form_post_without_a_csrf_token_is_refused_with_400(csrf_app, path):
    client = csrf_app.test_client()

    response = client.post(path, data={"email": "ada@example.com", "password": "correct horse battery"})

    assert response.status_code == 400  # a typed form comes back "had expired", with what was typed
    assert re.search(r"This form ha[sd] expired", response.get_data(as_text=True))


def test_a_form_post_with_the_pages_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/register").get_data(as_text=True))

    response = client.post("/register", data={
        "csrf_token": token, "name": "Ada", "email": "ada@example.com", "password": "correct horse battery",
    })

    assert response.status_code == 302


def test_the_json_api_needs_no_csrf_token(csrf_app):
    response = csrf_app.test_client().post("/api/v1/auth/register", json={
        "name": "Ada", "email": "ada@example.com", "password": "correct horse battery",
    })

    assert response.status_code == 201
