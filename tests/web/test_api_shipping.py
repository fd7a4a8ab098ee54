"""`/api/v1/shipping-methods` through the JSON API: admins manage them, anyone lists those
that serve a country."""
import pytest

from tests.conftest import assert_error

METHOD_FIELDS = {"id", "name", "countries", "price", "free_over", "currency", "active", "created_at", "updated_at"}
STANDARD = {"name": "Standard", "countries": ["US", "CA"], "price": 500, "free_over": 5000}


@pytest.fixture
def add_method(admin):
    """add_method(name="Standard", **fields) -> the method's JSON."""
    def make(name="Standard", **fields):
        response = admin.post("/shipping-methods", json={**STANDARD, "name": name, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def test_an_admin_adds_a_method_with_defaults_and_reads_it_back(admin, db):
    response = admin.post("/shipping-methods",
                          json={"name": " Standard ", "countries": ["us", " ca", "US"], "price": 500})

    assert response.status_code == 201
    method = response.get_json()
    assert set(method) == METHOD_FIELDS
    assert method["name"] == "Standard" and method["countries"] == ["US", "CA"]
    assert (method["currency"], method["free_over"], method["active"]) == ("USD", None, True)
    assert response.headers["Location"] == f"/api/v1/shipping-methods/{method['id']}"
    assert admin.get(f"/shipping-methods/{method['id']}").get_json() == method
    assert db.shipping_methods.count_documents({}) == 1


def test_a_star_among_the_countries_means_every_country(add_method):
    assert add_method(countries=["US", "*"])["countries"] == ["*"]


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": "  "}, "name"), ({"countries": []}, "countries"), ({"countries": ["XX"]}, "countries"),
    ({"countries": "US"}, "countries"), ({"countries": ["USA"]}, "countries"), ({"price": -1}, "price"),
    ({"price": 4.5}, "price"), ({"price": "500"}, "price"), ({"free_over": -5}, "free_over"),
    ({"currency": "XYZ"}, "currency"), ({"active": "yes"}, "active"), ({"zone": "eu"}, "zone"),
])
def test_a_bad_method_is_refused_naming_its_field(admin, db, body, field):
    payload = {**STANDARD, **body} if body else {}

    details = assert_error(admin.post("/shipping-methods", json=payload), 422, "validation_error")

    assert field in details
    assert db.shipping_methods.count_documents({}) == 0


def test_only_admins_manage_methods(shopper, anonymous, add_method):
    method = add_method()

    assert_error(shopper.post("/shipping-methods", json=STANDARD), 403, "forbidden")
    assert_error(shopper.patch(f"/shipping-methods/{method['id']}", json={"price": 1}), 403, "forbidden")
    assert_error(shopper.delete(f"/shipping-methods/{method['id']}"), 403, "forbidden")
    assert_error(shopper.get("/shipping-methods"), 403, "forbidden")
    assert_error(anonymous.post("/shipping-methods", json=STANDARD), 401, "unauthorized")
    assert_error(anonymous.get("/shipping-methods"), 401, "unauthorized")
    assert_error(anonymous.delete(f"/shipping-methods/{method['id']}"), 401, "unauthorized")


def test_anyone_lists_the_active_methods_serving_a_country_cheapest_first(anonymous, admin, add_method):
    courier = add_method("Courier", countries=["US"], price=1500)
    standard = add_method("Standard", countries=["US", "CA"], price=500)
    world = add_method("World", countries=["*"], price=2500)
    add_method("Paused", countries=["US"], active=False)
    add_method("Euro post", countries=["US"], currency="EUR", price=100)
    add_method("Germany", countries=["DE"], price=300)

    us = anonymous.get("/shipping-methods?country=us").get_json()
    usd_only = anonymous.get("/shipping-methods?country=US&currency=USD").get_json()
    france = anonymous.get("/shipping-methods?country=FR").get_json()

    assert [m["name"] for m in us["items"]] == ["Euro post", "Standard", "Courier", "World"]
    assert (us["page"], us["per_page"], us["total"]) == (1, 20, 4)
    assert [m["id"] for m in usd_only["items"]] == [standard["id"], courier["id"], world["id"]]
    assert [m["name"] for m in france["items"]] == ["World"]
    assert admin.get("/shipping-methods").get_json()["total"] == 6
    assert_error(anonymous.get("/shipping-methods?country=XX"), 422, "validation_error")


def test_the_admin_list_is_paged(admin, add_method):
    for price in range(5):
        add_method(f"Method {price}", price=price)

    second = admin.get("/shipping-methods?page=2&per_page=2").get_json()

    assert [m["name"] for m in second["items"]] == ["Method 2", "Method 3"]
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, 5)
    assert "per_page" in assert_error(admin.get("/shipping-methods?per_page=101"), 422, "validation_error")


def test_an_inactive_method_is_found_only_by_admins(anonymous, admin, add_method):
    paused = add_method("Paused", active=False)
    standard = add_method()

    assert anonymous.get(f"/shipping-methods/{standard['id']}").status_code == 200
    assert_error(anonymous.get(f"/shipping-methods/{paused['id']}"), 404, "not_found")
    assert admin.get(f"/shipping-methods/{paused['id'].upper()}").get_json()["id"] == paused["id"]
    assert_error(admin.get("/shipping-methods/" + "a" * 24), 404, "not_found")
    assert_error(admin.get("/shipping-methods/standard"), 404, "not_found")


def test_a_patch_changes_only_what_it_names_and_null_makes_it_never_free(admin, add_method):
    method = add_method()

    response = admin.patch(f"/shipping-methods/{method['id']}", json={"price": 700, "free_over": None,
                                                                     "countries": ["de"]})

    changed = response.get_json()
    assert response.status_code == 200
    assert (changed["price"], changed["free_over"], changed["countries"]) == (700, None, ["DE"])
    assert changed["name"] == "Standard" and changed["created_at"] == method["created_at"]
    assert admin.patch(f"/shipping-methods/{method['id']}", json={}).get_json()["price"] == 700
    assert "price" in assert_error(admin.patch(f"/shipping-methods/{method['id']}", json={"price": -1}), 422,
                                   "validation_error")
    assert "id" in assert_error(admin.patch(f"/shipping-methods/{method['id']}", json={"id": "x"}), 422,
                                "validation_error")
    assert_error(admin.patch("/shipping-methods/" + "b" * 24, json={"price": 1}), 404, "not_found")


def test_a_deleted_method_is_gone(admin, anonymous, add_method):
    method = add_method()

    assert admin.delete(f"/shipping-methods/{method['id']}").status_code == 204

    assert_error(admin.get(f"/shipping-methods/{method['id']}"), 404, "not_found")
    assert_error(admin.delete(f"/shipping-methods/{method['id']}"), 404, "not_found")
    assert anonymous.get("/shipping-methods?country=US").get_json()["items"] == []


def test_a_body_that_is_not_json_is_refused(admin):
    assert_error(admin.post("/shipping-methods", data="name=x", content_type="text/plain"), 415,
                 "unsupported_media_type")
    assert_error(admin.post("/shipping-methods", data="[1]", content_type="application/json"), 400, "bad_request")


def test_the_repository_answers_the_order_codes_questions(app, add_method):
    from shop.shipping.repository import ShippingMethodRepository

    methods = ShippingMethodRepository(app.extensions["mongo_db"])
    assert methods.has_active() is False
    standard = add_method()
    add_method("Paused", active=False)
    add_method("Euro", currency="EUR")

    assert [m.id for m in methods.active_for("US", "USD")] == [standard["id"]]
    assert methods.active_for("DE", "USD") == []
    assert methods.get(standard["id"]).serves("CA", "USD") and methods.has_active()
    assert methods.get("c" * 24) is None and methods.get("nope") is None
