"""Categories on the site: each category's page, finding categories, the sitemap, the back
office's category pages and the product form's categories, and the demo catalogue's tree."""
import re

import pytest

from tests.conftest import TEST_SETTINGS, CheckedClient, started_app
from tests.web.site_helpers import csrf_token, field_errors, input_value


@pytest.fixture
def kitchen(admin):
    """Kitchen > Tea and coffee > Teapots; Kitchen > Cooking."""
    def add(name, parent=None, **fields):
        body = {"name": name, **fields, **({"parent_id": parent["id"]} if parent else {})}
        response = admin.post("/categories", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    kitchen = add("Kitchen", description="Things to cook with, serve with and wear while doing it.")
    tea = add("Tea and coffee", kitchen)
    return {"kitchen": kitchen, "tea": tea, "teapots": add("Teapots", tea), "cooking": add("Cooking", kitchen)}


def test_a_category_page_shows_breadcrumbs_its_subcategories_and_its_products_and_those_below(
        site, kitchen, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", category_ids=[kitchen["teapots"]["id"]])
    add_product("MUG-STONE", name="Stoneware Mug", category_ids=[kitchen["tea"]["id"]])
    add_product("KNIFE-CHEF", name="Chef's Knife", category_ids=[kitchen["cooking"]["id"]])

    html = site.text("/categories/tea-and-coffee")

    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html).group(1)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [("/products", "Catalog"),
                                                                    ("/categories/kitchen", "Kitchen")]
    assert '<span aria-current="page">Tea and coffee</span>' in crumbs
    assert "<h1>Tea and coffee</h1>" in html and '<a href="/categories/teapots">Teapots</a>' in html
    assert "Cast Iron Teapot" in html and "Stoneware Mug" in html and "Chef&#39;s Knife" not in html
    assert "2 products" in html


def test_a_category_page_has_a_title_a_meta_description_and_a_canonical_url(site, kitchen):
    kitchen_page, tea_page = site.text("/categories/kitchen"), site.text("/categories/tea-and-coffee?page=2&sort=name")

    assert "<title>Kitchen · Shop</title>" in kitchen_page
    assert ('<meta name="description" content="Things to cook with, serve with and wear while doing it.">'
            in kitchen_page)
    assert '<link rel="canonical" href="http://127.0.0.1:8000/categories/kitchen">' in kitchen_page
    assert "<title>Tea and coffee, page 2 · Shop</title>" in tea_page
    assert re.search(r'<meta name="description" content="Tea and coffee in our shop: [^"]+">', tea_page)
    assert '<link rel="canonical" href="http://127.0.0.1:8000/categories/tea-and-coffee?page=2">' in tea_page


def test_the_canonical_url_comes_from_the_shops_origin_never_the_host_header(kitchen):
    app = started_app({**TEST_SETTINGS, "SHOP_BASE_URL": "https://shop.example.com"})
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})
    client.post("/api/v1/categories", json={"name": "Kitchen"},
                headers={"Authorization": "Bearer " + token.get_json()["token"]})

    html = client.get("/categories/kitchen", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})

    text = html.get_data(as_text=True)
    assert '<link rel="canonical" href="https://shop.example.com/categories/kitchen">' in text
    assert "evil.example" not in text


def test_a_category_page_has_the_catalogues_filters_sorts_and_pages(site, kitchen, add_product):
    for n in range(14):
        add_product(f"MUG-{n:02d}", name=f"Mug {n:02d}", price=1000 + n, category_ids=[kitchen["tea"]["id"]])
    add_product("MUG-SOLD", name="Mug sold out", stock=0, category_ids=[kitchen["tea"]["id"]])
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, category_ids=[kitchen["teapots"]["id"]])

    first = site.text("/categories/kitchen?q=mug&in_stock=y&sort=-price&max_price=10.13")
    second = site.text("/categories/kitchen?q=mug&in_stock=y&sort=-price&max_price=10.13&page=2")

    assert "14 products" in first and "Mug sold out" not in first and "Cast Iron Teapot" not in first
    assert first.index("Mug 13") < first.index("Mug 12")
    assert re.findall(r'<a rel="next" href="([^"]+)"', first) == [
        "/categories/kitchen?page=2&amp;q=mug&amp;max_price=10.13&amp;in_stock=y&amp;sort=-price"]
    assert 'action="/categories/kitchen"' in first and 'value="mug"' in first
    assert "Page 2 of 2" in second and "Mug 01" in second and "Mug 13" not in second


def test_a_bad_filter_on_a_category_page_is_shown_and_ignored(site, kitchen, add_product):
    add_product("MUG-STONE", name="Stoneware Mug", category_ids=[kitchen["tea"]["id"]])

    html = site.text("/categories/tea-and-coffee?min_price=cheap&page=abc")

    assert "Enter an amount such as 12.50." in html and "Stoneware Mug" in html


def test_a_category_page_by_id_redirects_to_its_slug_and_an_unknown_one_is_404(site, kitchen):
    by_id = site.get(f"/categories/{kitchen['tea']['id'].upper()}")

    assert by_id.status_code == 301 and by_id.headers["Location"] == "/categories/tea-and-coffee"
    missing = site.get("/categories/no-such-category")
    assert missing.status_code == 404 and "We could not find that page" in missing.get_data(as_text=True)


def test_a_category_page_is_cached_like_the_catalogue(site, kitchen):
    first = site.get("/categories/kitchen")

    assert first.headers["Cache-Control"] == "public, max-age=30" and first.headers["ETag"]
    again = site.get("/categories/kitchen", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert site.get("/api/v1/categories").headers["Cache-Control"] == "public, max-age=30"
    site.shopper()
    assert site.get("/categories/kitchen").headers["Cache-Control"] == "private, no-store"


def test_shoppers_find_categories_from_the_header_the_home_page_and_the_catalogue(site, kitchen, add_product):
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", category_ids=[kitchen["teapots"]["id"]])

    home, catalog, index = site.text("/"), site.text("/products"), site.text("/categories")

    assert '<a href="/categories">Categories</a>' in home
    assert 'href="/categories/kitchen">Kitchen</a>' in home
    assert '<a href="/categories/kitchen">Kitchen</a>' in catalog
    assert [name for name in re.findall(r'<a href="/categories/[^"]+">([^<]+)</a>', index)] == [
        "Kitchen", "Cooking", "Tea and coffee", "Teapots"]
    assert re.search(r'<link rel="canonical" href="http://127.0.0.1:8000/categories">', index)


def test_the_sitemap_lists_every_category_page(site, kitchen):
    body = site.get("/sitemap.xml").get_data(as_text=True)

    for slug in ("kitchen", "tea-and-coffee", "teapots", "cooking"):
        assert re.search(rf"<loc>http://127.0.0.1:8000/categories/{slug}</loc>"
                         rf"<lastmod>\d{{4}}-\d\d-\d\d</lastmod>", body)
    assert "<loc>http://127.0.0.1:8000/categories</loc>" in body


def test_category_pages_use_no_inline_script_or_style(site, kitchen):
    for path in ("/categories", "/categories/kitchen"):
        html = site.text(path)
        assert "<script" not in html and "style=" not in html, path


# The back office -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/categories", "/admin/categories/new"])
def test_only_admins_reach_the_category_pages(site, path):
    assert site.get(path).status_code == 302
    site.shopper()
    assert site.get(path).status_code == 403


def test_the_admin_category_list_shows_the_tree_with_product_counts(site, kitchen, add_product):
    add_product("TEAPOT-CAST", category_ids=[kitchen["teapots"]["id"]])
    site.admin()

    html = site.text("/admin/categories")

    rows = re.findall(r'<tr class="depth-(\d)">.*?<a href="/categories/[^"]+">([^<]+)</a>.*?<td class="num">(\d+)</td>',
                      html, re.S)
    assert rows == [("1", "Kitchen", "0"), ("2", "Cooking", "0"), ("2", "Tea and coffee", "0"), ("3", "Teapots", "1")]
    assert f'href="/admin/categories/{kitchen["tea"]["id"]}/edit"' in html


def test_an_admin_adds_a_category_under_a_parent(site, kitchen, db):
    site.admin()
    form = site.text("/admin/categories/new")
    assert re.search(rf'<option value="{kitchen["teapots"]["id"]}">\W+Teapots</option>', form)

    response = site.post("/admin/categories/new", {"name": "Kettles", "slug": "", "parent_id": kitchen["tea"]["id"],
                                                   "description": "For the water."})

    assert response.status_code == 302 and response.headers["Location"] == "/admin/categories"
    stored = db.categories.find_one({"slug": "kettles"})
    assert stored["parent_id"] == kitchen["tea"]["id"] and stored["description"] == "For the water."
    assert "Kettles is added." in site.text("/admin/categories")


def test_a_bad_new_category_is_shown_next_to_its_fields_and_keeps_what_was_typed(site, kitchen, db):
    site.admin()

    response = site.post("/admin/categories/new", {"name": "  ", "slug": "Not A Slug", "description": "Kept."})
    taken = site.post("/admin/categories/new", {"name": "Cuisine", "slug": "kitchen"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "name") == ["Enter a name: it cannot be only spaces."]
    assert field_errors(html, "slug") and input_value(html, "slug") == "Not A Slug" and "Kept." in html
    assert taken.status_code == 422
    assert field_errors(taken.get_data(as_text=True), "slug") == [
        "A category with this slug exists: choose another slug."]
    assert db.categories.count_documents({}) == 4


def test_an_admin_edits_a_category_and_its_form_offers_only_parents_that_make_no_loop(site, kitchen, db):
    site.admin()
    path = f"/admin/categories/{kitchen['tea']['id']}/edit"

    form = site.text(path)

    assert input_value(form, "name") == "Tea and coffee" and input_value(form, "slug") == "tea-and-coffee"
    offered = re.findall(r'<option[^>]*value="([^"]*)"', form)
    assert kitchen["teapots"]["id"] not in offered and kitchen["tea"]["id"] not in offered
    assert kitchen["kitchen"]["id"] in offered and kitchen["cooking"]["id"] in offered
    assert re.search(rf'<option selected value="{kitchen["kitchen"]["id"]}">', form)
    response = site.post(path, {"name": "Tea", "slug": "tea", "parent_id": kitchen["cooking"]["id"],
                                "description": ""})
    assert response.status_code == 302
    stored = db.categories.find_one({"slug": "tea"})
    assert stored["name"] == "Tea" and stored["parent_id"] == kitchen["cooking"]["id"]


def test_a_loop_sent_from_the_edit_form_is_refused_next_to_the_parent(site, kitchen, db):
    site.admin()

    response = site.post(f"/admin/categories/{kitchen['kitchen']['id']}/edit",
                         {"name": "Kitchen", "parent_id": kitchen["teapots"]["id"]})

    assert response.status_code == 422
    assert "cannot be placed under itself" in field_errors(response.get_data(as_text=True), "parent_id")[0]
    assert db.categories.find_one({"slug": "kitchen"})["parent_id"] is None


def test_deleting_a_category_that_has_subcategories_or_products_says_why(site, kitchen, add_product, db):
    add_product("TEAPOT-CAST", category_ids=[kitchen["teapots"]["id"]])
    site.admin()

    refused = site.post(f"/admin/categories/{kitchen['teapots']['id']}/delete")
    page = site.text("/admin/categories")
    deleted = site.post(f"/admin/categories/{kitchen['cooking']['id']}/delete")

    assert refused.status_code == 302
    assert "Teapots still has 1 product (archived ones count too): take them out of this category first." in page
    assert deleted.status_code == 302 and "Cooking is deleted." in site.text("/admin/categories")
    assert db.categories.count_documents({}) == 3


def test_the_product_form_puts_a_product_in_categories(site, kitchen, add_product, db):
    site.admin()
    form = site.text("/admin/products/new")
    assert re.search(rf'<input type="checkbox" name="category_ids" value="{kitchen["teapots"]["id"]}">', form)

    response = site.post("/admin/products/new", {"sku": "TEAPOT-CAST", "name": "Cast Iron Teapot", "price": "59.00",
                                                 "currency": "USD", "stock": "2", "active": "y",
                                                 "category_ids": [kitchen["teapots"]["id"], kitchen["cooking"]["id"]]})

    assert response.status_code == 302
    product = db.products.find_one({"skus": "TEAPOT-CAST"})
    assert product["category_ids"] == [kitchen["teapots"]["id"], kitchen["cooking"]["id"]]
    edit = f"/admin/products/{product['_id']}/edit"
    assert re.search(rf'value="{kitchen["teapots"]["id"]}" checked>', site.text(edit))
    site.post(edit, {"name": "Cast Iron Teapot", "price": "59.00", "active": "y",
                     "category_ids": [kitchen["tea"]["id"]]})
    assert db.products.find_one({"skus": "TEAPOT-CAST"})["category_ids"] == [kitchen["tea"]["id"]]
    site.post(edit, {"name": "Cast Iron Teapot", "price": "59.00", "active": "y"})
    assert db.products.find_one({"skus": "TEAPOT-CAST"})["category_ids"] == []


def test_an_expired_category_form_saves_nothing_and_comes_back_as_typed(csrf_app):
    browser = csrf_app.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1",
                                 "csrf_token": csrf_token(login_page)})

    response = browser.post("/admin/categories/new", data={"name": "Kettles", "description": "For the water."})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert input_value(html, "name") == "Kettles" and "For the water." in html
    assert csrf_app.extensions["mongo_db"].categories.count_documents({}) == 0
    again = browser.post("/admin/categories/new", data={"name": "Kettles", "csrf_token": csrf_token(html)})
    assert again.status_code == 302


# The demo catalogue ---------------------------------------------------------------------


def test_the_demo_catalogue_has_a_small_category_tree_with_every_product_in_it():
    app = started_app({**TEST_SETTINGS, "DEMO_CATALOG": True})
    app.test_client_class = CheckedClient
    client = app.test_client()

    tree = client.get("/api/v1/categories").get_json()
    products = client.get("/api/v1/products?per_page=100").get_json()["items"]

    assert [(top["name"], [child["name"] for child in top["children"]]) for top in tree] == [
        ("Desk", ["Desk lighting", "Writing"]), ("Home", ["Bedroom", "Clothing", "Living room"]),
        ("Kitchen", ["Cooking", "Tea and coffee"])]
    assert all(product["category_ids"] for product in products)
    kitchen = client.get("/api/v1/products?category=kitchen&per_page=100").get_json()
    assert {item["sku"] for item in kitchen["items"]} == {"TEAPOT-CAST", "MUG-STONE", "KNIFE-CHEF", "BOARD-OAK",
                                                         "APRON-CANVAS"}
    assert "Cast Iron Teapot" in client.get("/categories/tea-and-coffee").get_data(as_text=True)
