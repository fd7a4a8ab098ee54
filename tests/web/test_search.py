"""Search (contract v1.1, "Search"): words, case and accents ignored, literal text, best matches first."""
import unicodedata
from datetime import datetime, timezone

import pytest

from shop.products import api as products_api
from tests.conftest import assert_error

SAME_MOMENT = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def skus(response):
    assert response.status_code == 200, response.get_json()
    return [product["sku"] for product in response.get_json()["items"]]


def search(api, q, **args):
    return skus(api.get("/products", query_string={"q": q, **args}))


@pytest.fixture
def shelf(add_product):
    """Created in this order, so newest first is the reverse."""
    add_product("TEAPOT-CAST", name="Cast Iron Teapot", description="Keeps tea hot for an hour.")
    add_product("CLOCK-RETRO", name="Retro Alarm Clock", description="Twin bells (loudly).")
    add_product("CREME-POT", name="Crème Brûlée Dish", description="Porcelain, for 2 $ of cream.*")
    add_product("IRON-PAN", name="Frying Pan", description="Cast iron, pre-seasoned: a teapot's cousin.")
    add_product("LOCK-BOX", name="Strongbox", description="A lock with two keys.")


@pytest.mark.parametrize("q, expected", [
    ("teapot iron", ["TEAPOT-CAST", "IRON-PAN"]),  # every word, any order; the name holding them first
    ("creme", ["CREME-POT"]),
    ("CRÈME brulee", ["CREME-POT"]),
    ("lock", ["CLOCK-RETRO", "LOCK-BOX"]),  # inside a word; the name first, then the description
    (".*", ["CREME-POT"]),
    ("(", ["CLOCK-RETRO"]),
    ("$", ["CREME-POT"]),
    ("(loudly)", ["CLOCK-RETRO"]),
    ("cast-iron", []),  # a word is literal text: the dash is a character too
    ("iron-pan", ["IRON-PAN"]),  # the sku
    ("teapot kettle", []),  # every word must occur
])
def test_each_example_of_the_contract(anonymous, shelf, q, expected):
    assert search(anonymous, q) == expected


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_accents_are_ignored_in_the_query_and_the_product_whichever_way_they_are_encoded(anonymous, add_product, form):
    add_product("CAFE-NFD", name=unicodedata.normalize("NFD", "Café Crème"))
    add_product("CAFE-NFC", name=unicodedata.normalize("NFC", "Café Noir"))

    assert sorted(search(anonymous, unicodedata.normalize(form, "café"))) == ["CAFE-NFC", "CAFE-NFD"]
    assert search(anonymous, unicodedata.normalize(form, "CRÈME")) == ["CAFE-NFD"]
    assert search(anonymous, "cafe noir") == ["CAFE-NFC"]


@pytest.mark.parametrize("q", [".*", "a|b", "(a+)+$", "\\", "[", "^cast", "iron$", "\x00", "%", "?", "{2}"])
def test_regular_expression_characters_are_only_characters(anonymous, add_product, q):
    add_product("PLAIN", name="Cast Iron Pan", description="Nothing special here")

    assert search(anonymous, q) == []


def test_regular_expression_characters_match_where_they_occur(anonymous, add_product):
    add_product("ODD", name="Odd (a|b) [x]* ^1 2$ \\ {2}")

    for q in ["(a|b)", "[x]*", "^1", "2$", "\\", "{2}", "odd ^1 \\"]:
        assert search(anonymous, q) == ["ODD"], q


def test_white_space_alone_searches_nothing_and_lists_everything(anonymous, shelf):
    assert len(search(anonymous, "   \t ")) == 5


def test_best_matches_come_first_and_ties_are_newest_first_then_by_id(anonymous, add_product, monkeypatch):
    monkeypatch.setattr(products_api, "utcnow", lambda: SAME_MOMENT)
    made = [add_product(f"MUG-{n}", name=name, description=description) for n, (name, description) in enumerate([
        ("Blue Mug", ""), ("Plate", "goes with the blue mug"), ("Mug, Blue", ""), ("Bowl", "blue, like a mug"),
    ])]
    by_id = {product["sku"]: product["id"] for product in made}

    found = search(anonymous, "mug blue")

    in_name = sorted(["MUG-0", "MUG-2"], key=by_id.get, reverse=True)
    elsewhere = sorted(["MUG-1", "MUG-3"], key=by_id.get, reverse=True)
    assert found == in_name + elsewhere
    assert search(anonymous, "mug blue", sort="relevance") == found


def test_relevance_pages_cross_from_best_matches_to_the_rest_with_an_exact_total(anonymous, add_product):
    for n in range(5):
        add_product(f"IN-NAME-{n}", name=f"Walnut Tray {n}")
        add_product(f"ELSEWHERE-{n}", name=f"Serving Board {n}", description="a walnut tray's friend")
    everything = search(anonymous, "walnut tray", per_page=100)

    pages = [anonymous.get("/products", query_string={"q": "walnut tray", "per_page": 3, "page": n}).get_json()
             for n in range(1, 6)]

    assert everything[:5] == [f"IN-NAME-{n}" for n in reversed(range(5))]
    assert everything[5:] == [f"ELSEWHERE-{n}" for n in reversed(range(5))]
    assert [p["total"] for p in pages] == [10] * 5
    assert [item["sku"] for p in pages for item in p["items"]] == everything
    assert pages[4]["items"] == []


def test_another_sort_orders_every_match_by_it(anonymous, shelf):
    assert search(anonymous, "iron", sort="name") == ["TEAPOT-CAST", "IRON-PAN"]


def test_search_keeps_the_other_filters(anonymous, add_product):
    add_product("TEA-CHEAP", name="Tea Cup", price=500, stock=0)
    add_product("TEA-DEAR", name="Tea Cup Gold", price=5000, stock=2)

    assert search(anonymous, "cup", in_stock="true") == ["TEA-DEAR"]
    assert search(anonymous, "cup", max_price=1000) == ["TEA-CHEAP"]


def test_a_renamed_product_is_found_by_its_new_name_only(admin, anonymous, add_product):
    product = add_product("RENAMED", name="Copper Kettle", description="Whistles.")

    admin.patch(f"/products/{product['id']}", json={"name": "Brass Kettle", "description": "Sings."})

    assert search(anonymous, "copper") == []
    assert search(anonymous, "whistles") == []
    assert search(anonymous, "brass sings") == ["RENAMED"]


def test_relevance_is_a_documented_sort_and_the_default(anonymous):
    document = anonymous.get("/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/products"]["get"]["parameters"]
    sort = next(p for p in parameters if p["name"] == "sort")

    assert "relevance" in sort["schema"]["enum"]
    assert sort["schema"]["default"] == "relevance"


def test_a_minimum_price_above_the_maximum_is_refused_on_min_price(anonymous):
    details = assert_error(anonymous.get("/products?min_price=5000&max_price=1000"), 422, "validation_error")

    assert details == {"min_price": ["Enter a minimum price no higher than the maximum price."]}


def test_equal_minimum_and_maximum_prices_are_a_price(anonymous, add_product):
    add_product("EXACT", price=1000)

    assert skus(anonymous.get("/products?min_price=1000&max_price=1000")) == ["EXACT"]


def test_the_catalogue_page_searches_the_same_way(client, shelf):
    html = client.get("/products", query_string={"q": "TEAPOT iron"}).get_data(as_text=True)

    assert html.index("Cast Iron Teapot") < html.index("Frying Pan")
    assert "2 products matching" in html
    assert '<option selected value="relevance">Best match</option>' in html
