"""`/api/v1/categories` and products in categories, through the JSON API."""
import pytest

from shop.categories.model import MAX_DEPTH, MAX_PER_PRODUCT
from tests.conftest import assert_error

CATEGORY_FIELDS = {"id", "slug", "name", "description", "parent_id", "children"}


@pytest.fixture
def add_category(admin):
    """add_category(name, parent=None, **fields) -> the category's JSON."""
    def make(name, parent=None, **fields):
        body = {"name": name, **fields}
        if parent is not None:
            body["parent_id"] = parent["id"]
        response = admin.post("/categories", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def kitchen(add_category):
    """Kitchen > Tea and coffee > Teapots, and Kitchen > Cooking."""
    kitchen = add_category("Kitchen", description="Things to cook with.")
    tea = add_category("Tea and coffee", kitchen)
    teapots = add_category("Teapots", tea)
    cooking = add_category("Cooking", kitchen)
    return {"kitchen": kitchen, "tea": tea, "teapots": teapots, "cooking": cooking}


def names(nodes):
    return [(node["name"], names(node["children"])) for node in nodes]


def test_anyone_reads_the_categories_as_a_tree_in_name_order(anonymous, kitchen, add_category):
    add_category("Desk")

    response = anonymous.get("/categories")

    assert response.status_code == 200
    tree = response.get_json()
    assert names(tree) == [("Desk", []), ("Kitchen", [("Cooking", []), ("Tea and coffee", [("Teapots", [])])])]
    assert set(tree[1]) == CATEGORY_FIELDS
    assert tree[1]["parent_id"] is None and tree[1]["children"][1]["parent_id"] == kitchen["kitchen"]["id"]
    assert tree[1]["description"] == "Things to cook with."


def test_a_category_is_found_by_id_in_any_case_and_by_slug_with_its_subcategories(anonymous, kitchen):
    tea = kitchen["tea"]

    by_id = anonymous.get(f"/categories/{tea['id'].upper()}").get_json()
    by_slug = anonymous.get("/categories/tea-and-coffee").get_json()

    assert by_id == by_slug
    assert by_slug["id"] == tea["id"] and names([by_slug]) == [("Tea and coffee", [("Teapots", [])])]
    assert_error(anonymous.get("/categories/no-such-thing"), 404, "not_found")
    assert_error(anonymous.get("/categories/" + "a" * 24), 404, "not_found")


def test_creating_makes_a_slug_from_the_name_and_numbers_it_when_taken(admin, add_category):
    first = add_category("Tea & Coffee")
    second = add_category("Tea & Coffee")

    assert (first["slug"], second["slug"]) == ("tea-coffee", "tea-coffee-2")
    created = admin.post("/categories", json={"name": "Mugs"})
    assert created.headers["Location"] == f"/api/v1/categories/{created.get_json()['id']}"


def test_a_slug_that_is_taken_is_a_conflict_on_create_and_on_change(admin, add_category):
    add_category("Kitchen")
    desk = add_category("Desk")

    taken = admin.post("/categories", json={"name": "Cuisine", "slug": "kitchen"})
    assert "slug" in assert_error(taken, 409, "conflict")
    assert "slug" in assert_error(admin.patch(f"/categories/{desk['id']}", json={"slug": "kitchen"}), 409, "conflict")
    assert admin.get(f"/categories/{desk['id']}").get_json()["slug"] == "desk"


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": "   "}, "name"), ({"name": "x" * 101}, "name"),
    ({"name": "A", "slug": "Not A Slug"}, "slug"),
    ({"name": "A", "parent_id": "nope"}, "parent_id"), ({"name": "A", "parent_id": "a" * 24}, "parent_id"),
    ({"name": "A", "position": 1}, "position"),
])
def test_a_bad_category_is_refused_naming_its_field(admin, db, body, field):
    details = assert_error(admin.post("/categories", json=body), 422, "validation_error")

    assert field in details and details[field][0].endswith(".")
    assert db.categories.count_documents({}) == 0


def test_only_admins_change_categories(shopper, anonymous, kitchen):
    tea = kitchen["tea"]

    assert_error(shopper.post("/categories", json={"name": "Mine"}), 403, "forbidden")
    assert_error(shopper.patch(f"/categories/{tea['id']}", json={"name": "Mine"}), 403, "forbidden")
    assert_error(shopper.delete(f"/categories/{tea['id']}"), 403, "forbidden")
    assert_error(anonymous.post("/categories", json={"name": "Mine"}), 401, "unauthorized")


def test_a_category_is_renamed_described_and_moved_with_its_subcategories(admin, anonymous, kitchen, add_category):
    desk = add_category("Desk")

    response = admin.patch(f"/categories/{kitchen['tea']['id']}",
                           json={"name": "Tea", "description": "Leaves.", "parent_id": desk["id"]})

    assert response.status_code == 200
    assert response.get_json()["parent_id"] == desk["id"] and response.get_json()["description"] == "Leaves."
    assert names(anonymous.get("/categories").get_json()) == [
        ("Desk", [("Tea", [("Teapots", [])])]), ("Kitchen", [("Cooking", [])])]
    made_top = admin.patch(f"/categories/{kitchen['tea']['id']}", json={"parent_id": None}).get_json()
    assert made_top["parent_id"] is None


@pytest.mark.parametrize("moved, under", [("kitchen", "kitchen"), ("kitchen", "tea"), ("kitchen", "teapots"),
                                          ("tea", "teapots")])
def test_a_parent_that_would_make_a_loop_is_refused_and_nothing_changes(admin, anonymous, kitchen, moved, under):
    before = anonymous.get("/categories").get_json()

    response = admin.patch(f"/categories/{kitchen[moved]['id']}", json={"parent_id": kitchen[under]["id"], "name": "X"})

    assert "parent_id" in assert_error(response, 422, "validation_error")
    assert anonymous.get("/categories").get_json() == before


def test_an_unknown_parent_is_refused(admin, kitchen):
    response = admin.patch(f"/categories/{kitchen['tea']['id']}", json={"parent_id": "b" * 24})

    assert "parent_id" in assert_error(response, 422, "validation_error")


def test_the_tree_goes_at_most_max_depth_levels_deep(admin, add_category):
    chain = [add_category("Level 1")]
    for level in range(2, MAX_DEPTH + 1):
        chain.append(add_category(f"Level {level}", chain[-1]))
    other = add_category("Other")
    add_category("Other child", other)

    too_deep = admin.post("/categories", json={"name": "Too deep", "parent_id": chain[-1]["id"]})
    # Moving a category with a child under level MAX_DEPTH - 1 would put the child one level too deep.
    moved_too_deep = admin.patch(f"/categories/{other['id']}", json={"parent_id": chain[-2]["id"]})

    assert "parent_id" in assert_error(too_deep, 422, "validation_error")
    assert "parent_id" in assert_error(moved_too_deep, 422, "validation_error")
    assert admin.patch(f"/categories/{other['id']}", json={"parent_id": chain[-3]["id"]}).status_code == 200


def test_a_category_with_subcategories_or_products_is_not_deleted(admin, anonymous, kitchen, add_product):
    add_product("TEAPOT-CAST", category_ids=[kitchen["teapots"]["id"]])

    with_children = admin.delete(f"/categories/{kitchen['kitchen']['id']}")
    with_product = admin.delete(f"/categories/{kitchen['teapots']['id']}")

    assert "subcategories" in with_children.get_json()["error"]["message"]
    assert_error(with_children, 409, "conflict")
    assert "1 product" in with_product.get_json()["error"]["message"]
    assert_error(with_product, 409, "conflict")
    assert anonymous.get(f"/categories/{kitchen['teapots']['id']}").status_code == 200


def test_an_archived_product_still_keeps_its_category_from_being_deleted(admin, kitchen, add_product):
    teapot = add_product("TEAPOT-CAST", category_ids=[kitchen["teapots"]["id"]])
    admin.delete(f"/products/{teapot['id']}")

    assert_error(admin.delete(f"/categories/{kitchen['teapots']['id']}"), 409, "conflict")


def test_a_deleted_category_is_gone(admin, anonymous, kitchen):
    response = admin.delete(f"/categories/{kitchen['cooking']['id']}")

    assert response.status_code == 204
    assert_error(anonymous.get(f"/categories/{kitchen['cooking']['id']}"), 404, "not_found")
    assert_error(admin.patch(f"/categories/{kitchen['cooking']['id']}", json={"name": "Back"}), 404, "not_found")
    assert_error(admin.delete(f"/categories/{kitchen['cooking']['id']}"), 404, "not_found")
    assert names(anonymous.get("/categories").get_json()) == [("Kitchen", [("Tea and coffee", [("Teapots", [])])])]


# Products in categories ---------------------------------------------------------------


def test_a_product_is_put_in_categories_on_create_and_on_change(admin, anonymous, kitchen, add_product):
    tea, cooking = kitchen["tea"]["id"], kitchen["cooking"]["id"]
    mug = add_product("MUG-STONE", category_ids=[tea, tea.upper()])
    plain = add_product("BOARD-OAK")

    assert mug["category_ids"] == [tea] and plain["category_ids"] == []
    changed = admin.patch(f"/products/{mug['id']}", json={"category_ids": [cooking, tea]}).get_json()
    assert changed["category_ids"] == [cooking, tea]
    assert anonymous.get(f"/products/{mug['id']}").get_json()["category_ids"] == [cooking, tea]
    assert admin.patch(f"/products/{mug['id']}", json={"category_ids": []}).get_json()["category_ids"] == []


@pytest.mark.parametrize("category_ids", [["c" * 24], "kitchen", [5], ["not-an-id"], None])
def test_categories_that_do_not_exist_are_refused_and_nothing_is_stored(admin, db, kitchen, category_ids):
    response = admin.post("/products", json={"sku": "MUG-STONE", "name": "Mug", "price": 1800,
                                             "category_ids": category_ids})

    assert "category_ids" in assert_error(response, 422, "validation_error")
    assert db.products.count_documents({}) == 0


def test_a_product_is_in_at_most_the_allowed_number_of_categories(admin, add_category, add_product):
    many = [add_category(f"Category {n}")["id"] for n in range(MAX_PER_PRODUCT + 1)]
    mug = add_product("MUG-STONE", category_ids=many[:MAX_PER_PRODUCT])

    response = admin.patch(f"/products/{mug['id']}", json={"category_ids": many})

    assert "category_ids" in assert_error(response, 422, "validation_error")
    assert admin.get(f"/products/{mug['id']}").get_json()["category_ids"] == many[:MAX_PER_PRODUCT]


def test_the_category_filter_lists_a_category_and_all_its_descendants(anonymous, admin, kitchen, add_product):
    add_product("TEAPOT-CAST", category_ids=[kitchen["teapots"]["id"]])
    add_product("MUG-STONE", category_ids=[kitchen["tea"]["id"], kitchen["cooking"]["id"]])
    add_product("KNIFE-CHEF", category_ids=[kitchen["cooking"]["id"]])
    add_product("LAMP-DESK")
    archived = add_product("KETTLE-OLD", category_ids=[kitchen["teapots"]["id"]])
    admin.delete(f"/products/{archived['id']}")

    def skus(category):
        body = anonymous.get(f"/products?category={category}&sort=name").get_json()
        return sorted(item["sku"] for item in body["items"]), body["total"]

    assert skus("kitchen") == (["KNIFE-CHEF", "MUG-STONE", "TEAPOT-CAST"], 3)  # each product once
    assert skus(kitchen["tea"]["id"].upper()) == (["MUG-STONE", "TEAPOT-CAST"], 2)
    assert skus("teapots") == (["TEAPOT-CAST"], 1)
    assert skus("cooking") == (["KNIFE-CHEF", "MUG-STONE"], 2)
    all_teapots = admin.get("/products?category=teapots&active=all").get_json()
    assert all_teapots["total"] == 2


def test_the_category_filter_combines_with_search_price_and_paging(anonymous, kitchen, add_product):
    for n in range(5):
        add_product(f"MUG-{n}", name=f"Mug {n}", price=1000 + n, category_ids=[kitchen["tea"]["id"]])
    add_product("TEAPOT-CAST", name="Teapot", price=5900, category_ids=[kitchen["teapots"]["id"]])

    body = anonymous.get("/products?category=kitchen&q=mug&max_price=1003&sort=-price&per_page=2&page=2").get_json()

    assert body["total"] == 4
    assert [item["sku"] for item in body["items"]] == ["MUG-1", "MUG-0"]


def test_an_unknown_category_lists_no_products(anonymous, add_product):
    add_product("MUG-STONE")

    for category in ("no-such-category", "d" * 24):
        response = anonymous.get(f"/products?category={category}")
        assert response.status_code == 200
        assert response.get_json()["items"] == [] and response.get_json()["total"] == 0
    assert_error(anonymous.get("/products?category="), 422, "validation_error")


def test_deleting_a_category_leaves_no_product_in_it(admin, kitchen, add_product, db, app):
    """The delete that races an assignment: the assignment lands after the delete checked for
    products; the delete takes the category out of the product when it is done."""
    from shop.categories import services
    from shop.categories.repository import CategoryRepository
    from shop.clock import utcnow
    from shop.products.repository import ProductRepository

    cooking = kitchen["cooking"]["id"]
    knife = add_product("KNIFE-CHEF")
    products = ProductRepository(db)
    count = products.count_in_category

    def racing_count(category_id):
        found = count(category_id)  # nothing yet; then an admin assigns the knife at that moment
        db.products.update_one({"sku": "KNIFE-CHEF"}, {"$set": {"category_ids": [cooking]}})
        return found

    products.count_in_category = racing_count
    services.delete_category(CategoryRepository(db), products, cooking, utcnow())

    assert admin.get(f"/products/{knife['id']}").get_json()["category_ids"] == []
    assert_error(admin.get(f"/categories/{cooking}"), 404, "not_found")


def test_an_assignment_that_lands_after_a_delete_drops_that_category(admin, kitchen, db):
    """The other order: the product is written after the category is gone."""
    from shop.categories.repository import CategoryRepository
    from shop.clock import utcnow
    from shop.products import services
    from shop.products.repository import LedgerRepository, ProductRepository

    categories = CategoryRepository(db)
    cooking, tea = kitchen["cooking"]["id"], kitchen["tea"]["id"]
    existing = categories.existing

    def deleted_right_after_the_check(ids):
        found = existing(ids)
        db.categories.delete_one({"slug": "cooking"})  # another admin's delete, finished meanwhile
        categories.existing = existing
        return found

    categories.existing = deleted_right_after_the_check
    data = {"sku": "KNIFE-CHEF", "name": "Knife", "price": 100, "category_ids": [cooking, tea]}
    product = services.create_product(ProductRepository(db), LedgerRepository(db), data, None, utcnow(),
                                      categories=categories)

    assert product.category_ids == [tea]
    assert admin.get(f"/products/{product.id}").get_json()["category_ids"] == [tea]


def test_a_move_left_in_the_log_by_a_dead_process_is_made_before_the_next_change(admin, anonymous, kitchen, db):
    """A process that logged a move and died before making it: the next change makes it first."""
    from shop.categories.repository import CategoryRepository

    categories = CategoryRepository(db)
    version, _ = categories.log_state()
    categories.claim(version, {"kind": "move", "category_id": kitchen["cooking"]["id"],
                               "parent_id": kitchen["tea"]["id"]})

    admin.patch(f"/categories/{kitchen['teapots']['id']}", json={"parent_id": kitchen["kitchen"]["id"]})

    assert names(anonymous.get("/categories").get_json()) == [
        ("Kitchen", [("Tea and coffee", [("Cooking", [])]), ("Teapots", [])])]
    assert categories.log_state() == (version + 2, None)


def test_two_admins_moving_two_categories_under_each_other_never_make_a_loop(app, admin, kitchen, add_category):
    """Desk under Garden and Garden under Desk, at once, many times: one wins, the other is 422."""
    from tests.racing import race

    for round_ in range(5):
        desk, garden = add_category(f"Desk {round_}"), add_category(f"Garden {round_}")
        moves = [(desk, garden), (garden, desk)]

        def move(pair):
            client = app.test_client()
            return lambda: client.patch(f"/api/v1/categories/{pair[0]['id']}", json={"parent_id": pair[1]["id"]},
                                        headers=admin.headers()).status_code

        statuses = sorted(race([move(pair) for pair in moves]))

        assert statuses == [200, 422], statuses
        tree = {node["id"]: node["parent_id"] for node in _flatten(admin.get("/categories").get_json())}
        assert not (tree[desk["id"]] == garden["id"] and tree[garden["id"]] == desk["id"])


def _flatten(nodes):
    for node in nodes:
        yield node
        yield from _flatten(node["children"])


def test_a_new_category_whose_parent_is_deleted_meanwhile_is_refused_and_not_kept(admin, anonymous, kitchen, db):
    from shop.categories import services
    from shop.categories.repository import CategoryRepository
    from shop.clock import utcnow
    from shop.errors import InvalidInput
    from shop.products.repository import ProductRepository

    categories = CategoryRepository(db)
    add = categories.add

    def parent_deleted_right_after_the_check(fields):
        added = add(fields)
        admin.delete(f"/categories/{kitchen['cooking']['id']}")  # another admin, at that moment
        return added

    categories.add = parent_deleted_right_after_the_check
    with pytest.raises(InvalidInput):
        services.create_category(categories, ProductRepository(db),
                                 {"name": "Pans", "parent_id": kitchen["cooking"]["id"]},
                                 utcnow())

    assert db.categories.count_documents({"name": "Pans"}) == 0
    assert names(anonymous.get("/categories").get_json()) == [("Kitchen", [("Tea and coffee", [("Teapots", [])])])]
