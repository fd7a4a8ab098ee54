"""A request that outlives REPAIR_AFTER_SECONDS meets the repair mid-way, step by
step, on either store: the process stalls at a chosen point (here: the repair
runs right there, as another process would while this one is paused), then the
request goes on. Nothing may be lost or given back twice, and the answer is in
the contract's shape. tests/processes/ does the same with a real SIGSTOP.
"""
import pytest
from bson import ObjectId

from tests.conftest import GOOD_CARD, assert_error
from tests.invariants import assert_holds
from shop import jobs
from shop.orders import actions, services
from shop.orders.repository import OrderRepository
from shop.products import stock

EVERYTHING_IS_ABANDONED = 0  # the repair's age limit: what it finds counts as left behind


@pytest.fixture
def stall_at(monkeypatch, db):
    """stall_at(owner, name, call_number): the `call_number`-th call of `owner.name`
    (a function of a module, or a method of a class) first lets the repair run;
    returns the list the repair's reports go to."""
    reports = []

    def arm(owner, name, call_number):
        real = getattr(owner, name)
        calls = []

        def stalled(*args, **kwargs):
            calls.append(name)
            if len(calls) == call_number:
                reports.append(jobs.repair(db, EVERYTHING_IS_ABANDONED))
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, stalled)
        return reports

    return arm


def stock_of(db, product):
    return db.variants.find_one({"_id": ObjectId(product["id"])})["stock"]


@pytest.mark.parametrize("line", [1, 2])
def test_an_order_stalled_while_taking_its_lines_is_withdrawn_and_answers_409(
        stall_at, register, add_product, place_order, db, line):
    clock, mug = add_product("CLOCK-A", stock=5), add_product("MUG-B", stock=5)
    reports = stall_at(stock, "move_stock", line)  # stalls before taking its first or its second line

    response = place_order(register(), [(clock, 1), (mug, 2)])

    assert_error(response, 409, "conflict")
    assert reports and reports[0]["orders_undone"] == 1
    assert (stock_of(db, clock), stock_of(db, mug)) == (5, 5)
    assert db.orders.find_one()["status"] == "rejected"
    assert_holds(db, settled=True)


def test_an_order_stalled_before_it_is_marked_placed_is_withdrawn_and_answers_409(
        stall_at, register, add_product, place_order, db):
    clock = add_product("CLOCK-A", stock=5)
    # Placing's first status change is pending -> placed: every line is taken by then.
    reports = stall_at(OrderRepository, "change_status", 1)

    response = place_order(register(), [(clock, 3)])

    assert_error(response, 409, "conflict")
    assert reports and reports[0]["orders_undone"] == 1
    assert stock_of(db, clock) == 5
    assert db.stock_movements.count_documents({"reason": "order_rejected"}) == 1  # given back once
    assert_holds(db, settled=True)


def test_a_cancel_stalled_before_its_restock_restocks_once(stall_at, register, add_product, place_order, db):
    clock = add_product("CLOCK-A", stock=5)
    shopper = register()
    order = place_order(shopper, [(clock, 3)]).get_json()
    reports = stall_at(actions, "return_stock", 1)  # cancelled and stored; the repair restocks first

    response = shopper.post(f"/orders/{order['id']}/cancel")

    assert response.status_code == 200, response.get_json()
    assert reports and reports[0]["actions"] >= 1
    assert stock_of(db, clock) == 5
    assert db.stock_movements.count_documents({"order_id": order["id"], "reason": "order_cancelled"}) == 1
    assert_holds(db, settled=True)


def test_a_payment_stalled_after_the_charge_is_settled_once_and_keeps_the_money(
        stall_at, register, add_product, place_order, db):
    clock = add_product("CLOCK-A", stock=5)
    shopper = register()
    order = place_order(shopper, [(clock, 1)]).get_json()
    # The card is charged; before the request records it, the repair finds the charge and settles it.
    reports = stall_at(services, "settle_charge", 1)

    response = shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "paid"
    assert reports and reports[0]["payments"] == 1
    assert db.sandbox_charges.count_documents({"approved": True, "refunded": False}) == 1
    assert db.orders.find_one()["payment"]["status"] == "paid"
    assert_holds(db, settled=True)
