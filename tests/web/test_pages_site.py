"""The storefront's public pages: home, catalogue, product page, sitemap, robots, errors."""
import re

import pytest


def test_home_shows_featured_products_in_stock_with_prices_from_minor_units(site, add_product):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=123456, stock=3)
    add_product("OAK-BOARD", name="Oak Board", stock=0)

    html = site.text("/")

    assert "Retro Alarm Clock" in html and "$1,234.56" in html
    assert "Oak Board" not in html


def test_home_shows_the_eight_newest_products_a_shopper_can_buy_now_past_many_that_they_cannot(site, add_product,
                                                                                              admin):
    in_stock = [add_product(f"KEPT-{n}", name=f"Kept Item {n:02d}", stock=2)["name"] for n in range(10)]
    archived = add_product("ARCHIVED", name="Archived Lamp", stock=5)
    admin.patch(f"/products/{archived['id']}", json={"active": False})
    tee = admin.post("/products", json={"name": "Hidden Tee", "price": 2000, "options": [
        {"name": "Size", "values": ["S", "M"]}], "variants": [{"sku": "TEE-S", "options": {"Size": "S"}, "stock": 0},
                                                             {"sku": "TEE-M", "options": {"Size": "M"}, "stock": 4}]})
    admin.patch(f"/products/{tee.get_json()['id']}/variants/{tee.get_json()['variants'][1]['id']}",
                json={"active": False})  # its only units are in a variant off sale
    for n in range(30):  # newer than every product in stock: more than one read's worth
        add_product(f"GONE-{n}", name=f"Sold Out Item {n:02d}", stock=0)

    html = site.text("/")

    shown = re.findall(r"Kept Item \d\d|Sold Out Item \d\d|Archived Lamp|Hidden Tee", html)
    assert list(dict.fromkeys(shown)) == in_stock[::-1][:8]


def test_every_page_has_a_title_a_description_a_canonical_url_and_landmarks(site, add_product):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock")

    for path in ("/", "/products", "/products/retro-alarm-clock", "/cart", "/login", "/register"):
        html = site.text(path)
        assert re.search(r"<title>[^<]+ · Shop</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), path
        assert re.search(r'<link rel="canonical" href="http://127.0.0.1:8000/[^"?]*">', html), path
        for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'href="#main"'):
            assert landmark in html, (path, landmark)


def test_pages_use_no_inline_script_or_style(site, add_product):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock")

    for path in ("/", "/products", "/products/retro-alarm-clock", "/cart", "/login", "/register", "/nowhere"):
        html = site.get(path).get_data(as_text=True)
        # JSON-LD is data, never run (the CSP's script-src 'self' does not concern it).
        code = html.replace('<script type="application/ld+json">', "")
        assert "<script" not in code and "style=" not in html and "<style" not in html, path


def test_catalog_searches_literal_text_and_keeps_the_filters_in_the_form(site, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900)
    add_product("MUG-STONE", name="Stoneware Mug (.*)", price=1800)

    html = site.text("/products?q=.*")

    assert "Stoneware Mug (.*)" in html and "Cast Iron Teapot" not in html
    assert 'value=".*"' in html


def test_catalog_filters_by_price_in_major_units_and_stock(site, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900)
    add_product("MUG-STONE", name="Stoneware Mug", price=1800)
    add_product("BOARD-OAK", name="Oak Board", price=2000, stock=0)

    html = site.text("/products?min_price=15&max_price=20.00&in_stock=y")

    assert "Stoneware Mug" in html
    assert "Cast Iron Teapot" not in html and "Oak Board" not in html


def test_catalog_shows_a_bad_filter_next_to_its_field_and_ignores_it(site, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot")

    html = site.text("/products?min_price=cheap")

    assert "Enter an amount such as 12.50." in html
    assert 'value="cheap"' in html
    assert "Cast Iron Teapot" in html


def test_catalog_pages_through_results_and_canonical_keeps_the_page(site, add_product):
    for number in range(14):
        add_product(f"MUG-{number:02d}", name=f"Mug {number:02d}")

    first, second = site.text("/products?sort=name"), site.text("/products?sort=name&page=2")

    assert "Mug 00" in first and "Mug 12" not in first and 'rel="next"' in first
    assert "Mug 12" in second and "Page 2 of 2" in second
    assert '<link rel="canonical" href="http://127.0.0.1:8000/products?page=2">' in second


def test_product_page_shows_the_product_and_an_add_to_cart_form(site, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, description="Keeps tea hot.")

    html = site.text("/products/cast-iron-teapot")

    assert "<h1>Cast Iron Teapot</h1>" in html and "$59.00" in html and "Keeps tea hot." in html
    assert 'action="/cart/items"' in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/products/cast-iron-teapot">' in html


def test_product_page_by_id_redirects_to_its_slug(site, add_product):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot")

    response = site.get(f"/products/{product['id']}")

    assert response.status_code == 301
    assert response.headers["Location"].endswith("/products/cast-iron-teapot")


def test_archived_and_unknown_products_are_404_pages_in_the_site_look(site, add_product, admin):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot")
    admin.delete(f"/products/{product['id']}")

    for path in ("/products/cast-iron-teapot", "/products/no-such-thing", "/no/such/page"):
        response = site.get(path)
        assert response.status_code == 404
        assert "We could not find that page" in response.get_data(as_text=True)
        assert response.mimetype == "text/html"


def test_sitemap_lists_the_active_products_pages(site, add_product, admin):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot")
    archived = add_product("MUG-STONE", name="Stoneware Mug")
    admin.delete(f"/products/{archived['id']}")

    response = site.get("/sitemap.xml")

    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert "<loc>http://127.0.0.1:8000/products/cast-iron-teapot</loc>" in body
    assert "stoneware-mug" not in body


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_back_office(site):
    response = site.get("/robots.txt")

    body = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body
    assert "Disallow: /admin/" in body


@pytest.mark.parametrize("path", ["/", "/products"])
def test_the_header_counts_the_units_in_the_cart(site, add_product, path):
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot")
    site.add_to_cart(product, 3)

    assert ('<span class="badge"><span class="visually-hidden">(</span>3'
            '<span class="visually-hidden"> items)</span></span>') in site.text(path)


def test_an_unexpected_error_is_a_500_page_in_the_site_look_without_a_traceback(site, monkeypatch):
    from shop.site import routes

    def broken(*args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes.product_services, "featured_products", broken)

    response = site.get("/")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "secret internals" not in html
    assert '<link rel="stylesheet"' in html


@pytest.mark.parametrize("path", ["/products", "/orders", "/admin/products", "/admin/orders"])
@pytest.mark.parametrize("args", ["page=abc", "page=0", "page=-3", "page=" + "9" * 30, "status=bogus&page=x"])
def test_a_page_with_mistyped_paging_arguments_shows_its_first_page(app, path, args):
    browser = app.test_client()
    browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1"})

    response = browser.get(f"{path}?{args}")

    assert response.status_code == 200, (path, args, response.status_code)
    assert "Page 1" in response.get_data(as_text=True) or 'rel="next"' not in response.get_data(as_text=True)
