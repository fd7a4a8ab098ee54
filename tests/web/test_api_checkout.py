"""Checkout v1.1 over the JSON API: totals with shipping, tax and a code, the quote, the
expected total, and a code's uses counted exactly (docs/API.md "Orders", and "Money" for the rounding)."""
import sys
from collections import Counter
from datetime import timedelta

import pytest

from shop.clock import isoformat, utcnow
from tests.conftest import ADDRESS, GOOD_CARD, assert_error, deliver_emails, stock_of
from tests.racing import call, race
from tests.serving import Served
from tests.web.site_helpers import Site

FREE = {"method_id": None, "name": "Free shipping", "amount": 0, "tax": 0}


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=1999, stock=20)


@pytest.fixture
def cap(add_product):
    return add_product("CAP", name="Cap", price=500, stock=20)


def body(*lines, method=None, code=None, expected=None, address=ADDRESS):
    found = {"items": [{"product_id": product["id"], "quantity": quantity} for product, quantity in lines],
             "shipping_address": address}
    if method is not None:
        found["shipping_method_id"] = method["id"]
    if code is not None:
        found["discount_code"] = code
    if expected is not None:
        found["expected_total"] = expected
    return found


def make(admin, path, fields):
    response = admin.post(path, json=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def standard(admin, **fields):
    return make(admin, "/shipping-methods", {"name": "Standard", "countries": ["US", "DE"], "price": 495,
                                             "free_over": None, "active": True, **fields})


def code(admin, text="TEN", **fields):
    return make(admin, "/discount-codes", {"code": text, "kind": "percent", "value": 1000, "active": True, **fields})


def orders_stored(db):
    return db.orders.count_documents({})


# Totals ------------------------------------------------------------------


def test_with_nothing_set_up_an_order_is_shipped_free_untaxed_and_its_total_is_its_subtotal(shopper, tee):
    order = shopper.post("/orders", json=body((tee, 2))).get_json()

    assert order["shipping"] == FREE
    assert (order["discount"], order["tax_total"], order["prices_include_tax"]) == (None, 0, True)
    assert [(line["discount"], line["tax"]) for line in order["items"]] == [(0, 0)]
    assert order["subtotal"] == order["total"] == 3998


def test_the_api_references_worked_example_through_the_api(admin, shopper, add_product):
    """3 x 19.99 and 1 x 5.00, TEN (10%), Standard 4.95, 20% included: docs/API.md's worked example."""
    shirt, socks = add_product("SHIRT", price=1999), add_product("SOCKS", price=500)
    method = standard(admin)
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 2000})
    code(admin)

    response = shopper.post("/orders", json=body((shirt, 3), (socks, 1), method=method, code="ten"))

    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert [(line["line_total"], line["discount"], line["tax"]) for line in order["items"]] == [
        (5997, 600, 900), (500, 50, 75)]
    assert order["discount"] == {"code": "TEN", "amount": 650}
    assert order["shipping"] == {"method_id": method["id"], "name": "Standard", "amount": 495, "tax": 83}
    assert (order["subtotal"], order["tax_total"], order["total"]) == (6497, 1058, 6342)
    assert order["subtotal"] - order["discount"]["amount"] + order["shipping"]["amount"] == order["total"]
    # the charge is the total, not the subtotal
    paid = shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD).get_json()
    assert paid["payment"]["amount"] == 6342


@pytest.mark.parametrize("settings", [{"PRICES_INCLUDE_TAX": False}])
def test_tax_added_on_top_when_prices_exclude_it(admin, shopper, add_product, settings):
    shirt, socks = add_product("SHIRT", price=1999), add_product("SOCKS", price=500)
    method = standard(admin)
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 2000})
    code(admin)

    order = shopper.post("/orders", json=body((shirt, 3), (socks, 1), method=method, code="TEN")).get_json()

    assert order["prices_include_tax"] is False
    assert [line["tax"] for line in order["items"]] == [1079, 90]
    assert (order["shipping"]["tax"], order["tax_total"]) == (99, 1268)
    assert order["total"] == 6497 - 650 + 495 + 1268


def test_each_line_and_shipping_are_taxed_at_the_destinations_rate(admin, shopper, tee):
    method = standard(admin)
    make(admin, "/tax-rates", {"country": "DE", "rate_bp": 1900})
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 500})

    german = shopper.post("/orders", json=body((tee, 1), method=method, address=dict(ADDRESS, country="DE"))).get_json()
    american = shopper.post("/orders", json=body((tee, 1), method=method)).get_json()

    assert (german["items"][0]["tax"], german["shipping"]["tax"]) == (319, 79)  # 1999*1900/11900, 495*1900/11900
    assert (american["items"][0]["tax"], american["shipping"]["tax"]) == (95, 24)  # half up: 95.19, 23.57


def test_shipping_is_free_at_or_above_the_threshold_after_the_discount(admin, shopper, tee):
    method = standard(admin, free_over=4000)
    code(admin)

    just_under = shopper.post("/orders", json=body((tee, 2), method=method)).get_json()  # 39.98
    with_code = shopper.post("/orders", json=body((tee, 3), method=method, code="TEN")).get_json()  # 59.97 - 6.00
    at = shopper.post("/orders", json=body((tee, 3), method=method)).get_json()

    assert just_under["shipping"]["amount"] == 495
    assert with_code["shipping"]["amount"] == 0 and with_code["total"] == 5997 - 600
    assert at["shipping"]["amount"] == 0


def test_an_order_stored_before_v1_1_reads_as_shipped_free_with_tax_included(shopper, tee, db):
    placed = shopper.post("/orders", json=body((tee, 2))).get_json()
    db.orders.update_one({}, {"$unset": {"shipping": "", "discount": "", "tax_total": "", "prices_include_tax": "",
                                         "total": "", "items.0.discount": "", "items.0.tax": ""}})

    order = shopper.get(f"/orders/{placed['id']}").get_json()

    assert order["shipping"] == FREE
    assert (order["discount"], order["tax_total"], order["prices_include_tax"]) == (None, 0, True)
    assert (order["items"][0]["discount"], order["items"][0]["tax"]) == (0, 0)
    assert order["total"] == order["subtotal"] == 3998


def test_the_e_mail_and_the_order_page_show_the_same_totals(app, admin, shopper, add_product, mailbox, client):
    shirt, socks = add_product("SHIRT", price=1999), add_product("SOCKS", price=500)
    method = standard(admin)
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 2000})
    code(admin)
    order = shopper.post("/orders", json=body((shirt, 3), (socks, 1), method=method, code="TEN")).get_json()

    deliver_emails(app)

    [message] = [m for m in mailbox if order["number"] in m["subject"]]
    for text in ("Subtotal: $64.97", "Discount (TEN): -$6.50", "Shipping: Standard: $4.95", "Tax included: $10.58",
                 "Total: $63.42"):
        assert text in message["body"], message["body"]
    page = Site(client).admin().text(f"/admin/orders/{order['id']}")
    for text in ("Discount (TEN)", "-$6.50", "Shipping: Standard", "$4.95", "Tax included", "$10.58", "$63.42"):
        assert text in page


# Shipping methods asked for ------------------------------------------------


def test_with_an_active_method_the_order_must_name_one_that_serves_its_country(admin, shopper, tee):
    method = standard(admin, countries=["DE"])
    other = standard(admin, name="Express", countries=["US"], price=1500)

    missing = assert_error(shopper.post("/orders", json=body((tee, 1))), 422, "validation_error")
    wrong = assert_error(shopper.post("/orders", json=body((tee, 1), method=method)), 422, "validation_error")
    nowhere = assert_error(shopper.post("/orders", json=body((tee, 1), method=other,
                                                               address=dict(ADDRESS, country="FR"))),
                           422, "validation_error")

    assert set(missing) == {"shipping_method_id"}
    assert set(wrong) == {"shipping_method_id"} and "US" in wrong["shipping_method_id"][0]
    assert nowhere == {"shipping_address": {"country": ["We do not ship there."]}}
    assert shopper.post("/orders", json=body((tee, 1), method=other)).status_code == 201


def test_a_method_serves_only_orders_in_its_currency(admin, shopper, add_product):
    euros = standard(admin, currency="EUR", countries=["*"])
    dollar_tee = add_product("TEE-USD", price=1999)

    details = assert_error(shopper.post("/orders", json=body((dollar_tee, 1), method=euros)), 422, "validation_error")

    assert "EUR" in details["shipping_method_id"][0]


def test_an_inactive_method_neither_serves_nor_is_asked_for(admin, shopper, tee):
    method = standard(admin, active=False)

    assert shopper.post("/orders", json=body((tee, 1))).get_json()["shipping"] == FREE
    assert set(assert_error(shopper.post("/orders", json=body((tee, 1), method=method)), 422,
                            "validation_error")) == {"shipping_method_id"}


# Codes -------------------------------------------------------------------


@pytest.mark.parametrize("fields, expected", [
    ({"active": False}, "not active"),
    ({"starts_at": "LATER"}, "cannot be used yet"),
    ({"ends_at": "EARLIER"}, "expired"),
    ({"min_subtotal": 5000}, "at least"),
    ({"kind": "fixed", "value": 500, "currency": "EUR"}, "EUR"),
])
def test_a_code_the_order_may_not_use_is_refused_and_nothing_is_placed(admin, shopper, tee, db, fields, expected):
    now = utcnow()
    fields = {name: isoformat(now + timedelta(days=1)) if value == "LATER"
              else isoformat(now - timedelta(days=1)) if value == "EARLIER" else value
              for name, value in fields.items()}
    if "ends_at" in fields:
        fields["starts_at"] = isoformat(now - timedelta(days=2))
    code(admin, "SPRING", **fields)

    details = assert_error(shopper.post("/orders", json=body((tee, 1), code="spring")), 422, "validation_error")

    assert expected in details["discount_code"][0]
    assert orders_stored(db) == 0
    assert stock_of(admin, tee["id"]) == 20


def test_an_unknown_code_is_refused_with_the_method_problem_in_the_same_answer(admin, shopper, tee, db):
    standard(admin)

    details = assert_error(shopper.post("/orders", json=body((tee, 1), code="NOPE")), 422, "validation_error")

    assert set(details) == {"discount_code", "shipping_method_id"}
    assert orders_stored(db) == 0


def test_a_fixed_code_serves_its_currency_and_never_takes_more_than_the_subtotal(admin, shopper, tee):
    code(admin, "BIG", kind="fixed", value=10_000, currency="USD")

    order = shopper.post("/orders", json=body((tee, 1), code="BIG")).get_json()

    assert order["discount"] == {"code": "BIG", "amount": 1999}
    assert order["total"] == 0


def test_a_code_used_up_is_refused_and_a_cancel_gives_its_use_back_once(admin, shopper, register, tee):
    limited = code(admin, "ONCE", max_uses=1)
    first = shopper.post("/orders", json=body((tee, 1), code="ONCE")).get_json()
    other = register()

    used_up = assert_error(other.post("/orders", json=body((tee, 1), code="ONCE")), 422, "validation_error")
    assert "used up" in used_up["discount_code"][0]
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 1

    assert shopper.post(f"/orders/{first['id']}/cancel").status_code == 200
    assert shopper.post(f"/orders/{first['id']}/cancel").status_code == 409  # once
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 0
    assert other.post("/orders", json=body((tee, 1), code="ONCE")).status_code == 201
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 1


def test_a_customers_own_uses_are_limited_by_e_mail(admin, shopper, register, tee):
    code(admin, "TWICE", max_uses_per_customer=2)
    for _ in range(2):
        assert shopper.post("/orders", json=body((tee, 1), code="TWICE")).status_code == 201

    third = assert_error(shopper.post("/orders", json=body((tee, 1), code="TWICE")), 422, "validation_error")

    assert "already used" in third["discount_code"][0]
    assert register().post("/orders", json=body((tee, 1), code="TWICE")).status_code == 201


def test_an_order_refused_for_stock_gives_its_code_use_back(admin, shopper, add_product):
    scarce = add_product("SCARCE", stock=1)
    limited = code(admin, "ONCE", max_uses=1)

    assert_error(shopper.post("/orders", json=body((scarce, 2), code="ONCE")), 409, "insufficient_stock")

    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 0
    assert shopper.post("/orders", json=body((scarce, 1), code="ONCE")).status_code == 201


def test_a_replayed_order_uses_its_code_once(admin, shopper, tee):
    limited = code(admin, "ONCE", max_uses=1)
    headers = {"Idempotency-Key": "order-1"}

    first = shopper.post("/orders", json=body((tee, 1), code="ONCE"), headers=headers)
    again = shopper.post("/orders", json=body((tee, 1), code="ONCE"), headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 1


# The quote and the expected total ------------------------------------------------


def test_a_quote_is_the_order_it_would_place_and_moves_nothing(admin, shopper, tee, cap, db):
    method = standard(admin)
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 2000})
    limited = code(admin, "ONCE", max_uses=1)
    request = body((tee, 3), (cap, 1), method=method, code="ONCE")

    quote = shopper.post("/orders/quote", json=request)

    assert quote.status_code == 200, quote.get_json()
    quoted = quote.get_json()
    assert quoted["short"] == []
    assert (orders_stored(db), stock_of(admin, tee["id"])) == (0, 20)
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 0
    order = shopper.post("/orders", json=request).get_json()
    for name in ("items", "subtotal", "shipping", "discount", "tax_total", "prices_include_tax", "total", "currency",
                 "shipping_address"):
        assert quoted[name] == order[name], name


def test_a_quote_lists_the_lines_it_could_not_serve_now(shopper, add_product):
    scarce = add_product("SCARCE", stock=2)

    quoted = shopper.post("/orders/quote", json=body((scarce, 5))).get_json()

    assert quoted["short"] == [{"product_id": scarce["id"], "variant_id": scarce["id"], "requested": 5, "available": 2}]
    assert quoted["total"] == 5 * 3450


def test_a_quote_refuses_what_placing_refuses(admin, shopper, anonymous, tee):
    standard(admin)

    details = assert_error(shopper.post("/orders/quote", json=body((tee, 1), code="NOPE")), 422, "validation_error")

    assert set(details) == {"discount_code", "shipping_method_id"}
    assert_error(shopper.post("/orders/quote", json={"items": []}), 422, "validation_error")
    assert_error(anonymous.post("/orders/quote", json=body((tee, 1))), 401, "unauthorized")


def test_an_expected_total_that_still_holds_places_the_order(shopper, tee):
    quoted = shopper.post("/orders/quote", json=body((tee, 2))).get_json()

    assert shopper.post("/orders", json=body((tee, 2), expected=quoted["total"])).status_code == 201


def test_a_price_changed_since_the_quote_places_nothing_and_answers_the_new_quote(admin, shopper, tee, db):
    quoted = shopper.post("/orders/quote", json=body((tee, 2))).get_json()
    admin.patch(f"/products/{tee['id']}", json={"price": 2199})

    details = assert_error(shopper.post("/orders", json=body((tee, 2), expected=quoted["total"])), 409,
                           "quote_changed")

    assert details["quote"]["total"] == 4398
    assert details["quote"] == shopper.post("/orders/quote", json=body((tee, 2))).get_json()
    assert (orders_stored(db), stock_of(admin, tee["id"])) == (0, 20)


def test_a_shipping_or_tax_change_since_the_quote_is_a_changed_quote(admin, shopper, tee):
    method = standard(admin)
    quoted = shopper.post("/orders/quote", json=body((tee, 1), method=method)).get_json()
    make(admin, "/tax-rates", {"country": "US", "rate_bp": 1000})
    admin.patch(f"/shipping-methods/{method['id']}", json={"price": 695})

    details = assert_error(shopper.post("/orders", json=body((tee, 1), method=method, expected=quoted["total"])),
                           409, "quote_changed")

    assert details["quote"]["shipping"]["amount"] == 695
    assert details["quote"]["total"] == quoted["total"] + 200


# Racing for a code's last uses ----------------------------------------------------


@pytest.fixture
def server(app):
    served = Served(app)
    yield served.port
    served.stop()


@pytest.fixture
def frequent_thread_switches():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(previous)


def test_thirty_orders_racing_for_a_code_with_five_uses_use_it_five_times(
        server, admin, add_product, make_customers, db, frequent_thread_switches):
    tee = add_product("TEE", stock=100)
    limited = code(admin, "FIVE", max_uses=5)
    buyers = make_customers(30)
    request = body((tee, 1), code="FIVE")

    results = race([lambda token=token: call(server, "POST", "/orders", token, request) for _, token in buyers])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 5, 422: 25}, statuses
    assert all("used up" in answer["error"]["details"]["discount_code"][0] for status, answer in results
               if status == 422)
    assert db.discount_uses.count_documents({}) == 5
    assert admin.get(f"/discount-codes/{limited['id']}").get_json()["uses"] == 5
    assert db.orders.count_documents({"status": "placed"}) == 5
    assert db.orders.count_documents({"status": "pending"}) == 0
    assert stock_of(admin, tee["id"]) == 95


def test_racing_orders_of_one_customer_never_pass_the_per_customer_limit(
        server, admin, add_product, make_customers, db, frequent_thread_switches):
    tee = add_product("TEE", stock=100)
    code(admin, "TWICE", max_uses_per_customer=2)
    [(_, token)] = make_customers(1)
    request = body((tee, 1), code="TWICE")

    results = race([lambda: call(server, "POST", "/orders", token, request) for _ in range(12)])

    assert Counter(status for status, _ in results) == {201: 2, 422: 10}
    assert db.discount_uses.count_documents({}) == 2
