"""Refunds and returns over the JSON API: money back, units back, never more than was paid."""
import pytest

from tests.conftest import ADDRESS, GOOD_CARD, assert_error, deliver_emails, ledger_sum, stock_of

GLASS_PRICE = 333  # three glasses with 10% off: 999 - 100 = 899 paid, so units cost 300, 299, 300


@pytest.fixture
def glass(add_product):
    return add_product("GLASS-TUMBLER", name="Tumbler Glass", price=GLASS_PRICE, stock=20)


@pytest.fixture
def jug(add_product):
    return add_product("JUG-CLAY", name="Clay Jug", price=2500, stock=5)


def place_and_pay(shopper, lines, code=None):
    body = {"items": [{"product_id": product["id"], "quantity": quantity} for product, quantity in lines],
            "shipping_address": ADDRESS, **({"discount_code": code} if code else {})}
    order = shopper.post("/orders", json=body)
    assert order.status_code == 201, order.get_json()
    paid = shopper.post(f"/orders/{order.get_json()['id']}/payments", json=GOOD_CARD)
    assert paid.status_code == 200, paid.get_json()
    return paid.get_json()


@pytest.fixture
def ten_percent(admin):
    response = admin.post("/discount-codes", json={"code": "TEN", "kind": "percent", "value": 1000})
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def glasses_order(shopper, glass, ten_percent):
    """Three glasses, 10% off: 899 paid."""
    return place_and_pay(shopper, [(glass, 3)], code="TEN")


@pytest.fixture
def paid_order(shopper, glass, jug):
    """Two glasses and a jug, no code: 666 + 2500 = 3166 paid."""
    return place_and_pay(shopper, [(glass, 2), (jug, 1)])


def refund(admin, order, headers=None, **body):
    return admin.post(f"/orders/{order['id']}/refunds", json={"reason": "Customer asked", **body}, headers=headers)


def returned(product, quantity=1, restock=True):
    return {"product_id": product["id"], "quantity": quantity, "restock": restock}


def charge_of(db, order):
    attempt_id = db.orders.find_one({"number": order["number"]})["payment"]["attempt_id"]
    return db.sandbox_charges.find_one({"_id": attempt_id})


# Money back -------------------------------------------------------------------


def test_a_partial_refund_records_the_refund_and_leaves_the_order_status_alone(admin, paid_order):
    response = refund(admin, paid_order, amount=1000)

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"refund", "order"}
    assert set(body["refund"]) == {"id", "amount", "lines", "reason", "created_at"}
    assert body["refund"]["amount"] == 1000 and body["refund"]["lines"] == []
    assert body["refund"]["reason"] == "Customer asked"
    order = body["order"]
    assert order["status"] == "paid"
    assert order["payment"]["status"] == "partially_refunded"
    assert order["payment"]["refunded_amount"] == 1000
    assert [r["id"] for r in order["refunds"]] == [body["refund"]["id"]]
    assert order["history"][-1]["reason"] == "Customer asked"
    assert admin.get(f"/orders/{paid_order['id']}").get_json()["payment"]["refunded_amount"] == 1000


def test_a_paid_order_shows_nothing_refunded_yet(admin, paid_order):
    assert paid_order["payment"]["refunded_amount"] == 0
    assert paid_order["refunds"] == []


def test_refunding_everything_that_was_paid_marks_the_payment_refunded(admin, paid_order):
    response = refund(admin, paid_order, amount=paid_order["total"])

    assert response.status_code == 201
    payment = response.get_json()["order"]["payment"]
    assert payment["status"] == "refunded" and payment["refunded_amount"] == paid_order["total"]


def test_a_refund_above_what_was_paid_is_refused_and_nothing_changes(admin, paid_order, db):
    assert refund(admin, paid_order, amount=2000).status_code == 201

    response = refund(admin, paid_order, amount=paid_order["total"] - 2000 + 1)

    assert_error(response, 409, "refund_exceeds_payment")
    assert response.get_json()["error"]["details"]["refundable"] == paid_order["total"] - 2000
    order = admin.get(f"/orders/{paid_order['id']}").get_json()
    assert order["payment"]["refunded_amount"] == 2000 and len(order["refunds"]) == 1
    assert charge_of(db, paid_order)["refunded_amount"] == 2000


def test_nothing_is_refunded_after_a_full_refund(admin, paid_order):
    refund(admin, paid_order, amount=paid_order["total"])

    assert_error(refund(admin, paid_order, amount=1), 409, "refund_exceeds_payment")


def test_the_gateway_gives_back_each_refund_once(admin, paid_order, db):
    refund(admin, paid_order, amount=700)
    refund(admin, paid_order, amount=300)

    charge = charge_of(db, paid_order)
    assert charge["refunded_amount"] == 1000
    assert sorted(r["amount"] for r in charge["refunds"]) == [300, 700]


def test_the_gateways_refund_is_made_once_when_its_step_is_run_again(app, admin, paid_order, db):
    from shop.clock import utcnow
    from shop.orders.actions import run_actions
    from shop.orders.links import OrderLinks
    from shop.orders.repositories import Repositories

    body = refund(admin, paid_order, amount=500).get_json()
    stores = Repositories.on(app.extensions["mongo_db"], OrderLinks.of(app.config))
    order = stores.orders.get(paid_order["id"])
    order.pending_actions = [f"refund:{body['refund']['id']}"]  # as if the step's end was never recorded

    run_actions(stores, order, utcnow())

    assert charge_of(db, paid_order)["refunded_amount"] == 500


def test_each_refund_queues_an_email_to_the_shopper(app, admin, paid_order, mailbox):
    refund(admin, paid_order, amount=1234, reason="Arrived late")
    deliver_emails(app)

    mail = [m for m in mailbox if m["subject"] == f"Refund for order {paid_order['number']}"]
    assert len(mail) == 1
    assert mail[0]["to"] == "ada@example.com"
    assert "$12.34" in mail[0]["body"] and "Arrived late" in mail[0]["body"]
    assert f"/orders/{paid_order['id']}" in mail[0]["body"]


# Units back -------------------------------------------------------------------


def test_lines_without_an_amount_refund_what_those_units_were_paid_for_unit_by_unit(admin, glasses_order, glass):
    assert glasses_order["total"] == 899

    amounts = [refund(admin, glasses_order, lines=[returned(glass)]).get_json()["refund"]["amount"] for _ in range(3)]

    assert amounts == [300, 299, 300]
    assert sum(amounts) == glasses_order["total"]
    order = admin.get(f"/orders/{glasses_order['id']}").get_json()
    assert order["payment"]["status"] == "refunded"
    assert order["items"][0]["refunded"] == 3


def test_two_units_at_once_cost_what_the_per_unit_rule_says(admin, glasses_order, glass):
    first = refund(admin, glasses_order, lines=[returned(glass, 2)]).get_json()["refund"]

    assert first["amount"] == 599  # round(899 * 2 / 3)
    assert refund(admin, glasses_order, lines=[returned(glass)]).get_json()["refund"]["amount"] == 300


def test_returned_units_go_back_to_stock_once_with_the_reason_returned(admin, paid_order, glass):
    before = stock_of(admin, glass["id"])

    response = refund(admin, paid_order, lines=[returned(glass, 2)])

    assert response.status_code == 201
    assert stock_of(admin, glass["id"]) == before + 2
    movements = admin.get(f"/products/{glass['id']}/stock-movements").get_json()["items"]
    assert movements[0]["reason"] == "returned" and movements[0]["delta"] == 2
    assert movements[0]["order_id"] == paid_order["id"]
    assert ledger_sum(admin, glass["id"]) == stock_of(admin, glass["id"])
    assert response.get_json()["order"]["items"][0]["restocked"] == 2


def test_units_refunded_without_restock_stay_out_of_stock(admin, paid_order, glass):
    before = stock_of(admin, glass["id"])

    response = refund(admin, paid_order, lines=[returned(glass, 1, restock=False)], reason="Broken in transit")

    assert response.status_code == 201
    assert response.get_json()["refund"]["amount"] == 333
    assert stock_of(admin, glass["id"]) == before
    assert response.get_json()["order"]["items"][0]["restocked"] == 0


def test_an_amount_with_lines_refunds_the_amount_and_restocks_the_lines(admin, paid_order, jug):
    before = stock_of(admin, jug["id"])

    response = refund(admin, paid_order, amount=1000, lines=[returned(jug)])

    assert response.get_json()["refund"]["amount"] == 1000
    assert stock_of(admin, jug["id"]) == before + 1


def test_more_units_than_are_left_to_refund_are_refused(admin, paid_order, glass):
    refund(admin, paid_order, lines=[returned(glass, 1)])

    response = refund(admin, paid_order, lines=[returned(glass, 2)])

    assert_error(response, 422, "validation_error")
    assert response.get_json()["error"]["details"]["lines"]["0"]["quantity"] == [
        "Only 1 of this line can still be refunded."]


def test_a_product_that_is_not_on_the_order_is_refused(admin, paid_order, add_product):
    other = add_product("OTHER-THING", stock=3)

    response = refund(admin, paid_order, lines=[returned(other)])

    assert_error(response, 422, "validation_error")
    assert "product_id" in response.get_json()["error"]["details"]["lines"]["0"]


def test_a_refund_needs_an_amount_or_lines(admin, paid_order):
    response = refund(admin, paid_order)

    assert_error(response, 422, "validation_error")
    assert set(response.get_json()["error"]["details"]) == {"amount", "lines"}


def test_a_reason_is_optional_and_a_control_character_in_one_is_refused(admin, paid_order):
    without = admin.post(f"/orders/{paid_order['id']}/refunds", json={"amount": 100})
    refused = refund(admin, paid_order, amount=100, reason="Late\b")

    assert without.status_code == 201 and without.get_json()["refund"]["reason"] is None
    assert_error(refused, 422, "validation_error")
    assert "reason" in refused.get_json()["error"]["details"]


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100"])
def test_an_amount_is_a_positive_whole_number_of_minor_units(admin, paid_order, amount):
    assert_error(refund(admin, paid_order, amount=amount), 422, "validation_error")


# Who and when -----------------------------------------------------------------


def test_an_unpaid_order_cannot_be_refunded(admin, shopper, glass):
    placed = shopper.post("/orders", json={"items": [{"product_id": glass["id"], "quantity": 1}],
                                           "shipping_address": ADDRESS}).get_json()

    assert_error(refund(admin, placed, amount=100), 409, "invalid_transition")


def test_shipped_and_delivered_orders_can_be_refunded(admin, paid_order):
    admin.post(f"/orders/{paid_order['id']}/transitions", json={"status": "shipped"})
    assert refund(admin, paid_order, amount=100).status_code == 201

    admin.post(f"/orders/{paid_order['id']}/transitions", json={"status": "delivered"})
    response = refund(admin, paid_order, amount=100)

    assert response.status_code == 201
    assert response.get_json()["order"]["status"] == "delivered"


def test_a_cancelled_order_cannot_be_refunded_again(admin, paid_order):
    admin.post(f"/orders/{paid_order['id']}/cancel")

    assert_error(refund(admin, paid_order, amount=100), 409, "invalid_transition")


def test_only_admins_refund(shopper, paid_order):
    assert_error(shopper.post(f"/orders/{paid_order['id']}/refunds", json={"amount": 100, "reason": "Mine"}),
                 403, "forbidden")


def test_refunding_an_unknown_order_is_404(admin):
    assert_error(admin.post("/orders/64b7f0c2a1b2c3d4e5f60718/refunds", json={"amount": 1, "reason": "x"}),
                 404, "not_found")


# A later cancel ---------------------------------------------------------------


def test_a_later_cancel_restocks_only_units_not_yet_back_and_refunds_what_is_left(admin, paid_order, glass, jug,
                                                                                    db):
    glasses, jugs = stock_of(admin, glass["id"]), stock_of(admin, jug["id"])
    refund(admin, paid_order, lines=[returned(glass, 1)])  # 333 back, one glass restocked

    response = admin.post(f"/orders/{paid_order['id']}/cancel")

    assert response.status_code == 200
    order = response.get_json()
    assert order["status"] == "cancelled"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == paid_order["total"]
    assert stock_of(admin, glass["id"]) == glasses + 2  # one by the refund, one by the cancel
    assert stock_of(admin, jug["id"]) == jugs + 1
    assert ledger_sum(admin, glass["id"]) == stock_of(admin, glass["id"])
    charge = charge_of(db, paid_order)
    assert charge["refunded_amount"] == paid_order["total"]
    assert sorted(r["amount"] for r in charge["refunds"]) == [333, paid_order["total"] - 333]


def test_a_cancel_after_a_full_refund_gives_no_more_money_back(admin, paid_order, db):
    refund(admin, paid_order, amount=paid_order["total"])

    order = admin.post(f"/orders/{paid_order['id']}/cancel").get_json()

    assert order["payment"]["refunded_amount"] == paid_order["total"]
    assert charge_of(db, paid_order)["refunded_amount"] == paid_order["total"]


def test_a_cancel_of_a_paid_order_with_no_refunds_refunds_it_all(admin, paid_order, db):
    order = admin.post(f"/orders/{paid_order['id']}/cancel").get_json()

    assert order["payment"] == {**order["payment"], "status": "refunded", "refunded_amount": paid_order["total"]}
    assert charge_of(db, paid_order)["refunded_amount"] == paid_order["total"]


# Idempotency ------------------------------------------------------------------


def test_a_retried_refund_with_the_same_key_returns_the_first_and_refunds_once(admin, paid_order, db):
    first = refund(admin, paid_order, headers={"Idempotency-Key": "refund-1"}, amount=800)
    again = refund(admin, paid_order, headers={"Idempotency-Key": "refund-1"}, amount=800)

    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["refund"]["id"] == first.get_json()["refund"]["id"]
    assert again.get_json()["order"]["payment"]["refunded_amount"] == 800
    assert charge_of(db, paid_order)["refunded_amount"] == 800


def test_the_same_key_with_another_body_is_a_conflict(admin, paid_order):
    refund(admin, paid_order, headers={"Idempotency-Key": "refund-2"}, amount=800)

    assert_error(refund(admin, paid_order, headers={"Idempotency-Key": "refund-2"}, amount=900), 409, "conflict")


# Revenue ----------------------------------------------------------------------


def test_the_dashboards_revenue_is_net_of_refunds(app, admin, paid_order):
    from datetime import timedelta

    from shop.clock import utcnow
    from shop.orders import services
    from shop.orders.repositories import Repositories

    refund(admin, paid_order, amount=1000)
    now = utcnow()

    summary = services.sales_summary(Repositories.on(app.extensions["mongo_db"]), now - timedelta(hours=1),
                                     now + timedelta(hours=1))

    assert summary["revenue"] == {"USD": paid_order["total"] - 1000}
