"""Where the shop takes its origin and the client's address from: `SHOP_BASE_URL` and
`TRUSTED_PROXIES`, never the request's headers; and links built only from a page's
own filters, whatever the query string holds."""
import re

import pytest
import requests

from shop.config import SERVER_BODY_LIMIT, waitress_options
from tests.conftest import ADDRESS, TEST_SETTINGS, add_checkout_settings, add_guest_order, started_app
from tests.serving import Served
from tests.web.image_files import uploaded

BASE_URL = "https://shop.example.com"
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher",
           "Forwarded": "host=evil.example;proto=gopher"}


@pytest.fixture
def settings():
    return {"SHOP_BASE_URL": BASE_URL}


@pytest.fixture
def ids(app, admin, add_product, place_order, register):
    category = admin.post("/categories", json={"name": "Clocks"}).get_json()
    clock = add_product("RETRO-CLOCK", stock=10, category_ids=[category["id"]])
    shopper = register("ada@example.com")
    order = place_order(shopper, [(clock, 1)]).get_json()
    image = uploaded(admin, clock["id"])
    address = shopper.post("/me/addresses", json=ADDRESS).get_json()
    return {"address_id": address["id"], "user_id": shopper.user["id"], "product_id": clock["id"],
            "order_id": order["id"], "slug": clock["slug"], "category_id": category["id"],
            "image_id": image["id"], "file_name": image["urls"]["640"].rpartition("/")[2],
            "variant_id": clock["id"], "line_id": clock["id"],
            **add_guest_order(app, clock["id"]),
            **add_checkout_settings(lambda path, body: admin.post(path, json=body).get_json())}


def get_routes(app, ids):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            paths.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: ids[match.group(1)], rule.rule))
    return sorted(paths)


def test_no_page_or_answer_takes_its_origin_from_the_request_headers(app, client, admin, ids):
    paths = get_routes(app, ids)
    assert "/sitemap.xml" in paths and "/robots.txt" in paths and len(paths) >= 15

    for path in paths:
        for headers in (HOSTILE, {**HOSTILE, **admin.headers()}):
            response = client.get(path, headers=headers)
            seen = response.get_data().decode("utf-8", "replace") + repr(dict(response.headers))  # an image too
            assert "evil.example" not in seen and "gopher" not in seen, path


def test_canonical_links_the_sitemap_and_robots_use_the_configured_origin(client, ids):
    product_page = client.get(f"/products/{ids['slug']}", headers=HOSTILE).get_data(as_text=True)
    sitemap = client.get("/sitemap.xml", headers=HOSTILE).get_data(as_text=True)
    robots = client.get("/robots.txt", headers=HOSTILE).get_data(as_text=True)
    category_page = client.get("/categories/clocks?page=2", headers=HOSTILE).get_data(as_text=True)

    assert f'<link rel="canonical" href="{BASE_URL}/products/retro-clock">' in product_page
    assert f'<link rel="canonical" href="{BASE_URL}/categories/clocks?page=2">' in category_page
    assert set(re.findall(r"<loc>([^<]+)</loc>", sitemap)) == {
        f"{BASE_URL}/", f"{BASE_URL}/products", f"{BASE_URL}/products/retro-clock", f"{BASE_URL}/categories",
        f"{BASE_URL}/categories/clocks"}
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in robots


def test_a_redirect_never_names_the_requests_host(client, ids):
    response = client.get(f"/products/{ids['product_id']}", headers=HOSTILE)

    assert response.status_code == 301
    assert response.headers["Location"] == "/products/retro-clock"


def test_development_falls_back_to_the_listening_address_never_to_the_host_header():
    app = started_app({**TEST_SETTINGS, "HOST": "0.0.0.0", "PORT": 8123})

    sitemap = app.test_client().get("/sitemap.xml", headers=HOSTILE).get_data(as_text=True)

    assert "<loc>http://127.0.0.1:8123/</loc>" in sitemap


def test_query_arguments_never_reach_the_links_a_page_builds(client, add_product):
    for n in range(14):  # two pages of the catalogue
        add_product(f"CLOCK-{n}", stock=1, name=f"Clock {n}")
    hostile = "endpoint=site.home&_method=POST&_anchor=x&_external=1&_scheme=javascript&values=1"

    for path in ("/products", "/admin/products"):
        response = client.get(f"{path}?q=clock&sort=name&{hostile}")
        if path.startswith("/admin"):
            assert response.status_code == 302  # the visitor is sent to log in, by a plain link
            continue
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        links = re.findall(r'<a rel="next" href="([^"]+)"', page)
        assert links == ["/products?page=2&amp;q=clock&amp;sort=name"]


def test_the_admins_catalogue_links_keep_only_its_filters(app, admin_site):
    response = admin_site.get("/admin/products?q=clock&_anchor=x&_external=1")
    assert response.status_code == 200
    assert "#x" not in response.get_data(as_text=True) and "http://" not in response.get_data(as_text=True)


@pytest.fixture
def admin_site(app, add_product):
    for n in range(30):
        add_product(f"CLOCK-{n}", stock=1, name=f"Clock {n}")
    browser = app.test_client()
    login = browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1"})
    assert login.status_code == 302
    return browser


class TestTheClientAddress:
    LIMIT = 2  # failed logins per email; four times this per client address

    @pytest.fixture
    def settings(self):
        return {"LOGIN_MAX_FAILURES": self.LIMIT, "LOGIN_FAILURE_WINDOW_SECONDS": 600}

    def fail_from(self, client, forwarded_for, count):
        """`count` failed logins, each for another email, from one proxy, as different clients."""
        statuses = []
        for n in range(count):
            response = client.post("/api/v1/auth/tokens", json={"email": f"guess{n}@example.com", "password": "nope"},
                                   headers={"X-Forwarded-For": forwarded_for(n)},
                                   environ_base={"REMOTE_ADDR": "10.9.9.9"})
            statuses.append(response.status_code)
        return statuses

    def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(self, client):
        statuses = self.fail_from(client, lambda n: f"203.0.113.{n}", 4 * self.LIMIT + 1)

        assert statuses == [401] * (4 * self.LIMIT) + [429]  # one client: the address that connected

    def test_behind_one_trusted_proxy_each_client_has_its_own_limit(self, settings):
        app = started_app({**TEST_SETTINGS, **settings, "TRUSTED_PROXIES": 1})

        statuses = self.fail_from(app.test_client(), lambda n: f"198.51.100.7, 203.0.113.{n}", 4 * self.LIMIT + 1)

        assert statuses == [401] * (4 * self.LIMIT + 1)  # each its own address: none limited

    def test_behind_one_trusted_proxy_a_client_cannot_pose_as_many(self, settings):
        app = started_app({**TEST_SETTINGS, **settings, "TRUSTED_PROXIES": 1})

        # The client's own forged entries come first; the proxy appends the address it saw.
        statuses = self.fail_from(app.test_client(), lambda n: f"192.0.2.{n}, 203.0.113.5", 4 * self.LIMIT + 1)

        assert statuses[-1] == 429

    @pytest.mark.parametrize("proxies", [1, 2])
    def test_served_as_wsgi_py_serves_it_each_client_behind_the_proxies_has_its_own_limit(self, settings, proxies):
        app = started_app({**TEST_SETTINGS, **settings, "TRUSTED_PROXIES": proxies})
        # Each proxy appends the address it saw; the last one connects (from 127.0.0.1).
        between = ", 10.0.0.2" * (proxies - 1)
        served = Served(app, **waitress_options(app.config))
        try:
            apart = self.fail_through(served, lambda n: f"203.0.113.{n}{between}")
            posing = self.fail_through(served, lambda n: f"192.0.2.{n}, 198.51.100.5{between}")
        finally:
            served.stop()

        assert apart == [401] * (4 * self.LIMIT + 1)  # each its own address: none limited
        assert posing == [401] * (4 * self.LIMIT) + [429]  # forged entries are not the client

    def fail_through(self, served, forwarded_for):
        """`fail_from`, through the real server."""
        return [requests.post(served.url + "/api/v1/auth/tokens", json={"email": f"guess{n}@example.com",
                                                                         "password": "nope"},
                              headers={"X-Forwarded-For": forwarded_for(n)}, timeout=10).status_code
                for n in range(4 * self.LIMIT + 1)]


def test_waitress_cuts_off_a_body_over_the_servers_own_limit(app):
    served = Served(app, max_request_body_size=waitress_options(app.config)["max_request_body_size"])
    try:
        url = served.url + "/api/v1/orders"

        def chunks():
            for _ in range(SERVER_BODY_LIMIT // 65536 + 2):
                yield b"x" * 65536

        over_server = requests.post(url, data=chunks(), headers={"Content-Type": "application/json"}, timeout=60)
        over_app = requests.post(url, data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                 headers={"Content-Type": "application/json"}, timeout=60)
    finally:
        served.stop()

    assert over_server.status_code == 413  # waitress's own answer, not the app's
    assert over_app.status_code == 413
    assert over_app.json()["error"]["code"] == "payload_too_large"
