"""One id rule: an id is accepted in any case, in a path, a body or a query argument,
and names the same thing as in lower case (shop/ids.py)."""
import re

from tests.conftest import ADDRESS, add_checkout_settings, add_guest_order
from tests.web.image_files import uploaded


def shown(response):
    """What a response shows: the JSON body, or the page's title and heading (a page also
    carries per-request tokens)."""
    if response.is_json:
        return response.get_json()
    text = response.get_data(as_text=True)
    return re.findall(r"<title>.*?</title>|<h1>.*?</h1>", text)


def test_every_get_route_answers_an_upper_case_id_as_the_lower_case_one(app, client, admin, add_product, register,
                                                                       place_order):
    clock = add_product("RETRO-CLOCK", stock=10)
    shopper = register("ada@example.com")
    order = place_order(shopper, [(clock, 1)]).get_json()
    category = admin.post("/categories", json={"name": "Clocks"}).get_json()
    image_id = uploaded(admin, clock["id"])["id"]
    address_id = admin.post("/me/addresses", json=ADDRESS).get_json()["id"]  # the caller's own: the admin's
    ids = {"address_id": address_id, "user_id": shopper.user["id"], "product_id": clock["id"],
           "order_id": order["id"], "slug": clock["slug"], "category_id": category["id"],
           "image_id": image_id, "variant_id": clock["id"], "line_id": clock["id"],
           **add_guest_order(app, clock["id"]),
           **add_checkout_settings(lambda path, body: admin.post(path, json=body).get_json())}
    browser = app.test_client()
    browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1"})
    checked = 0

    for rule in app.url_map.iter_rules():
        names = set(re.findall(r"<o?id:([^>]+)>", rule.rule))
        if "GET" not in rule.methods or not names:
            continue
        lower = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: ids[match.group(1)], rule.rule)
        # Only ids: a token (a guest's private link) is case-sensitive, as any secret is.
        upper = re.sub(r"<(?:([^:>]+):)?([^>]+)>",
                       lambda match: ids[match.group(2)].upper() if match.group(1) in ("id", "oid")
                       else ids[match.group(2)],
                       rule.rule)
        caller = browser if not rule.rule.startswith("/api/") else client
        headers = admin.headers() if rule.rule.startswith("/api/") else {}
        expected, answered = caller.get(lower, headers=headers), caller.get(upper, headers=headers)
        assert expected.status_code == 200, lower
        assert answered.status_code == 200, upper
        assert shown(answered) == shown(expected), upper
        checked += 1

    assert checked >= 6


def test_an_order_line_with_an_upper_case_product_id_orders_that_product(shopper, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)

    response = shopper.post("/orders", json={"items": [{"product_id": clock["id"].upper(), "quantity": 2},
                                                       {"product_id": clock["id"], "quantity": 1}],
                                             "shipping_address": ADDRESS})

    assert response.status_code == 201, response.get_json()
    assert [(line["product_id"], line["quantity"]) for line in response.get_json()["items"]] == [(clock["id"], 3)]


def test_a_query_argument_id_in_upper_case_filters_as_in_lower_case(admin, shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=10)
    place_order(shopper, [(clock, 1)])
    user_id = shopper.user["id"]

    lower = admin.get(f"/orders?user_id={user_id}").get_json()
    upper = admin.get(f"/orders?user_id={user_id.upper()}").get_json()

    assert lower["total"] == 1 and upper == lower


def test_the_cart_keeps_one_line_whatever_the_case_of_the_id(app, add_product):
    clock = add_product("RETRO-CLOCK", stock=10)
    browser = app.test_client()

    browser.post("/cart/items", data={"product_id": clock["id"].upper(), "quantity": "1"})
    browser.post("/cart/items", data={"product_id": clock["id"], "quantity": "2"})
    browser.post(f"/cart/items/{clock['id'].upper()}", data={"quantity": "4"})

    page = browser.get("/cart").get_data(as_text=True)
    assert page.count('name="quantity"') == 1 and 'value="4"' in page
