"""What every JSON endpoint shares: the error shape for bad bodies and routing,
health, the OpenAPI document, and never showing a traceback."""
import re

import pytest
from pymongo.errors import ServerSelectionTimeoutError

from shop import health
from shop.products import services as product_services
from tests.conftest import TEST_SETTINGS, assert_error, started_app

JSON_ENDPOINTS = [
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/tokens"),
    ("post", "/api/v1/products"),
]


# Health ---------------------------------------------------------------------


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def no_answer(db):
        raise ServerSelectionTimeoutError("db.internal:27017: timed out")

    monkeypatch.setattr(health, "ping", no_answer)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["db"] != "ok"
    assert "db.internal" not in response.get_data(as_text=True)


# Bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
def test_malformed_json_is_a_bad_request(admin, method, path):
    response = admin.client.open(path, method=method.upper(), data='{"email": "a@example.com",',
                                 content_type="application/json", headers=admin.headers())

    assert_error(response, 400, "bad_request")


def test_json_nested_deeper_than_the_parser_goes_is_a_bad_request(client):
    body = "[" * 100_000 + "]" * 100_000

    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")

    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("body", ["[]", '[{"email": "a@example.com"}]', '"text"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_a_bad_request(client, db, body):
    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")

    assert_error(response, 400, "bad_request")
    assert db.users.count_documents({"role": "customer"}) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          None])
def test_a_body_that_is_not_json_is_an_unsupported_media_type(client, db, content_type):
    headers = {"Content-Type": content_type} if content_type else {}

    response = client.post("/api/v1/auth/register", data="email=a@example.com&password=0123456789&name=A",
                           headers=headers)

    assert_error(response, 415, "unsupported_media_type")
    assert db.users.count_documents({"role": "customer"}) == 0


def test_a_body_over_one_mebibyte_is_too_large(client, db):
    body = '{"email": "a@example.com", "password": "0123456789", "name": "' + "x" * (1024 * 1024) + '"}'

    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")

    assert_error(response, 413, "payload_too_large")
    assert db.users.count_documents({"role": "customer"}) == 0


def test_a_body_just_under_one_mebibyte_is_read(client):
    body = '{"email": "a@example.com", "password": "0123456789", "name": "' + "x" * (1024 * 1000) + '"}'

    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")

    assert "name" in assert_error(response, 422, "validation_error")  # too long a name, but read


def test_the_api_takes_no_csrf_token_even_where_forms_need_one():
    client = started_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True}).test_client()

    registered = client.post("/api/v1/auth/register",
                             json={"email": "grace@example.com", "password": "correct horse battery", "name": "G"})
    token = client.post("/api/v1/auth/tokens",
                        json={"email": "grace@example.com", "password": "correct horse battery"})

    assert (registered.status_code, token.status_code) == (201, 201)


# Routing --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/products/x/y/z", "/api/v2/products"])
def test_an_unknown_api_path_is_not_found_in_the_error_shape(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path", [("put", "/api/v1/products"), ("delete", "/api/v1/orders"),
                                          ("get", "/api/v1/auth/register"), ("put", "/api/v1/me")])
def test_a_method_the_route_does_not_take_is_405_in_the_error_shape(client, method, path):
    response = client.open(path, method=method.upper())

    assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"]


def test_every_response_carries_a_request_id(client):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/api/v1/products").headers["X-Request-Id"])


# Unexpected errors ----------------------------------------------------------


def test_an_unexpected_error_is_a_generic_500_without_its_text(anonymous, monkeypatch):
    def broken(products, query):
        raise RuntimeError("secret internals at /srv/shop/db.py line 12")

    monkeypatch.setattr(product_services, "list_products", broken)

    response = anonymous.get("/products")

    assert_error(response, 500, "internal")
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "RuntimeError" not in text


# OpenAPI --------------------------------------------------------------------


def api_rules(app):
    """(OpenAPI path, method) for every /api/v1 rule the app routes."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_the_openapi_document_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()

    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    missing = api_rules(app) - documented - {("/api/v1/openapi.json", "get")}
    assert not missing
    assert document["openapi"].startswith("3.")


def test_the_openapi_document_names_request_and_response_schemas(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    for path, method in api_rules(app) - {("/api/v1/openapi.json", "get")}:
        operation = document["paths"][path][method]
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, (path, method)
        for code in success:
            if code != "204":
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, (path, method)
        if method in ("post", "patch") and not path.endswith("/cancel"):
            content = operation["requestBody"]["content"]
            if "multipart/form-data" in content:  # an upload: its text fields and the binary file
                upload = content["multipart/form-data"]["schema"]
                assert upload["properties"]["file"]["format"] == "binary" and "file" in upload["required"], path
            else:
                ref = content["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, (path, method)
        errors = [code for code in operation["responses"] if code[0] in "45"]
        assert all(operation["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
                   for code in errors), (path, method)


def test_the_openapi_schemas_show_money_as_integers(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    assert schemas["Product"]["properties"]["price"]["type"] == "integer"
    assert schemas["Order"]["properties"]["total"]["type"] == "integer"
    assert set(schemas["PlaceOrder"]["required"]) == {"items"}
    assert schemas["PlaceOrder"]["oneOf"] == [{"required": ["shipping_address"]}, {"required": ["address_id"]}]


@pytest.mark.parametrize("key", ["two words", "tab\there", "é", "x" * 256])
def test_an_idempotency_key_the_document_refuses_the_api_refuses_too(app, client, key):
    document = client.get("/api/v1/openapi.json").get_json()
    [header] = [p for p in document["paths"]["/api/v1/orders"]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    pattern = header["schema"]["pattern"]
    assert re.fullmatch(pattern.removeprefix("^").removesuffix("$"), key) is None

    token = client.post("/api/v1/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})
    response = client.post("/api/v1/orders", json={}, headers={"Idempotency-Key": key.encode("utf-8").decode("latin-1"),
                                                              "Authorization": "Bearer " + token.get_json()["token"]})
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("typed", [
    "4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", " 4242 4242 4242 4242 ",
    "4 2 4 2-4242 4242-42 42",
    "4242  4242 4242 4242", "4242 - 4242 4242 4242", "-4242424242424242", "4242424242424242-", "42424242424",
    "4242 4242 4242 4242 4242", "4242 4242 4242 424x",
])
def test_a_card_number_is_read_exactly_when_the_document_allows_it(client, shopper, add_product, place_order, typed):
    document = client.get("/api/v1/openapi.json").get_json()
    allowed = re.fullmatch(document["components"]["schemas"]["Card"]["properties"]["card_number"]["pattern"], typed)
    order = place_order(shopper, [(add_product(), 1)]).get_json()

    response = shopper.post(f"/orders/{order['id']}/payments",
                            json={"card_number": typed, "exp_month": 12, "exp_year": 2099, "cvc": "123"})

    if allowed:  # these typings are all of the approved test card
        assert response.status_code == 200, response.get_json()
    else:
        assert_error(response, 422, "validation_error")
        assert "card_number" in response.get_json()["error"]["details"]


def test_the_document_starts_the_expiry_year_at_the_current_one_and_this_month_is_still_valid(
        client, shopper, add_product, place_order):
    from shop.clock import utcnow
    now = utcnow()
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["Card"]["properties"]["exp_year"]["anyOf"] == [
        {"minimum": now.year - 2000, "maximum": 99}, {"minimum": now.year, "maximum": 2100}]
    last_month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    product = add_product()

    expired = shopper.post(f"/orders/{place_order(shopper, [(product, 1)]).get_json()['id']}/payments",
                           json={"card_number": "4242424242424242", "exp_year": last_month[0],
                                 "exp_month": last_month[1], "cvc": "123"})
    this_month = shopper.post(f"/orders/{place_order(shopper, [(product, 1)]).get_json()['id']}/payments",
                              json={"card_number": "4242424242424242", "exp_year": now.year,
                                    "exp_month": now.month, "cvc": "123"})

    assert_error(expired, 422, "validation_error")
    assert this_month.status_code == 200
