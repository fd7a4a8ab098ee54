"""The OpenAPI document says what JSON Schema can say: for every rule that a request's own
fields decide (not what is stored, not a comparison of two values), a request the document
calls valid is accepted, and one the API refuses the document refuses too."""
import re
from pathlib import Path

import jsonschema_rs
import pytest

SIZES = [{"name": "Size", "values": ["S", "M"]}]
SMALL_TEE = [{"sku": "TEE-S", "options": {"Size": "S"}}]


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes the null type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


def document_allows(document, schema, value):
    root = {**json_schema(schema), "components": json_schema(document["components"])}
    return jsonschema_rs.Draft4Validator(root).is_valid(value)


@pytest.fixture
def stored(admin):
    """One of each thing the changes below are made to."""
    def made(path, body):
        response = admin.post(path, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    return {
        "code": made("/discount-codes", {"code": "STORED-EUR", "kind": "fixed", "value": 500, "currency": "EUR"}),
        "product": made("/products", {"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450}),
        "category": made("/categories", {"name": "Clocks"}),
        "method": made("/shipping-methods", {"name": "Standard", "countries": ["US"], "price": 495}),
    }


BODIES = [
    # A fixed code is in its own currency; a percent code has none and is at most 10000 basis points.
    ("post", "/discount-codes", {"code": "FIXED", "kind": "fixed", "value": 500}),
    ("post", "/discount-codes", {"code": "FIXED-NULL", "kind": "fixed", "value": 500, "currency": None}),
    ("post", "/discount-codes", {"code": "PERCENT-EUR", "kind": "percent", "value": 500, "currency": "EUR"}),
    ("post", "/discount-codes", {"code": "PERCENT-OVER", "kind": "percent", "value": 10001}),
    ("post", "/discount-codes", {"code": "PERCENT-ALL", "kind": "percent", "value": 10000, "currency": None}),
    ("post", "/discount-codes", {"code": "FIXED-EUR", "kind": "fixed", "value": 500, "currency": "EUR"}),
    ("patch", "/discount-codes/{code}", {"kind": "percent", "value": 10001}),
    ("patch", "/discount-codes/{code}", {"kind": "percent", "currency": "EUR"}),
    ("patch", "/discount-codes/{code}", {"kind": "fixed", "currency": None}),
    ("patch", "/discount-codes/{code}", {"kind": "percent", "value": 2500}),
    # Variants come with options, and carry the SKUs and stock then; without options, the body's SKU.
    ("post", "/products", {"name": "Mug", "price": 900, "sku": "MUG", "variants": SMALL_TEE}),
    ("post", "/products", {"name": "Mug", "price": 900, "sku": "MUG", "options": [], "variants": SMALL_TEE}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": SIZES}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": SIZES, "sku": "TEE", "variants": SMALL_TEE}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": SIZES, "stock": 3, "variants": SMALL_TEE}),
    ("post", "/products", {"name": "Mug", "price": 900, "stock": 3}),
    ("post", "/products", {"name": "Mug", "price": 900, "sku": "MUG", "stock": 3}),
    ("post", "/products", {"name": "Mug", "price": 900, "sku": "MUG", "options": []}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": SIZES, "variants": SMALL_TEE}),
    # Text that must not be blank once trimmed, with a pattern of its own too.
    ("post", "/products", {"name": "Tee", "price": 900, "options": [{"name": "Size", "values": ["S", " "]}],
                           "variants": SMALL_TEE}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": [{"name": "Si=ze", "values": ["S"]}],
                           "variants": [{"sku": "TEE-S", "options": {"Si=ze": "S"}}]}),
    ("post", "/products", {"name": "Tee", "price": 900, "options": [{"name": " Size ", "values": [" S "]}],
                           "variants": [{"sku": "TEE-S", "options": {"Size": "S"}}]}),
    # Optional text with a minimum length: blank is empty once trimmed.
    ("patch", "/products/{product}", {"name": " "}),
    ("patch", "/categories/{category}", {"name": "\t "}),
    ("patch", "/shipping-methods/{method}", {"name": " "}),
    ("patch", "/products/{product}", {"name": " Retro Clock II "}),
]


@pytest.mark.parametrize("method, path, body", BODIES)
def test_a_body_is_accepted_exactly_when_the_document_allows_it(client, admin, stored, method, path, body):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/api/v1" + path.replace("{code}", "{code_id}").replace("{product}", "{product_id}")
                                .replace("{category}", "{category_id}").replace("{method}", "{method_id}")
                                ][method]["requestBody"]["content"]["application/json"]["schema"]

    response = admin.open(path.format(**stored), method.upper(), json=body)

    if document_allows(document, schema, body):
        assert response.status_code in (200, 201), response.get_json()
    else:
        assert response.status_code == 422, response.get_json()


ORDER_ACTIONS = [
    ("transitions", {"status": "delivered", "carrier": "DHL"}),
    ("transitions", {"status": "delivered", "tracking_number": "JD0001"}),
    ("transitions", {"status": "shipped", "carrier": "DHL", "tracking_number": "JD0001"}),
    ("transitions", {"status": "delivered"}),
    ("refunds", {"reason": "Broken in transit"}),
    ("refunds", {"amount": 500}),
]


@pytest.mark.parametrize("action, body", ORDER_ACTIONS)
def test_an_order_action_is_refused_exactly_when_the_document_refuses_it(client, admin, action, body):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"][f"/api/v1/orders/{{order_id}}/{action}"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]

    response = admin.post(f"/orders/{'0' * 24}/{action}", json=body)  # the body is read before the order

    assert response.status_code == (404 if document_allows(document, schema, body) else 422), response.get_json()


QUERIES = [{"email": " "}, {"number": " \t"}, {"email": "ada@example.com"}, {"number": "K7M2-Q9XD"}]


@pytest.mark.parametrize("query", QUERIES)
def test_an_order_search_is_accepted_exactly_when_the_document_allows_it(client, admin, query):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/orders"]["get"]["parameters"]}

    response = admin.get("/orders", query_string=query)

    if all(document_allows(document, parameters[name], value) for name, value in query.items()):
        assert response.status_code == 200, response.get_json()
    else:
        assert response.status_code == 422, response.get_json()


def test_the_api_reference_in_the_repository_describes_every_route_under_api_v1(app):
    reference = (Path(__file__).parents[2] / "docs" / "API.md").read_text(encoding="utf-8")
    routes = {method + " " + re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}

    assert sorted(route for route in routes if route not in reference) == []


def _lists(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1") and "GET" in rule.methods and "<" not in rule.rule)


def test_every_list_answers_the_same_with_unknown_query_arguments_as_the_reference_says(app, admin):
    for path in _lists(app):
        plain = admin.get(path.removeprefix("/api/v1"))
        with_extra = admin.get(path.removeprefix("/api/v1"), query_string={"colour": "red", "_": "1700000000"})

        assert (with_extra.status_code, with_extra.get_json()) == (plain.status_code, plain.get_json()), path
        assert plain.status_code == 200, path
