"""Security headers on every response, session cookie flags, and errors that
are logged with the request id the client sees, never shown with their text."""
import logging

import pytest

from tests.conftest import TEST_SETTINGS, started_app

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SECRET = "db password is hunter2"


@pytest.fixture
def app(settings):
    app = started_app({**TEST_SETTINGS, **settings})

    def explode():
        raise RuntimeError(SECRET)

    app.add_url_rule("/api/v1/explode", "explode_api", explode)
    app.add_url_rule("/explode", "explode_page", explode)
    return app


@pytest.mark.parametrize("method, path", [
    ("get", "/"), ("get", "/products"), ("get", "/login"), ("get", "/static/css/site.css"), ("get", "/healthz"),
    ("get", "/robots.txt"), ("get", "/api/v1/products"), ("get", "/api/v1/openapi.json"), ("get", "/api/v1/me"),
    ("get", "/api/v1/nowhere"), ("delete", "/api/v1/products"), ("post", "/api/v1/auth/tokens"),
    ("get", "/no-such-page"), ("get", "/api/v1/explode"), ("get", "/explode"),
])
def test_every_response_carries_the_security_headers(client, method, path):
    response = getattr(client, method)(path)
    response.close()

    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (path, response.status_code, name)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("X-Request-Id")


def test_pages_carry_no_inline_script_that_the_policy_would_block(client):
    for path in ("/", "/products", "/login", "/register", "/cart"):
        page = client.get(path).get_data(as_text=True).lower()
        assert "<script>" not in page and " onclick=" not in page and "javascript:" not in page, path


def test_the_session_cookie_is_http_only_and_same_site_lax(client, register):
    register("ada@example.com")

    response = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})

    cookie = response.headers["Set-Cookie"]
    assert response.status_code == 302
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http on loopback


def test_in_production_the_session_cookie_is_secure_too(monkeypatch):
    monkeypatch.setenv("SHOP_ENV", "production")
    app = started_app({**TEST_SETTINGS, "SECRET_KEY": "a-production-secret", "SHOP_BASE_URL": "https://shop.example.com"})
    client = app.test_client()
    client.post("/api/v1/auth/register", json={"email": "ada@example.com", "password": "correct horse battery",
                                               "name": "Ada"})

    response = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})

    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        started_app({**TEST_SETTINGS, "SECRET_KEY": None, "SHOP_BASE_URL": "https://shop.example.com"})


def test_production_refuses_to_start_without_its_base_url(monkeypatch):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.delenv("SHOP_BASE_URL", raising=False)

    with pytest.raises(RuntimeError, match="SHOP_BASE_URL"):
        started_app({**TEST_SETTINGS, "SECRET_KEY": "a-production-secret"})


@pytest.mark.parametrize("base_url", ["shop.example.com", "ftp://shop.example.com", "https://", "https://x.com/?a=1"])
def test_a_base_url_that_is_not_an_origin_is_refused_at_start(base_url):
    with pytest.raises(RuntimeError, match="SHOP_BASE_URL"):
        started_app({**TEST_SETTINGS, "SHOP_BASE_URL": base_url})


def test_an_unexpected_error_is_logged_with_the_request_id_the_client_gets_and_never_shown(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/explode")

    request_id = response.headers["X-Request-Id"]
    assert response.status_code == 500
    assert response.get_json() == {"error": {"code": "internal", "details": {},
                                             "message": response.get_json()["error"]["message"]}}
    assert SECRET not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged, "the error should be logged with the request id"
    assert logged[0].exc_info and SECRET in str(logged[0].exc_info[1])


def test_an_unexpected_error_on_a_page_shows_the_error_page_without_its_text(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/explode", headers={"Accept": "text/html"})

    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text
    assert any(response.headers["X-Request-Id"] in r.getMessage() for r in caplog.records)


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-Id"] for _ in range(5)}

    assert len(ids) == 5
