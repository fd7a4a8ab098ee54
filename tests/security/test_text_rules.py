"""The contract's input rules, for every route the app has (found from its URL map,
so a new endpoint or form is covered): text that is not valid Unicode is a 422 in
the error shape wherever it comes in (a JSON string or key, a query argument, a
form field, urlencoded or multipart), and JSON is strict (NaN, Infinity and a key
given twice are a 400).
Nothing is stored by a refused request."""
import re

import pytest

from tests.conftest import ADDRESS, add_checkout_settings, add_guest_order, assert_error
from tests.invariants import stored_state
from tests.web.image_files import multipart, picture_bytes, uploaded

LONE_SURROGATE_JSON = '"\\ud800"'  # JSON's escape for a lone surrogate: valid JSON, not valid text
NOT_UTF8 = "%ED%A0%80"  # a surrogate, UTF-8-encoded: bytes that are not UTF-8
NOT_TEXT = "Use valid text: this holds characters that are not Unicode."


@pytest.fixture
def ids(app, admin, add_product, place_order, register):
    """A real id for every path parameter, so that each request reaches its view."""
    clock = add_product("RETRO-CLOCK", stock=10)
    shopper = register("ada@example.com")
    order = place_order(shopper, [(clock, 1)]).get_json()
    category = admin.post("/categories", json={"name": "Clocks"}).get_json()
    image = uploaded(admin, clock["id"])
    address = shopper.post("/me/addresses", json=ADDRESS).get_json()
    return {"address_id": address["id"], "user_id": shopper.user["id"], "product_id": clock["id"],
            "order_id": order["id"], "slug": clock["slug"], "id_or_slug": clock["id"],
            "variant_id": clock["id"], "line_id": clock["id"], "category_id": category["id"],
            "image_id": image["id"], "file_name": image["urls"]["640"].rpartition("/")[2],
            **add_guest_order(app, clock["id"]),
            **add_checkout_settings(lambda path, body: admin.post(path, json=body).get_json())}


def routes(app, ids, methods, api):
    """(method, path) of every route of the API (or of the site) with one of `methods`."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: ids[match.group(1)], rule.rule)
        found += [(method, path) for method in sorted(rule.methods & set(methods))]
    return sorted(found)


def body_routes(app, ids):
    return [(method, path.removeprefix("/api/v1"))
            for method, path in routes(app, ids, {"POST", "PATCH", "PUT", "DELETE"}, api=True)]


def test_a_lone_surrogate_in_any_json_field_of_any_endpoint_is_a_422(app, admin, ids, db):
    before = stored_state(db)
    checked = body_routes(app, ids)
    assert len(checked) >= 10, checked

    for method, path in checked:
        for body in ['{"email": ' + LONE_SURROGATE_JSON + "}",
                     '{"items": [{"product_id": ' + LONE_SURROGATE_JSON + ', "quantity": 1}]}',
                     "{" + LONE_SURROGATE_JSON + ": 1}"]:
            response = admin.open(path, method=method, data=body, headers={"Content-Type": "application/json"})
            details = assert_error(response, 422, "validation_error")
            assert NOT_TEXT in repr(details), (method, path, details)

    assert stored_state(db) == before


def test_the_invalid_text_is_named_where_it_is(shopper):
    body = ('{"items": [{"product_id": "x", "quantity": 1}], "shipping_address": {"name": '
            + LONE_SURROGATE_JSON + ', "city": "Springfield"}}')

    response = shopper.post("/orders", data=body, headers={"Content-Type": "application/json"})

    assert assert_error(response, 422, "validation_error") == {"shipping_address": {"name": [NOT_TEXT]}}


@pytest.mark.parametrize("body, reason", [
    ('{"quantity": NaN}', "NaN is not a JSON number."),
    ('{"quantity": Infinity}', "Infinity is not a JSON number."),
    ('{"quantity": -Infinity}', "-Infinity is not a JSON number."),
    ('{"quantity": 1, "quantity": 2}', "The key 'quantity' is given twice."),
    ('{"shipping_address": {"city": "A", "city": "B"}}', "The key 'city' is given twice."),
])
def test_json_that_only_a_lenient_parser_reads_is_a_400_on_every_endpoint(app, admin, ids, db, body, reason):
    before = stored_state(db)

    for method, path in body_routes(app, ids):
        response = admin.open(path, method=method, data=body, headers={"Content-Type": "application/json"})
        assert_error(response, 400, "bad_request")
        assert response.get_json()["error"]["message"] == f"The request body cannot be read. {reason}", path

    assert stored_state(db) == before


def test_a_query_argument_that_is_not_utf8_is_a_422_on_every_page_and_endpoint(app, client, ids):
    for api in (True, False):
        for _, path in routes(app, ids, {"GET"}, api=api):
            response = client.get(f"{path}?q={NOT_UTF8}&page=1")
            assert response.status_code == 422, (path, response.status_code)
            if api:
                assert assert_error(response, 422, "validation_error") == {"q": [NOT_TEXT]}
            else:
                assert "Traceback" not in response.get_data(as_text=True)


def test_a_form_field_that_is_not_utf8_is_a_422_on_every_form(app, client, ids, db):
    before = stored_state(db)
    posts = routes(app, ids, {"POST"}, api=False)
    assert len(posts) >= 10, posts

    for _, path in posts:
        body = f"name={NOT_UTF8}&quantity=1&email=ada%40example.com"
        response = client.post(path, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 422, (path, response.status_code)

    assert stored_state(db) == before


def test_a_multipart_form_field_that_is_not_utf8_is_a_422_on_every_form_and_endpoint(app, admin, ids, db):
    body, content_type = multipart({"alt": "ok", "name": "ok"}, picture_bytes((50, 50)))
    body = body.replace(b"\r\n\r\nok\r\n", b"\r\n\r\n\xed\xa0\x80\r\n", 1)  # the first field: alt
    browser = app.test_client()
    browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1"})
    before = stored_state(db)
    posts = routes(app, ids, {"POST", "PATCH"}, api=True) + routes(app, ids, {"POST"}, api=False)

    for method, path in posts:
        caller = admin.client if path.startswith("/api/") else browser
        response = caller.open(path, method=method, data=body, content_type=content_type, headers=admin.headers())
        assert response.status_code == 422, (path, response.status_code)
        if path.startswith("/api/"):
            assert assert_error(response, 422, "validation_error") == {"alt": [NOT_TEXT]}, path

    assert stored_state(db) == before


def test_valid_text_from_every_script_is_accepted(shopper, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)
    address = dict(ADDRESS, name="Zoë Ñandú 山田 😀", city="Zürich")

    response = shopper.post("/orders", json={"items": [{"product_id": clock["id"], "quantity": 1}],
                                             "shipping_address": address})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["shipping_address"]["name"] == "Zoë Ñandú 山田 😀"


@pytest.mark.parametrize("depth", [500, 900, 950, 990, 1000, 5000])
def test_a_body_nested_near_the_parsers_limit_is_answered_in_the_error_shape(shopper, depth):
    body = '{"items": ' + "[" * depth + '"\\ud800"' + "]" * depth + "}"

    response = shopper.post("/orders", data=body, headers={"Content-Type": "application/json"})

    assert response.status_code in (400, 422)  # unreadable past the limit, invalid text before it
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
