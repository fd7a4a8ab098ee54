"""Every query the categories send is served by an index (the machinery of tests/test_indexes.py,
on a run through the category API, pages and back office)."""
import pytest

from shop import db as shop_db
from tests.conftest import TEST_SETTINGS, started_app
from tests.test_indexes import ALLOWED, RecordingClient, index_for, listing
from tests.web.site_helpers import Site

# An admin's `?category=...&active=all`: the category's products, archived too, sorted in memory
# (a category holds far fewer products than the catalogue), as the admin's `active=all` list is.
ADMIN_ALL = {("products", ("category_ids",), (), sort): "an admin listing a category's products, archived too"
             for sort in [("sort_name", "_id"), ("-sort_name", "-_id"), ("price_min", "_id"), ("-price_max", "-_id"),
                          ("-created_at", "-_id")]}


def category_run(app):
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": "admin@example.com",
                                                     "password": "admin-password-1"}).get_json()["token"]
    admin = {"Authorization": f"Bearer {token}"}

    def api(method, path, **kwargs):
        response = getattr(client, method)("/api/v1" + path, headers=admin, **kwargs)
        assert response.status_code < 500, (path, response.get_json())
        return response.get_json()

    kitchen = api("post", "/categories", json={"name": "Kitchen"})
    tea = api("post", "/categories", json={"name": "Tea", "parent_id": kitchen["id"]})
    spare = api("post", "/categories", json={"name": "Spare"})
    api("post", "/categories", json={"name": "Kitchen", "slug": "kitchen"})
    mug = api("post", "/products", json={"sku": "MUG", "name": "Mug", "price": 100, "stock": 3,
                                         "category_ids": [tea["id"]]})
    api("patch", f"/products/{mug['id']}", json={"category_ids": [tea["id"], kitchen["id"]]})
    api("patch", f"/categories/{spare['id']}", json={"name": "Spare one", "parent_id": kitchen["id"]})
    api("get", "/categories")
    api("get", f"/categories/{tea['id']}")
    api("get", "/categories/tea")
    for sort in ("name", "-name", "price", "-price", "-created_at"):
        api("get", f"/products?category=kitchen&sort={sort}&in_stock=true&min_price=1&max_price=99999&q=mug")
        api("get", f"/products?category=kitchen&sort={sort}&active=all")
    api("delete", f"/categories/{tea['id']}")
    api("delete", f"/categories/{spare['id']}")
    site = Site(client)
    for path in ("/", "/products", "/categories", "/categories/kitchen?sort=price&q=mug", "/sitemap.xml"):
        site.get(path)
    site.admin()
    for path in ("/admin/categories", "/admin/categories/new", f"/admin/categories/{kitchen['id']}/edit",
                 "/admin/products/new", f"/admin/products/{mug['id']}/edit"):
        site.get(path)


@pytest.fixture(scope="module")
def recorded():
    recorder = RecordingClient(shop_db.connect(None))
    category_run(started_app(dict(TEST_SETTINGS), mongo_client=recorder))
    return recorder.log


def test_every_category_query_is_served_by_an_index(recorded):
    allowed = {**ALLOWED, **ADMIN_ALL}
    unserved = [shape for shape in recorded["queries"]
                if index_for(shape, recorded["indexes"]) is None and shape.key not in allowed]

    assert {"categories", "category_tree"} <= {shape.collection for shape in recorded["queries"]}
    assert not unserved, "queries without an index:\n" + "\n".join(map(str, unserved)) + "\n\n" + listing(recorded)


def test_a_category_filter_is_served_by_a_category_index(recorded):
    filtered = [shape for shape in recorded["queries"]
                if shape.collection == "products" and "category_ids" in shape.equality and "active" in shape.equality]

    assert len(filtered) >= 5
    for shape in filtered:  # in stock only, the ids of the products with stock may narrow it first
        first_key = index_for(shape, recorded["indexes"])[0][0]
        assert first_key in ({"category_ids", "_id"} & set(shape.equality)), str(shape)
