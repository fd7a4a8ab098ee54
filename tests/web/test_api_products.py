"""The catalogue over the JSON API: listing, reading, admin changes, stock and its ledger."""
import pytest
from bson import ObjectId

from tests.conftest import assert_error, ledger_sum, stock_of

MOVEMENT_FIELDS = {"id", "product_id", "variant_id", "sku", "delta", "reason", "order_id", "actor_id", "stock_after",
                   "created_at"}
PRODUCT_FIELDS = {"id", "sku", "slug", "name", "description", "price", "currency", "stock", "active",
                  "created_at", "updated_at", "options", "variants", "price_range", "category_ids", "images"}


def skus(response):
    assert response.status_code == 200, response.get_json()
    return [product["sku"] for product in response.get_json()["items"]]


@pytest.fixture
def catalogue(add_product):
    """Four products with distinct names, prices and stock; one archived."""
    return {
        "clock": add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=3450, stock=10,
                             description="Wakes the street (loudly)."),
        "mug": add_product("MUG-STONE", name="Stoneware Mug", price=1800, stock=0, description="350 ml.*"),
        "lamp": add_product("LAMP-DESK", name="Brass Desk Lamp", price=8900, stock=3,
                            description="Costs $89 and glows."),
        "old": add_product("OLD-RADIO", name="Old Radio", price=2500, stock=7, active=False),
    }


# Listing --------------------------------------------------------------------


def test_the_list_shows_active_products_newest_first_with_the_paging_shape(anonymous, catalogue):
    response = anonymous.get("/products")

    body = response.get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 3)
    assert [item["sku"] for item in body["items"]] == ["LAMP-DESK", "MUG-STONE", "RETRO-CLOCK"]
    assert set(body["items"][0]) == PRODUCT_FIELDS


def test_pages_split_the_list_and_keep_the_total(anonymous, catalogue):
    first = anonymous.get("/products?per_page=2&page=1").get_json()
    second = anonymous.get("/products?per_page=2&page=2").get_json()

    assert [p["sku"] for p in first["items"] + second["items"]] == ["LAMP-DESK", "MUG-STONE", "RETRO-CLOCK"]
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, 3)


@pytest.mark.parametrize("query", ["per_page=0", "per_page=101", "per_page=ten", "page=0", "page=-1",
                                   "sort=price;drop", "sort=stock", "min_price=-1", "min_price=1.5",
                                   "in_stock=maybe", "active=some"])
def test_bad_list_arguments_are_a_validation_error(anonymous, query):
    assert_error(anonymous.get(f"/products?{query}"), 422, "validation_error")


@pytest.mark.parametrize("per_page", [1, 100])
def test_per_page_accepts_its_bounds(anonymous, catalogue, per_page):
    body = anonymous.get(f"/products?per_page={per_page}").get_json()

    assert body["per_page"] == per_page
    assert len(body["items"]) == min(per_page, 3)


@pytest.mark.parametrize("active, expected", [
    ("false", ["OLD-RADIO"]),
    ("all", ["OLD-RADIO", "LAMP-DESK", "MUG-STONE", "RETRO-CLOCK"]),
    ("true", ["LAMP-DESK", "MUG-STONE", "RETRO-CLOCK"]),
])
def test_admins_may_list_archived_products(admin, catalogue, active, expected):
    assert skus(admin.get(f"/products?active={active}")) == expected


@pytest.mark.parametrize("active", ["false", "all"])
def test_shoppers_and_anonymous_callers_never_see_archived_products(anonymous, shopper, catalogue, active):
    assert "OLD-RADIO" not in skus(anonymous.get(f"/products?active={active}"))
    assert "OLD-RADIO" not in skus(shopper.get(f"/products?active={active}"))


@pytest.mark.parametrize("q, expected", [
    ("clock", ["RETRO-CLOCK"]),
    ("CLOCK", ["RETRO-CLOCK"]),
    ("mug-st", ["MUG-STONE"]),          # the sku
    ("glows", ["LAMP-DESK"]),           # the description
    ("(loudly)", ["RETRO-CLOCK"]),
    ("(", ["RETRO-CLOCK"]),
    (".*", ["MUG-STONE"]),
    ("$", ["LAMP-DESK"]),
    ("^Retro", []),
    ("radio", []),                      # archived
    ("nothing like it", []),
])
def test_search_matches_name_sku_and_description_as_literal_text(anonymous, catalogue, q, expected):
    assert sorted(skus(anonymous.get("/products", query_string={"q": q}))) == sorted(expected)


@pytest.mark.parametrize("query, expected", [
    ("in_stock=true", ["LAMP-DESK", "RETRO-CLOCK"]),
    ("min_price=3450", ["LAMP-DESK", "RETRO-CLOCK"]),
    ("max_price=3450", ["MUG-STONE", "RETRO-CLOCK"]),
    ("min_price=2000&max_price=4000", ["RETRO-CLOCK"]),
    ("in_stock=true&max_price=3449", []),
])
def test_filters_narrow_the_list(anonymous, catalogue, query, expected):
    assert sorted(skus(anonymous.get(f"/products?{query}"))) == expected


@pytest.mark.parametrize("sort, expected", [
    ("name", ["LAMP-DESK", "RETRO-CLOCK", "MUG-STONE"]),
    ("-name", ["MUG-STONE", "RETRO-CLOCK", "LAMP-DESK"]),
    ("price", ["MUG-STONE", "RETRO-CLOCK", "LAMP-DESK"]),
    ("-price", ["LAMP-DESK", "RETRO-CLOCK", "MUG-STONE"]),
    ("-created_at", ["LAMP-DESK", "MUG-STONE", "RETRO-CLOCK"]),
])
def test_each_sort_orders_the_list(anonymous, catalogue, sort, expected):
    assert skus(anonymous.get(f"/products?sort={sort}")) == expected


# Reading one ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["id", "slug"])
def test_a_product_is_found_by_id_or_slug(anonymous, catalogue, key):
    clock = catalogue["clock"]

    response = anonymous.get(f"/products/{clock[key]}")

    assert response.status_code == 200
    assert response.get_json() == clock


@pytest.mark.parametrize("path", ["/products/no-such-slug", f"/products/{ObjectId()}", "/products/123"])
def test_an_unknown_product_is_not_found(anonymous, path):
    assert_error(anonymous.get(path), 404, "not_found")


def test_an_archived_product_is_not_found_for_shoppers_but_visible_to_admins(anonymous, shopper, admin, catalogue):
    old = catalogue["old"]

    assert_error(anonymous.get(f"/products/{old['id']}"), 404, "not_found")
    assert_error(shopper.get(f"/products/{old['slug']}"), 404, "not_found")
    assert admin.get(f"/products/{old['slug']}").get_json()["active"] is False


# Creating -------------------------------------------------------------------


def test_creating_a_product_records_its_initial_stock_in_the_ledger(admin, db):
    response = admin.post("/products", json={"sku": "TEAPOT-CAST", "name": "Cast Iron Teapot", "price": 5900,
                                             "stock": 12, "description": "Keeps tea hot."})

    assert response.status_code == 201
    product = response.get_json()
    assert set(product) == PRODUCT_FIELDS
    assert (product["slug"], product["price"], product["currency"], product["stock"], product["active"]) == \
        ("cast-iron-teapot", 5900, "USD", 12, True)
    assert response.headers["Location"].endswith(f"/api/v1/products/{product['id']}")
    [entry] = admin.get(f"/products/{product['id']}/stock-movements").get_json()["items"]
    assert (entry["delta"], entry["reason"], entry["stock_after"]) == (12, "initial", 12)
    assert db.variants.find_one({"sku": "TEAPOT-CAST"})["stock"] == 12


def test_a_product_without_stock_starts_at_zero_with_an_empty_ledger(admin):
    product = admin.post("/products", json={"sku": "MUG-STONE", "name": "Mug", "price": 1800}).get_json()

    assert product["stock"] == 0
    assert admin.get(f"/products/{product['id']}/stock-movements").get_json()["total"] == 0


def test_a_name_whose_slug_is_taken_gets_the_sku_in_its_slug(add_product):
    add_product("CLOCK-RED", name="Retro Clock")

    second = add_product("CLOCK-BLUE", name="Retro Clock")

    assert second["slug"] == "retro-clock-clock-blue"


@pytest.mark.parametrize("fields, field", [
    ({"sku": "RETRO-CLOCK", "name": "Another Name"}, "sku"),
    ({"sku": "OTHER-SKU", "name": "Other", "slug": "retro-clock"}, "slug"),
])
def test_a_duplicate_sku_or_slug_is_a_conflict(admin, add_product, db, fields, field):
    add_product("RETRO-CLOCK", name="Retro Clock")

    response = admin.post("/products", json={"price": 100, **fields})

    assert field in assert_error(response, 409, "conflict")
    assert db.products.count_documents({}) == 1


@pytest.mark.parametrize("fields, bad_field", [
    ({"price": 12.5}, "price"),
    ({"price": 12.0}, "price"),
    ({"price": "1200"}, "price"),
    ({"price": True}, "price"),
    ({"price": -1}, "price"),
    ({"price": None}, "price"),
    ({"stock": -1}, "stock"),
    ({"stock": 2.5}, "stock"),
    ({"currency": "XXX"}, "currency"),
    ({"sku": "has space"}, "sku"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"active": "yes"}, "active"),
    ({"name": ""}, "name"),
    ({"colour": "red"}, "colour"),
    ({"sku": {"$ne": None}}, "sku"),
])
def test_creating_a_product_refuses_bad_input(admin, db, fields, bad_field):
    body = {"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450, **fields}

    response = admin.post("/products", json=body)

    assert bad_field in assert_error(response, 422, "validation_error")
    assert db.products.count_documents({}) == 0


@pytest.mark.parametrize("missing", ["sku", "name", "price"])
def test_creating_a_product_requires_sku_name_and_price(admin, missing):
    body = {"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450}
    del body[missing]

    assert missing in assert_error(admin.post("/products", json=body), 422, "validation_error")


def test_a_shopper_may_not_create_products(shopper, db):
    response = shopper.post("/products", json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450})

    assert_error(response, 403, "forbidden")
    assert db.products.count_documents({}) == 0


def test_an_anonymous_caller_may_not_create_products(anonymous):
    response = anonymous.post("/products", json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450})

    assert_error(response, 401, "unauthorized")


# Changing and archiving -----------------------------------------------------


def test_patching_a_product_changes_only_the_given_fields(admin, add_product):
    clock = add_product("RETRO-CLOCK", price=3450)

    response = admin.patch(f"/products/{clock['id']}", json={"name": "Retro Clock Deluxe", "price": 3999})

    assert response.status_code == 200
    changed = response.get_json()
    assert (changed["name"], changed["price"], changed["sku"], changed["slug"], changed["stock"]) == \
        ("Retro Clock Deluxe", 3999, "RETRO-CLOCK", clock["slug"], 10)
    assert admin.get(f"/products/{clock['id']}").get_json() == changed


def test_stock_is_refused_in_a_patch_and_left_unchanged(admin, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)

    response = admin.patch(f"/products/{clock['id']}", json={"stock": 500})

    assert "stock" in assert_error(response, 422, "validation_error")
    assert stock_of(admin, clock["id"]) == 10


@pytest.mark.parametrize("fields, bad_field", [
    ({"sku": "NEW-SKU"}, "sku"),
    ({"status": "gone"}, "status"),
    ({"price": 10.5}, "price"),
    ({"price": "10"}, "price"),
    ({"active": 0}, "active"),
    ({"slug": "Bad Slug"}, "slug"),
])
def test_patch_refuses_unknown_or_bad_fields(admin, add_product, fields, bad_field):
    clock = add_product("RETRO-CLOCK")

    response = admin.patch(f"/products/{clock['id']}", json=fields)

    assert bad_field in assert_error(response, 422, "validation_error")
    assert admin.get(f"/products/{clock['id']}").get_json() == clock


def test_patching_to_a_taken_slug_is_a_conflict(admin, add_product):
    add_product("RETRO-CLOCK")
    mug = add_product("MUG-STONE")

    response = admin.patch(f"/products/{mug['id']}", json={"slug": "retro-clock"})

    assert_error(response, 409, "conflict")


def test_patching_an_unknown_product_is_not_found(admin):
    assert_error(admin.patch(f"/products/{ObjectId()}", json={"name": "X"}), 404, "not_found")


def test_a_shopper_may_not_patch_products(shopper, add_product):
    clock = add_product("RETRO-CLOCK")

    assert_error(shopper.patch(f"/products/{clock['id']}", json={"price": 1}), 403, "forbidden")


def test_deleting_a_product_archives_it(admin, anonymous, add_product, db):
    clock = add_product("RETRO-CLOCK")

    response = admin.delete(f"/products/{clock['id']}")

    assert response.status_code == 204
    assert_error(anonymous.get(f"/products/{clock['id']}"), 404, "not_found")
    assert admin.get(f"/products/{clock['id']}").get_json()["active"] is False
    assert db.variants.count_documents({"sku": "RETRO-CLOCK"}) == 1


def test_an_archived_product_keeps_its_copy_in_past_orders(admin, shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", name="Retro Clock", price=3450)
    order = place_order(shopper, [(clock, 2)]).get_json()

    admin.delete(f"/products/{clock['id']}")

    items = shopper.get(f"/orders/{order['id']}").get_json()["items"]
    assert items == [{"product_id": clock["id"], "variant_id": clock["id"], "options": {}, "sku": "RETRO-CLOCK",
                      "name": "Retro Clock",
                      "unit_price": 3450, "quantity": 2, "line_total": 6900, "discount": 0, "tax": 0,
                      "refunded": 0, "restocked": 0}]


def test_a_shopper_may_not_delete_products(shopper, anonymous, add_product):
    clock = add_product("RETRO-CLOCK")

    assert_error(shopper.delete(f"/products/{clock['id']}"), 403, "forbidden")
    assert_error(anonymous.delete(f"/products/{clock['id']}"), 401, "unauthorized")
    assert anonymous.get(f"/products/{clock['id']}").status_code == 200


# Stock adjustments and the ledger -------------------------------------------


def test_a_stock_adjustment_moves_stock_and_is_recorded(admin, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)

    response = admin.post(f"/products/{clock['id']}/stock-adjustments",
                          json={"delta": 5, "reason": "restock", "note": "from the supplier"})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"movement", "product"}
    assert set(body["movement"]) == MOVEMENT_FIELDS | {"note"}
    movement = body["movement"]
    assert (movement["delta"], movement["reason"], movement["stock_after"], movement["product_id"],
            movement["note"]) == (5, "restock", 15, clock["id"], "from the supplier")
    assert movement["actor_id"] == admin.get("/me").get_json()["id"]
    assert movement["order_id"] is None
    assert body["product"]["stock"] == 15
    assert stock_of(admin, clock["id"]) == 15 == ledger_sum(admin, clock["id"])


def test_an_adjustment_below_zero_is_refused_and_moves_nothing(admin, add_product):
    clock = add_product("RETRO-CLOCK", stock=3)

    response = admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": -4, "reason": "damaged"})

    details = assert_error(response, 409, "insufficient_stock")
    assert details["items"] == [{"product_id": clock["id"], "variant_id": clock["id"], "requested": 4, "available": 3}]
    assert stock_of(admin, clock["id"]) == 3 == ledger_sum(admin, clock["id"])


def test_an_adjustment_may_take_stock_to_exactly_zero(admin, add_product):
    clock = add_product("RETRO-CLOCK", stock=3)

    response = admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": -3, "reason": "damaged"})

    assert response.get_json()["product"]["stock"] == 0


@pytest.mark.parametrize("body, bad_field", [
    ({"delta": 0, "reason": "restock"}, "delta"),
    ({"delta": 1.5, "reason": "restock"}, "delta"),
    ({"delta": "3", "reason": "restock"}, "delta"),
    ({"delta": True, "reason": "restock"}, "delta"),
    ({"reason": "restock"}, "delta"),
    ({"delta": 3, "reason": "gift"}, "reason"),
    ({"delta": 3, "reason": "initial"}, "reason"),
    ({"delta": 3, "reason": "order_cancelled"}, "reason"),
    ({"delta": 3}, "reason"),
    ({"delta": 3, "reason": "restock", "stock": 3}, "stock"),
])
def test_bad_adjustments_are_a_validation_error(admin, add_product, body, bad_field):
    clock = add_product("RETRO-CLOCK", stock=10)

    response = admin.post(f"/products/{clock['id']}/stock-adjustments", json=body)

    assert bad_field in assert_error(response, 422, "validation_error")
    assert admin.get(f"/products/{clock['id']}/stock-movements").get_json()["total"] == 1


def test_adjusting_an_unknown_product_is_not_found(admin):
    response = admin.post(f"/products/{ObjectId()}/stock-adjustments", json={"delta": 1, "reason": "restock"})

    assert_error(response, 404, "not_found")


def test_a_shopper_may_not_adjust_stock_or_read_the_ledger(shopper, add_product):
    clock = add_product("RETRO-CLOCK")

    assert_error(shopper.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": 1, "reason": "restock"}),
                 403, "forbidden")
    assert_error(shopper.get(f"/products/{clock['id']}/stock-movements"), 403, "forbidden")


def test_the_ledger_lists_every_movement_newest_first(admin, shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=10)
    admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": -2, "reason": "damaged"})
    order = place_order(shopper, [(clock, 3)]).get_json()

    body = admin.get(f"/products/{clock['id']}/stock-movements").get_json()

    assert body["total"] == 3
    assert [(m["reason"], m["delta"], m["stock_after"], m["order_id"]) for m in body["items"]] == [
        ("order_placed", -3, 5, order["id"]), ("damaged", -2, 8, None), ("initial", 10, 10, None)]
    assert all(MOVEMENT_FIELDS <= set(m) for m in body["items"])
    assert body["items"][0]["actor_id"] == shopper.user["id"]


def test_the_ledger_is_paged(admin, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)
    for _ in range(3):
        admin.post(f"/products/{clock['id']}/stock-adjustments", json={"delta": 1, "reason": "restock"})

    body = admin.get(f"/products/{clock['id']}/stock-movements?per_page=2&page=2").get_json()

    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 4)
    assert [m["stock_after"] for m in body["items"]] == [11, 10]


def test_the_ledger_of_an_unknown_product_is_not_found(admin):
    assert_error(admin.get(f"/products/{ObjectId()}/stock-movements"), 404, "not_found")


# Low stock ------------------------------------------------------------------


def test_low_stock_lists_active_products_at_or_under_the_threshold_lowest_first(admin, catalogue, add_product):
    add_product("PEN-FOUNTAIN", stock=5)
    add_product("BLANKET-WOOL", stock=6)

    body = admin.get("/inventory/low-stock").get_json()

    assert [(p["sku"], p["stock"]) for p in body["items"]] == [
        ("MUG-STONE", 0), ("LAMP-DESK", 3), ("PEN-FOUNTAIN", 5)]
    assert body["total"] == 3


def test_low_stock_takes_a_threshold(admin, catalogue):
    assert skus(admin.get("/inventory/low-stock?threshold=0")) == ["MUG-STONE"]
    assert skus(admin.get("/inventory/low-stock?threshold=10")) == ["MUG-STONE", "LAMP-DESK", "RETRO-CLOCK"]


@pytest.mark.parametrize("query", ["threshold=-1", "threshold=few", "per_page=101"])
def test_low_stock_refuses_bad_arguments(admin, query):
    assert_error(admin.get(f"/inventory/low-stock?{query}"), 422, "validation_error")


def test_low_stock_is_for_admins_only(shopper, anonymous):
    assert_error(shopper.get("/inventory/low-stock"), 403, "forbidden")
    assert_error(anonymous.get("/inventory/low-stock"), 401, "unauthorized")
