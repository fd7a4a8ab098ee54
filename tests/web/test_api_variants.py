"""The contract's "Variants: stock is kept per SKU" section, one test per sentence,
through the JSON API. After every write the invariant is checked: each variant's
stock equals the sum of its ledger's deltas and is never below 0."""
import pytest

from tests.conftest import ADDRESS, assert_error
from tests.invariants import assert_holds

SIZES = [{"name": "Size", "values": ["S", "M", "L"]}]


def tee_body(**fields):
    body = {"name": "Field Tee", "price": 2000, "options": SIZES, "variants": [
        {"sku": "TEE-S", "options": {"Size": "S"}, "stock": 4},
        {"sku": "TEE-M", "options": {"Size": "M"}, "price": 2200, "stock": 7},
        {"sku": "TEE-L", "options": {"Size": "L"}, "price": 2500},
    ]}
    body.update(fields)
    return body


@pytest.fixture
def add_tee(admin):
    def make(**fields):
        response = admin.post("/products", json=tee_body(**fields))
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return make


def by_sku(product):
    return {variant["sku"]: variant for variant in product["variants"]}


def movements_of(admin, product_id, variant_id=None):
    query = f"&variant_id={variant_id}" if variant_id else ""
    response = admin.get(f"/products/{product_id}/stock-movements?per_page=100{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def assert_invariant(admin, db, product):
    """Every variant's stock, read through the API, is its ledger's sum, never below 0;
    and the stored data keeps every promise."""
    fresh = admin.get(f"/products/{product['id']}").get_json()
    for variant in fresh["variants"]:
        ledger = movements_of(admin, product["id"], variant["id"])
        assert variant["stock"] == sum(m["delta"] for m in ledger), variant["sku"]
        assert variant["stock"] >= 0
    assert_holds(db)


def order(api, *lines, key=None):
    items = [dict(product_id=product["id"], quantity=quantity, **({"variant_id": variant["id"]} if variant else {}))
             for product, variant, quantity in lines]
    headers = {"Idempotency-Key": key} if key else None
    return api.post("/orders", json={"items": items, "shipping_address": ADDRESS}, headers=headers)


# Creating -------------------------------------------------------------------


def test_a_product_with_options_is_answered_with_its_variants_in_the_order_given(admin, db):
    response = admin.post("/products", json=tee_body())

    assert response.status_code == 201, response.get_json()
    product = response.get_json()
    assert product["options"] == SIZES
    assert [v["sku"] for v in product["variants"]] == ["TEE-S", "TEE-M", "TEE-L"]
    assert [v["options"] for v in product["variants"]] == [{"Size": "S"}, {"Size": "M"}, {"Size": "L"}]
    assert all(set(v) == {"id", "sku", "options", "price", "stock", "active"} for v in product["variants"])
    assert all(v["active"] for v in product["variants"])
    assert_invariant(admin, db, product)


def test_a_variant_without_a_price_takes_the_products_price(add_tee):
    product = add_tee()

    assert [v["price"] for v in product["variants"]] == [2000, 2200, 2500]


def test_each_variants_initial_stock_is_the_first_entry_of_its_own_ledger(admin, add_tee, db):
    product = add_tee()
    variants = by_sku(product)

    for sku, stock in (("TEE-S", 4), ("TEE-M", 7)):
        ledger = movements_of(admin, product["id"], variants[sku]["id"])
        assert [(m["delta"], m["reason"], m["variant_id"], m["sku"]) for m in ledger] == [
            (stock, "initial", variants[sku]["id"], sku)]
        assert variants[sku]["stock"] == stock
    assert movements_of(admin, product["id"], variants["TEE-L"]["id"]) == []
    assert variants["TEE-L"]["stock"] == 0
    assert_invariant(admin, db, product)


@pytest.mark.parametrize("change, field", [
    ({"sku": "TEE"}, "sku"),
    ({"stock": 5}, "stock"),
    ({"variants": None}, "variants"),
])
def test_a_product_with_options_refuses_a_top_level_sku_or_stock_and_needs_variants(admin, db, change, field):
    body = tee_body(**change)
    body = {key: value for key, value in body.items() if value is not None}

    details = assert_error(admin.post("/products", json=body), 422, "validation_error")

    assert field in details
    assert db.products.count_documents({}) == 0 and db.variants.count_documents({}) == 0


def test_variants_without_options_are_refused(admin, db):
    body = tee_body()
    del body["options"]

    details = assert_error(admin.post("/products", json=body), 422, "validation_error")

    assert "variants" in details
    assert db.variants.count_documents({}) == 0


@pytest.mark.parametrize("combination", [
    {"Colour": "Blue"},                   # an option the product does not have
    {"Size": "XL"},                       # a value the option does not have
    {},                                   # no value for Size
    {"Size": "S", "Colour": "Blue"},      # one option too many
])
def test_a_variant_naming_a_missing_option_or_value_is_refused(admin, db, combination):
    body = tee_body()
    body["variants"][1]["options"] = combination

    details = assert_error(admin.post("/products", json=body), 422, "validation_error")

    assert "variants" in details
    assert db.products.count_documents({}) == 0 and db.variants.count_documents({}) == 0


def test_two_variants_with_one_combination_are_refused(admin, db):
    body = tee_body()
    body["variants"][2]["options"] = {"Size": "S"}

    details = assert_error(admin.post("/products", json=body), 422, "validation_error")

    assert "variants" in details
    assert db.variants.count_documents({}) == 0


def test_more_than_three_options_are_refused(admin, db):
    options = [{"name": name, "values": ["a"]} for name in ("Size", "Colour", "Fit", "Sleeve")]
    body = {"name": "Too Many", "price": 100, "options": options,
            "variants": [{"sku": "MANY-1", "options": {o["name"]: "a" for o in options}}]}

    details = assert_error(admin.post("/products", json=body), 422, "validation_error")

    assert "options" in details
    assert db.products.count_documents({}) == 0


def test_three_options_are_accepted(admin):
    options = [{"name": name, "values": ["a"]} for name in ("Size", "Colour", "Fit")]
    body = {"name": "Three", "price": 100, "options": options,
            "variants": [{"sku": "THREE-1", "options": {o["name"]: "a" for o in options}}]}

    assert admin.post("/products", json=body).status_code == 201


@pytest.mark.parametrize("count, status", [(100, 201), (101, 422)])
def test_a_product_has_at_most_a_hundred_variants(admin, db, count, status):
    values = [f"v{index}" for index in range(count)]
    body = {"name": "Many Sizes", "price": 100, "options": [{"name": "Size", "values": values}],
            "variants": [{"sku": f"MANY-{value}", "options": {"Size": value}} for value in values]}

    response = admin.post("/products", json=body)

    assert response.status_code == status, response.get_json()
    assert db.variants.count_documents({}) == (count if status == 201 else 0)


def test_an_sku_taken_by_another_products_variant_is_409_and_nothing_is_stored(admin, add_tee, add_product, db):
    add_tee()
    before = db.variants.count_documents({})
    body = tee_body(name="Other Tee")
    for variant, sku in zip(body["variants"], ("OTHER-S", "TEE-M", "OTHER-L")):
        variant["sku"] = sku

    assert_error(admin.post("/products", json=body), 409, "conflict")
    assert_error(admin.post("/products", json={"sku": "TEE-S", "name": "Plain", "price": 1, "stock": 1}),
                 409, "conflict")

    assert db.variants.count_documents({}) == before
    assert db.products.count_documents({}) == 1


def test_one_sku_given_twice_in_one_body_is_422(admin, db):
    body = tee_body()
    body["variants"][2]["sku"] = "TEE-M"

    assert_error(admin.post("/products", json=body), 422, "validation_error")
    assert db.variants.count_documents({}) == 0


def test_an_sku_taken_by_a_v1_product_is_409_for_a_variant(admin, add_product, db):
    add_product("RETRO-CLOCK")
    body = tee_body()
    body["variants"][0]["sku"] = "RETRO-CLOCK"

    assert_error(admin.post("/products", json=body), 409, "conflict")
    assert db.products.count_documents({}) == 1


# Product answers ------------------------------------------------------------


def test_shoppers_see_active_variants_and_admins_see_all(admin, shopper, anonymous, add_tee):
    product = add_tee()
    archived = by_sku(product)["TEE-L"]
    assert admin.delete(f"/products/{product['id']}/variants/{archived['id']}").status_code == 204

    for api in (shopper, anonymous):
        seen = api.get(f"/products/{product['id']}").get_json()
        assert [v["sku"] for v in seen["variants"]] == ["TEE-S", "TEE-M"]
        listed = api.get("/products").get_json()["items"][0]
        assert [v["sku"] for v in listed["variants"]] == ["TEE-S", "TEE-M"]
    seen = admin.get(f"/products/{product['id']}").get_json()
    assert [(v["sku"], v["active"]) for v in seen["variants"]] == [
        ("TEE-S", True), ("TEE-M", True), ("TEE-L", False)]


def test_a_product_with_several_variants_answers_lowest_price_summed_stock_first_sku(add_tee, shopper):
    product = add_tee()

    seen = shopper.get(f"/products/{product['id']}").get_json()

    assert seen["price"] == 2000
    assert seen["stock"] == 11
    assert seen["sku"] == "TEE-S"
    assert seen["price_range"] == {"min": 2000, "max": 2500}
    assert seen["options"] == SIZES


def test_a_product_with_one_variant_answers_its_sku_price_and_stock(add_product, shopper):
    product = add_product("RETRO-CLOCK", stock=6, price=3450)

    seen = shopper.get(f"/products/{product['id']}").get_json()

    assert (seen["sku"], seen["price"], seen["stock"]) == ("RETRO-CLOCK", 3450, 6)
    assert seen["options"] == []
    assert seen["variants"] == [{"id": product["id"], "sku": "RETRO-CLOCK", "options": {}, "price": 3450,
                                 "stock": 6, "active": True}]
    assert seen["price_range"] == {"min": 3450, "max": 3450}


def test_a_product_with_options_but_one_variant_answers_that_variants_figures(admin):
    body = {"name": "Solo", "price": 900, "options": SIZES,
            "variants": [{"sku": "SOLO-M", "options": {"Size": "M"}, "price": 1100, "stock": 2}]}

    seen = admin.post("/products", json=body).get_json()

    assert (seen["sku"], seen["price"], seen["stock"]) == ("SOLO-M", 1100, 2)


def test_archiving_the_cheapest_variant_moves_the_price_range_and_the_first_sku(admin, add_tee, shopper):
    product = add_tee()
    small = by_sku(product)["TEE-S"]

    assert admin.delete(f"/products/{product['id']}/variants/{small['id']}").status_code == 204

    seen = shopper.get(f"/products/{product['id']}").get_json()
    assert seen["price_range"] == {"min": 2200, "max": 2500}
    assert (seen["sku"], seen["price"], seen["stock"]) == ("TEE-M", 2200, 7)


def listed_skus(api, query):
    response = api.get(f"/products?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["sku"] for item in response.get_json()["items"]]


def test_price_filters_match_when_any_active_variant_is_in_range(add_tee, add_product, admin, anonymous):
    tee = add_tee()                                   # 2000, 2200, 2500
    add_product("RETRO-CLOCK", price=3450)

    assert listed_skus(anonymous, "min_price=2100&max_price=2300") == ["TEE-S"]   # only M is in range
    assert listed_skus(anonymous, "min_price=2400&max_price=2600") == ["TEE-S"]
    assert listed_skus(anonymous, "min_price=2600&max_price=3000") == []
    assert sorted(listed_skus(anonymous, "min_price=2450")) == ["RETRO-CLOCK", "TEE-S"]
    assert listed_skus(anonymous, "max_price=1999") == []

    large = by_sku(tee)["TEE-L"]
    admin.delete(f"/products/{tee['id']}/variants/{large['id']}")
    assert listed_skus(anonymous, "min_price=2400&max_price=2600") == []   # archived prices do not match


def test_sort_by_price_uses_the_range_minimum_and_descending_the_maximum(admin, add_product, anonymous):
    add_product("MID-CLOCK", price=2300)
    body = {"name": "Wide Tee", "price": 1000, "options": SIZES, "variants": [
        {"sku": "WIDE-S", "options": {"Size": "S"}, "price": 1000},
        {"sku": "WIDE-L", "options": {"Size": "L"}, "price": 5000},
    ]}
    assert admin.post("/products", json=body).status_code == 201
    add_product("TOP-CLOCK", price=4000)

    assert listed_skus(anonymous, "sort=price") == ["WIDE-S", "MID-CLOCK", "TOP-CLOCK"]
    assert listed_skus(anonymous, "sort=-price") == ["WIDE-S", "TOP-CLOCK", "MID-CLOCK"]


# PATCH of the product ----------------------------------------------------------


def test_patch_may_add_option_values(admin, add_tee):
    product = add_tee()
    options = [{"name": "Size", "values": ["S", "M", "L", "XL"]}]

    response = admin.patch(f"/products/{product['id']}", json={"options": options})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["options"] == options
    added = admin.post(f"/products/{product['id']}/variants", json={"sku": "TEE-XL", "options": {"Size": "XL"}})
    assert added.status_code == 201, added.get_json()


def test_patch_may_remove_a_value_no_variant_uses(admin):
    body = tee_body()
    body["variants"] = body["variants"][:2]
    product = admin.post("/products", json=body).get_json()

    response = admin.patch(f"/products/{product['id']}", json={"options": [{"name": "Size", "values": ["S", "M"]}]})

    assert response.status_code == 200, response.get_json()


def test_patch_cannot_remove_a_value_a_variant_uses(admin, add_tee):
    product = add_tee()

    details = assert_error(admin.patch(f"/products/{product['id']}",
                                       json={"options": [{"name": "Size", "values": ["S", "M"]}]}),
                           422, "validation_error")

    assert "options" in details
    assert admin.get(f"/products/{product['id']}").get_json()["options"] == SIZES


def test_patch_cannot_remove_a_value_an_archived_variant_uses(admin, add_tee):
    product = add_tee()
    admin.delete(f"/products/{product['id']}/variants/{by_sku(product)['TEE-L']['id']}")

    assert_error(admin.patch(f"/products/{product['id']}",
                             json={"options": [{"name": "Size", "values": ["S", "M"]}]}), 422, "validation_error")


def test_patch_of_price_on_a_product_with_several_variants_is_422(admin, add_tee):
    product = add_tee()

    details = assert_error(admin.patch(f"/products/{product['id']}", json={"price": 1}), 422, "validation_error")

    assert "price" in details
    assert [v["price"] for v in admin.get(f"/products/{product['id']}").get_json()["variants"]] == [2000, 2200, 2500]


def test_patch_of_price_on_a_product_with_one_variant_changes_that_variant(admin, add_product):
    product = add_product("RETRO-CLOCK", price=3450)

    response = admin.patch(f"/products/{product['id']}", json={"price": 2999})

    assert response.status_code == 200
    assert response.get_json()["price"] == 2999
    assert response.get_json()["variants"][0]["price"] == 2999


# The variants endpoints -------------------------------------------------------


def test_adding_a_variant_answers_the_variant_and_records_its_initial_stock(admin, db):
    body = tee_body()
    body["variants"] = body["variants"][:2]
    product = admin.post("/products", json=body).get_json()

    response = admin.post(f"/products/{product['id']}/variants",
                          json={"sku": "TEE-L", "options": {"Size": "L"}, "stock": 3})

    assert response.status_code == 201, response.get_json()
    variant = response.get_json()
    assert variant == {"id": variant["id"], "sku": "TEE-L", "options": {"Size": "L"}, "price": 2000, "stock": 3,
                       "active": True}
    ledger = movements_of(admin, product["id"], variant["id"])
    assert [(m["delta"], m["reason"], m["sku"]) for m in ledger] == [(3, "initial", "TEE-L")]
    seen = admin.get(f"/products/{product['id']}").get_json()
    assert [v["sku"] for v in seen["variants"]] == ["TEE-S", "TEE-M", "TEE-L"]
    assert seen["stock"] == 14
    assert_invariant(admin, db, product)


def test_an_added_variant_takes_its_own_price_when_given(admin):
    body = tee_body()
    body["variants"] = body["variants"][:1]
    product = admin.post("/products", json=body).get_json()

    variant = admin.post(f"/products/{product['id']}/variants",
                         json={"sku": "TEE-L", "options": {"Size": "L"}, "price": 2750}).get_json()

    assert variant["price"] == 2750
    assert admin.get(f"/products/{product['id']}").get_json()["price_range"] == {"min": 2000, "max": 2750}


def test_adding_a_variant_with_a_taken_sku_or_combination_is_409(admin, add_product, db):
    add_product("RETRO-CLOCK")
    body = tee_body()
    body["variants"] = body["variants"][:2]
    product = admin.post("/products", json=body).get_json()
    before = db.variants.count_documents({})

    assert_error(admin.post(f"/products/{product['id']}/variants",
                            json={"sku": "RETRO-CLOCK", "options": {"Size": "L"}}), 409, "conflict")
    assert_error(admin.post(f"/products/{product['id']}/variants",
                            json={"sku": "TEE-M2", "options": {"Size": "M"}}), 409, "conflict")

    assert db.variants.count_documents({}) == before


@pytest.mark.parametrize("combination", [{"Size": "XL"}, {"Colour": "Red"}, {}])
def test_adding_a_variant_that_names_a_missing_option_or_value_is_422(admin, add_tee, db, combination):
    product = add_tee()

    assert_error(admin.post(f"/products/{product['id']}/variants", json={"sku": "TEE-X", "options": combination}),
                 422, "validation_error")

    assert db.variants.count_documents({}) == 3


def test_patching_a_variant_changes_price_sku_and_active_and_answers_the_variant(admin, add_tee, shopper):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    response = admin.patch(f"/products/{product['id']}/variants/{medium['id']}",
                           json={"price": 1500, "sku": "TEE-MEDIUM"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == dict(medium, price=1500, sku="TEE-MEDIUM")
    seen = shopper.get(f"/products/{product['id']}").get_json()
    assert seen["price_range"] == {"min": 1500, "max": 2500}
    assert seen["price"] == 1500
    assert listed_skus(shopper, "max_price=1600") == ["TEE-S"]

    off = admin.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"active": False})
    assert off.get_json()["active"] is False
    assert [v["sku"] for v in shopper.get(f"/products/{product['id']}").get_json()["variants"]] == ["TEE-S", "TEE-L"]


def test_patching_a_variant_never_changes_its_stock(admin, add_tee, db):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    details = assert_error(admin.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"stock": 99}),
                           422, "validation_error")

    assert "stock" in details
    assert by_sku(admin.get(f"/products/{product['id']}").get_json())["TEE-M"]["stock"] == 7
    assert_invariant(admin, db, product)


def test_patching_a_variants_sku_to_a_taken_one_is_409(admin, add_tee, add_product):
    add_product("RETRO-CLOCK")
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    assert_error(admin.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"sku": "TEE-S"}),
                 409, "conflict")
    assert_error(admin.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"sku": "RETRO-CLOCK"}),
                 409, "conflict")

    assert by_sku(admin.get(f"/products/{product['id']}").get_json())["TEE-M"]["id"] == medium["id"]


def test_an_archived_variant_is_off_sale_hidden_from_shoppers_and_kept_in_past_orders(admin, add_tee, shopper, db):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]
    placed = order(shopper, (product, medium, 2))
    assert placed.status_code == 201, placed.get_json()

    assert admin.delete(f"/products/{product['id']}/variants/{medium['id']}").status_code == 204

    seen = shopper.get(f"/products/{product['id']}").get_json()
    assert "TEE-M" not in by_sku(seen)
    assert seen["stock"] == 4                         # the archived variant's units are not for sale
    assert by_sku(admin.get(f"/products/{product['id']}").get_json())["TEE-M"]["active"] is False
    assert by_sku(admin.get(f"/products/{product['id']}").get_json())["TEE-M"]["stock"] == 5
    refused = order(shopper, (product, medium, 1))
    assert refused.status_code == 422, refused.get_json()
    line = shopper.get(f"/orders/{placed.get_json()['id']}").get_json()["items"][0]
    assert (line["variant_id"], line["sku"], line["options"]) == (medium["id"], "TEE-M", {"Size": "M"})
    assert_invariant(admin, db, product)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_variant_of_another_product_is_404(admin, add_tee, add_product, method):
    tee = add_tee()
    clock = add_product("RETRO-CLOCK")
    medium = by_sku(tee)["TEE-M"]

    response = admin.open(f"/products/{clock['id']}/variants/{medium['id']}", method, json={"price": 1})

    assert_error(response, 404, "not_found")
    assert by_sku(admin.get(f"/products/{tee['id']}").get_json())["TEE-M"]["active"] is True


def test_shoppers_cannot_use_the_variant_endpoints(shopper, add_tee):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    assert shopper.post(f"/products/{product['id']}/variants",
                        json={"sku": "TEE-XL", "options": {"Size": "L"}}).status_code == 403
    assert shopper.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"price": 1}).status_code == 403
    assert shopper.delete(f"/products/{product['id']}/variants/{medium['id']}").status_code == 403


# Stock per variant ------------------------------------------------------------


def test_a_stock_adjustment_moves_only_the_named_variant(admin, add_tee, db):
    product = add_tee()
    medium, small = by_sku(product)["TEE-M"], by_sku(product)["TEE-S"]

    response = admin.post(f"/products/{product['id']}/stock-adjustments",
                          json={"variant_id": medium["id"], "delta": 5, "reason": "restock"})

    assert response.status_code == 201, response.get_json()
    movement = response.get_json()["movement"]
    assert (movement["variant_id"], movement["sku"], movement["delta"], movement["stock_after"]) == (
        medium["id"], "TEE-M", 5, 12)
    after = by_sku(response.get_json()["product"])
    assert (after["TEE-M"]["stock"], after["TEE-S"]["stock"]) == (12, 4)
    assert [m["sku"] for m in movements_of(admin, product["id"], small["id"])] == ["TEE-S"]
    assert_invariant(admin, db, product)


def test_a_stock_adjustment_without_variant_id_is_422_with_several_variants(admin, add_tee, db):
    product = add_tee()

    details = assert_error(admin.post(f"/products/{product['id']}/stock-adjustments",
                                      json={"delta": 5, "reason": "restock"}), 422, "validation_error")

    assert "variant_id" in details
    assert db.stock_movements.count_documents({}) == 2


def test_the_ledger_without_variant_id_lists_every_variants_movements_each_naming_its_variant(admin, add_tee):
    product = add_tee()
    variants = by_sku(product)
    admin.post(f"/products/{product['id']}/stock-adjustments",
               json={"variant_id": variants["TEE-L"]["id"], "delta": 3, "reason": "restock"})

    movements = movements_of(admin, product["id"])

    assert sorted((m["sku"], m["variant_id"], m["delta"]) for m in movements) == [
        ("TEE-L", variants["TEE-L"]["id"], 3), ("TEE-M", variants["TEE-M"]["id"], 7),
        ("TEE-S", variants["TEE-S"]["id"], 4)]
    assert movements[0]["sku"] == "TEE-L"  # newest first


def test_a_stock_adjustment_without_variant_id_moves_the_only_variant(admin, add_product, db):
    product = add_product("RETRO-CLOCK", stock=10)

    response = admin.post(f"/products/{product['id']}/stock-adjustments", json={"delta": -3, "reason": "damaged"})

    assert response.status_code == 201
    assert response.get_json()["movement"]["variant_id"] == product["id"]
    assert response.get_json()["product"]["stock"] == 7
    assert_invariant(admin, db, product)


def test_a_write_off_below_zero_is_refused_and_names_the_variant(admin, add_tee, db):
    product = add_tee()
    small = by_sku(product)["TEE-S"]

    details = assert_error(admin.post(f"/products/{product['id']}/stock-adjustments",
                                      json={"variant_id": small["id"], "delta": -5, "reason": "damaged"}),
                           409, "insufficient_stock")

    assert details["items"] == [{"product_id": product["id"], "variant_id": small["id"], "requested": 5,
                                 "available": 4}]
    assert by_sku(admin.get(f"/products/{product['id']}").get_json())["TEE-S"]["stock"] == 4
    assert_invariant(admin, db, product)


def test_a_stock_adjustment_for_another_products_variant_is_404(admin, add_tee, add_product):
    tee = add_tee()
    clock = add_product("RETRO-CLOCK")

    assert_error(admin.post(f"/products/{clock['id']}/stock-adjustments",
                            json={"variant_id": by_sku(tee)["TEE-S"]["id"], "delta": 1, "reason": "restock"}),
                 404, "not_found")


def test_stock_movements_carry_variant_id_and_sku_and_filter_by_variant(admin, add_tee):
    product = add_tee()
    variants = by_sku(product)

    everything = movements_of(admin, product["id"])
    only_m = movements_of(admin, product["id"], variants["TEE-M"]["id"])

    assert sorted((m["variant_id"], m["sku"]) for m in everything) == sorted(
        [(variants["TEE-S"]["id"], "TEE-S"), (variants["TEE-M"]["id"], "TEE-M")])
    assert [(m["variant_id"], m["sku"]) for m in only_m] == [(variants["TEE-M"]["id"], "TEE-M")]


def test_low_stock_lists_variants_with_the_contracts_fields(admin, add_tee, add_product):
    product = add_tee()                    # S 4, M 7, L 0
    add_product("RETRO-CLOCK", stock=2)
    variants = by_sku(product)

    response = admin.get("/inventory/low-stock?threshold=5")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert all(set(item) == {"product_id", "variant_id", "sku", "name", "options", "stock"} for item in items)
    assert items == [
        {"product_id": product["id"], "variant_id": variants["TEE-L"]["id"], "sku": "TEE-L", "name": "Field Tee",
         "options": {"Size": "L"}, "stock": 0},
        {"product_id": items[1]["product_id"], "variant_id": items[1]["product_id"], "sku": "RETRO-CLOCK",
         "name": "Retro Clock", "options": {}, "stock": 2},
        {"product_id": product["id"], "variant_id": variants["TEE-S"]["id"], "sku": "TEE-S", "name": "Field Tee",
         "options": {"Size": "S"}, "stock": 4},
    ]


def test_low_stock_leaves_out_archived_variants(admin, add_tee):
    product = add_tee()
    admin.delete(f"/products/{product['id']}/variants/{by_sku(product)['TEE-L']['id']}")

    skus = [item["sku"] for item in admin.get("/inventory/low-stock?threshold=5").get_json()["items"]]

    assert skus == ["TEE-S"]


# Orders -------------------------------------------------------------------------


def test_an_order_line_copies_the_variants_id_sku_options_and_price(admin, add_tee, shopper, db):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    response = order(shopper, (product, medium, 2))

    assert response.status_code == 201, response.get_json()
    line = response.get_json()["items"][0]
    assert (line["product_id"], line["variant_id"], line["sku"], line["options"], line["unit_price"],
            line["quantity"]) == (product["id"], medium["id"], "TEE-M", {"Size": "M"}, 2200, 2)
    after = by_sku(admin.get(f"/products/{product['id']}").get_json())
    assert (after["TEE-S"]["stock"], after["TEE-M"]["stock"], after["TEE-L"]["stock"]) == (4, 5, 0)
    assert_invariant(admin, db, product)


def test_an_order_line_without_variant_id_is_422_with_several_variants(add_tee, shopper, admin, db):
    product = add_tee()

    assert_error(order(shopper, (product, None, 1)), 422, "validation_error")

    assert db.orders.count_documents({"status": {"$ne": "rejected"}}) == 0
    assert admin.get(f"/products/{product['id']}").get_json()["stock"] == 11
    assert_invariant(admin, db, product)


def test_an_order_line_with_a_variant_of_another_product_is_422(add_tee, add_product, shopper, admin):
    tee = add_tee()
    clock = add_product("RETRO-CLOCK")

    response = order(shopper, (clock, by_sku(tee)["TEE-M"], 1))

    assert response.status_code == 422, response.get_json()
    assert by_sku(admin.get(f"/products/{tee['id']}").get_json())["TEE-M"]["stock"] == 7


def test_insufficient_stock_names_the_short_variant_and_takes_nothing(add_tee, shopper, admin, db):
    product = add_tee()
    small, medium = by_sku(product)["TEE-S"], by_sku(product)["TEE-M"]

    details = assert_error(order(shopper, (product, small, 1), (product, medium, 8)), 409, "insufficient_stock")

    assert details["items"] == [{"product_id": product["id"], "variant_id": medium["id"], "requested": 8,
                                 "available": 7}]
    after = by_sku(admin.get(f"/products/{product['id']}").get_json())
    assert (after["TEE-S"]["stock"], after["TEE-M"]["stock"]) == (4, 7)
    assert_invariant(admin, db, product)


def test_cancelling_an_order_gives_each_variant_back_its_own_units(add_tee, shopper, admin, db):
    product = add_tee()
    small, medium = by_sku(product)["TEE-S"], by_sku(product)["TEE-M"]
    placed = order(shopper, (product, small, 1), (product, medium, 3)).get_json()

    response = shopper.post(f"/orders/{placed['id']}/cancel")

    assert response.status_code == 200, response.get_json()
    after = by_sku(admin.get(f"/products/{product['id']}").get_json())
    assert (after["TEE-S"]["stock"], after["TEE-M"]["stock"]) == (4, 7)
    reasons = sorted((m["sku"], m["reason"], m["delta"]) for m in movements_of(admin, product["id"])
                     if m["reason"] == "order_cancelled")
    assert reasons == [("TEE-M", "order_cancelled", 3), ("TEE-S", "order_cancelled", 1)]
    assert_invariant(admin, db, product)


# v1 requests, unchanged ---------------------------------------------------------


def test_a_v1_product_and_order_work_as_in_v1(admin, shopper, db):
    created = admin.post("/products", json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450, "stock": 10})
    assert created.status_code == 201
    product = created.get_json()
    assert (product["sku"], product["price"], product["stock"], product["active"]) == ("RETRO-CLOCK", 3450, 10, True)

    placed = shopper.post("/orders", json={"items": [{"product_id": product["id"], "quantity": 3}],
                                           "shipping_address": ADDRESS})
    adjusted = admin.post(f"/products/{product['id']}/stock-adjustments", json={"delta": 2, "reason": "restock"})

    assert placed.status_code == 201, placed.get_json()
    line = placed.get_json()["items"][0]
    assert (line["product_id"], line["sku"], line["quantity"], line["unit_price"]) == (
        product["id"], "RETRO-CLOCK", 3, 3450)
    assert adjusted.status_code == 201
    assert admin.get(f"/products/{product['id']}").get_json()["stock"] == 9
    ledger = movements_of(admin, product["id"])
    assert sorted(m["delta"] for m in ledger) == [-3, 2, 10]
    assert_invariant(admin, db, product)


def test_a_v1_shortage_reads_as_in_v1_plus_the_variant(add_product, shopper):
    product = add_product("RETRO-CLOCK", stock=1)

    details = assert_error(shopper.post("/orders", json={"items": [{"product_id": product["id"], "quantity": 2}],
                                                          "shipping_address": ADDRESS}), 409, "insufficient_stock")

    assert details["items"] == [{"product_id": product["id"], "variant_id": product["id"], "requested": 2,
                                 "available": 1}]


def test_patching_a_variant_with_its_own_unchanged_sku_is_not_a_conflict(admin, add_tee):
    product = add_tee()
    medium = by_sku(product)["TEE-M"]

    response = admin.patch(f"/products/{product['id']}/variants/{medium['id']}", json={"sku": "TEE-M", "price": 2100})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["price"] == 2100

