"""Several shop processes on one MongoDB server: what the embedded store's lock
cannot show. Each process is a real `python wsgi.py` (waitress, its own worker
running expiry, e-mail and repair every second); the test's own app is on the
same database and is used only to set up and read the stored data.
"""
import random
import re
import signal
import threading
import time
from collections import Counter

import pytest
import requests
from bson import ObjectId

from tests.conftest import GOOD_CARD
from tests.invariants import assert_holds, problems
from tests.processes.conftest import flask_command
from tests.processes.harness import WORKER_INTERVAL_SECONDS
from tests.racing import call, order_body, race

pytestmark = [pytest.mark.server, pytest.mark.slow]


def settle(db, timeout=40):
    """Wait until the processes' repair has finished what was left and every promise
    holds; returns what still does not hold after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = problems(db, settled=True)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def assert_audit_passes(db):
    code, output = flask_command(db, "audit-stock")
    assert code == 0, output


def test_buyers_racing_across_three_processes_buy_exactly_the_stock(start_shops, add_product, make_customers, db):
    shops = start_shops(3)
    clock = add_product("RETRO-CLOCK", stock=10)
    body = order_body((clock["id"], 1))

    results = race([lambda index=index, token=token: call(shops[index % 3].port, "POST", "/orders", token, body)
                    for index, (_, token) in enumerate(make_customers(45))])

    assert Counter(status for status, _ in results) == {201: 10, 409: 35}
    assert {answer["error"]["code"] for status, answer in results if status == 409} == {"insufficient_stock"}
    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 0
    assert db.orders.count_documents({"status": "placed"}) == 10
    assert_holds(db, settled=True)


def test_thirty_orders_across_three_processes_use_a_five_use_code_five_times(
        start_shops, add_product, make_customers, admin, db):
    shops = start_shops(3)
    tee = add_product("TEE", stock=100)
    code = {"code": "FIVE", "kind": "percent", "value": 1000, "active": True, "max_uses": 5}
    assert admin.post("/discount-codes", json=code).status_code == 201
    body = dict(order_body((tee["id"], 1)), discount_code="FIVE")

    results = race([lambda index=index, token=token: call(shops[index % 3].port, "POST", "/orders", token, body)
                    for index, (_, token) in enumerate(make_customers(30))])

    assert Counter(status for status, _ in results) == {201: 5, 422: 25}
    assert all("used up" in answer["error"]["details"]["discount_code"][0]
               for status, answer in results if status == 422)
    assert db.discount_uses.count_documents({}) == 5
    assert db.variants.find_one({"sku": "TEE"})["stock"] == 95
    assert_holds(db, settled=True)


def test_two_line_orders_across_processes_never_hold_each_others_last_units(
        start_shops, add_product, make_customers, db):
    shops = start_shops(3)
    a, b = add_product("CLOCK-A", stock=5), add_product("MUG-B", stock=5)
    # Half the buyers list the lines one way round, half the other.
    bodies = [order_body((a["id"], 1), (b["id"], 1)), order_body((b["id"], 1), (a["id"], 1))]

    results = race([lambda index=index, token=token: call(shops[index % 3].port, "POST", "/orders", token,
                                                          bodies[index % 2])
                    for index, (_, token) in enumerate(make_customers(40))])

    assert Counter(status for status, _ in results) == {201: 5, 409: 35}
    assert db.variants.find_one({"sku": "CLOCK-A"})["stock"] == 0
    assert db.variants.find_one({"sku": "MUG-B"})["stock"] == 0
    assert_holds(db, settled=True)


def test_buyers_racing_across_three_processes_for_one_variant_leave_its_siblings_untouched(
        start_shops, admin, make_customers, db):
    shops = start_shops(3)
    body = {"name": "Field Tee", "price": 2000, "options": [{"name": "Size", "values": ["S", "M"]}],
            "variants": [{"sku": "TEE-S", "options": {"Size": "S"}, "stock": 10},
                         {"sku": "TEE-M", "options": {"Size": "M"}, "stock": 5}]}
    product = admin.post("/products", json=body).get_json()
    medium = next(v for v in product["variants"] if v["sku"] == "TEE-M")
    order = {"items": [{"product_id": product["id"], "variant_id": medium["id"], "quantity": 1}],
             "shipping_address": order_body()["shipping_address"]}

    results = race([lambda index=index, token=token: call(shops[index % 3].port, "POST", "/orders", token, order)
                    for index, (_, token) in enumerate(make_customers(45))])

    assert Counter(status for status, _ in results) == {201: 5, 409: 40}
    assert db.variants.find_one({"sku": "TEE-M"})["stock"] == 0
    small = db.variants.find_one({"sku": "TEE-S"})
    assert (small["stock"], small["ledger_seq"], small["pending"]) == (10, 1, [])
    assert_holds(db, settled=True)
    assert_audit_passes(db)


def test_one_idempotency_key_retried_on_every_process_makes_one_order(start_shops, add_product, make_customers, db):
    shops = start_shops(3)
    clock = add_product("RETRO-CLOCK", stock=10)
    [(_, token)] = make_customers(1)
    body, headers = order_body((clock["id"], 3)), {"Idempotency-Key": "checkout-7f3a"}

    results = race([lambda shop=shop: call(shop.port, "POST", "/orders", token, body, headers)
                    for shop in shops * 7])

    assert Counter(status for status, _ in results) == {201: 1, 200: 20}
    assert len({answer["id"] for _, answer in results}) == 1
    assert db.orders.count_documents({}) == 1
    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 7
    assert_holds(db, settled=True)


def test_racing_cancels_on_every_process_restock_and_refund_once(start_shops, add_product, make_customers, admin, db):
    shops = start_shops(3)
    clock = add_product("RETRO-CLOCK", stock=10)
    [(_, token)] = make_customers(1)
    status, order = call(shops[0].port, "POST", "/orders", token, order_body((clock["id"], 3)))
    assert status == 201
    assert call(shops[1].port, "POST", f"/orders/{order['id']}/payments", token, GOOD_CARD)[0] == 200

    results = race([lambda shop=shop, who=who: call(shop.port, "POST", f"/orders/{order['id']}/cancel", who)
                    for shop in shops for who in (token, admin.token) * 4])

    assert Counter(status for status, _ in results) == {200: 1, 409: 23}
    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 10
    assert db.stock_movements.count_documents({"order_id": order["id"], "reason": "order_cancelled"}) == 1
    assert db.sandbox_charges.count_documents({"refunded": True}) == 1
    stored = db.orders.find_one({"_id": ObjectId(order["id"])})
    assert [entry["status"] for entry in stored["history"]] == ["placed", "paid", "cancelled"]
    assert_holds(db, settled=True)


def test_racing_refunds_and_returns_on_every_process_never_pass_what_was_paid(
        start_shops, add_product, make_customers, admin, db):
    shops = start_shops(3)
    glass = add_product("GLASS-TUMBLER", price=1000, stock=10)
    [(_, token)] = make_customers(1)
    status, order = call(shops[0].port, "POST", "/orders", token, order_body((glass["id"], 6)))
    assert call(shops[1].port, "POST", f"/orders/{order['id']}/payments", token, GOOD_CARD)[0] == 200
    path = f"/orders/{order['id']}/refunds"
    returns = {"lines": [{"product_id": glass["id"], "quantity": 1, "restock": True}], "reason": "Returned"}
    money = {"amount": 2500, "reason": "Goodwill"}
    bodies = [returns] * 9 + [money] * 9  # 6000 paid: a mix of both can never give back more

    results = race([lambda index=index, body=body: call(shops[index % 3].port, "POST", path, admin.token, body)
                    for index, body in enumerate(bodies)])

    assert {status for status, _ in results} <= {201, 409, 422}
    stored = db.orders.find_one({"_id": ObjectId(order["id"])})
    refunded = stored["payment"]["refunded_amount"]
    assert refunded == sum(refund["amount"] for refund in stored["refunds"]) <= 6000
    assert refunded == sum(answer["refund"]["amount"] for status, answer in results if status == 201)
    restocked = sum(1 for status, answer in results if status == 201 and answer["refund"]["lines"])
    assert settle(db) == []
    assert db.variants.find_one({"sku": "GLASS-TUMBLER"})["stock"] == 4 + restocked
    assert db.sandbox_charges.find_one()["refunded_amount"] == refunded
    assert_audit_passes(db)


def test_the_bootstrap_admin_is_created_once_when_processes_start_together(start_shops, db):
    fresh = db.client[db.name + "_boot"]
    try:
        shops = start_shops(3, db_name=fresh.name)

        assert fresh.users.count_documents({}) == 1
        assert fresh.users.find_one()["role"] == "admin"
        for shop in shops:  # and every process lets that admin in
            response = requests.post(shop.url + "/api/v1/auth/tokens", timeout=30,
                                     json={"email": "admin@example.com", "password": "admin-password-1"})
            assert response.status_code == 201, response.text
    finally:
        db.client.drop_database(fresh.name)


def csrf_token_on(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def site_login(shop, session, email, password):
    csrf = csrf_token_on(session.get(shop.url + "/login", timeout=30))
    return session.post(shop.url + "/login", data={"email": email, "password": password, "csrf_token": csrf},
                        allow_redirects=False, timeout=30)


def test_a_session_cookie_from_one_process_works_on_every_other_until_it_logs_out(start_shops, register):
    shops = start_shops(3)
    register("ada@example.com", name="Ada Lovelace")
    browser = requests.Session()

    assert site_login(shops[0], browser, "ada@example.com", "correct horse battery").status_code == 302

    for shop in shops[1:]:
        page = browser.get(shop.url + "/orders", allow_redirects=False, timeout=30)
        assert page.status_code == 200
        assert "My orders" in page.text and "(Ada Lovelace)" in page.text
    anonymous = requests.get(shops[1].url + "/orders", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    # Logging out on one process ends the session on all: a copy of the cookie is a visitor's.
    copied = browser.cookies.get("session")
    csrf = csrf_token_on(browser.get(shops[2].url + "/orders", timeout=30))
    assert browser.post(shops[2].url + "/logout", data={"csrf_token": csrf}, allow_redirects=False,
                        timeout=30).status_code == 302
    for shop in shops:
        replayed = requests.get(shop.url + "/orders", cookies={"session": copied}, allow_redirects=False, timeout=30)
        assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]


def test_the_jobs_running_in_every_process_do_each_thing_once(start_shops, add_product, make_customers, db):
    shops = start_shops(3)
    clock = add_product("RETRO-CLOCK", stock=20)
    orders = []
    for index, (_, token) in enumerate(make_customers(6)):
        status, order = call(shops[index % 3].port, "POST", "/orders", token, order_body((clock["id"], 2)))
        assert status == 201
        orders.append(order)
    due = [ObjectId(order["id"]) for order in orders[:3]]
    db.orders.update_many({"_id": {"$in": due}}, {"$set": {"expires_at": db.orders.find_one()["created_at"]}})

    deadline = time.monotonic() + 30  # 6 "placed" and 3 "cancelled" e-mails, all sent
    while time.monotonic() < deadline and db.emails.count_documents({"status": "sent"}) < 9:
        time.sleep(0.2)
    time.sleep(3 * WORKER_INTERVAL_SECONDS)  # rounds enough for a second delivery or expiry to show

    assert db.orders.count_documents({"status": "cancelled"}) == 3
    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 20 - 2 * 3
    for order_id in due:  # each expiry gave its units back once
        assert db.stock_movements.count_documents({"order_id": str(order_id), "reason": "order_cancelled"}) == 1
    logs = "".join(shop.log() for shop in shops)
    emails = list(db.emails.find())
    assert len(emails) == 6 + 3 and all(email["status"] == "sent" for email in emails)
    for email in emails:  # each delivered by exactly one process, once
        assert logs.count(f"e-mail to {email['to']}: {email['subject']}\n") == 1, email["subject"]
    assert_holds(db, settled=True)


class Load:
    """Shoppers placing, paying and cancelling orders on the given processes from
    several threads until stopped; counts every answer, and every request that a
    dying process cut off."""

    def __init__(self, shops, tokens, products, threads=8):
        self.shops, self.tokens, self.products = shops, tokens, products
        self.answers, self.cut_off = Counter(), 0
        self.waiting_on = Counter()  # port -> shoppers whose request to it has not been answered yet
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # guards the counters only
        self.threads = [threading.Thread(target=self.shopper, args=(index,)) for index in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *error):
        self.stopping.set()
        for thread in self.threads:
            thread.join(90)
        assert not any(thread.is_alive() for thread in self.threads)

    def note(self, status, answer):
        with self.lock:
            self.answers[status, (answer or {}).get("error", {}).get("code")] += 1

    def placed(self):
        with self.lock:
            return self.answers[201, None]

    def until_placed(self, more, timeout=60):
        """Wait until `more` orders beyond those placed so far are placed."""
        target = self.placed() + more
        self._until(lambda: self.placed() >= target, lambda: f"the load placed too little: {self.answers}", timeout)

    def _until(self, condition, failure, timeout):
        """Wait for `condition` by load, not by time (a busy machine is slower, not different)."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, failure()
            time.sleep(0.05)

    def shopper(self, index):
        token, step = self.tokens[index % len(self.tokens)], index
        while not self.stopping.is_set():
            step += 1
            shop = self.shops[step % len(self.shops)]
            first, second = self.products[step % 3], self.products[(step + 1) % 3]
            try:
                status, order = self.call(shop, "POST", "/orders", token, order_body((first, 1), (second, 2)))
                self.note(status, order)
                if status == 201 and step % 3:
                    action = ("/payments", GOOD_CARD) if step % 3 == 1 else ("/cancel", None)
                    self.note(*self.call(shop, "POST", f"/orders/{order['id']}" + action[0], token, action[1]))
            except (ConnectionError, OSError):
                with self.lock:
                    self.cut_off += 1
                time.sleep(0.05)

    def until_waiting_on(self, shop, timeout=60):
        """Wait until a shopper's request to `shop` is on its way."""
        self._until(lambda: self._waiting_on(shop) > 0, lambda: "no request reached the paused process", timeout)

    def _waiting_on(self, shop):
        with self.lock:
            return self.waiting_on[shop.port]

    def call(self, shop, *request):
        with self.lock:
            self.waiting_on[shop.port] += 1
        try:
            return call(shop.port, *request)
        finally:
            with self.lock:
                self.waiting_on[shop.port] -= 1

    def statuses(self):
        return {status for status, _ in self.answers}


def test_a_process_killed_under_load_is_finished_by_the_others(start_shops, add_product, make_customers, db):
    victim, *others = shops = start_shops(3)
    products = [add_product(sku, stock=2000)["id"] for sku in ("CLOCK-A", "MUG-B", "LAMP-C")]
    tokens = [token for _, token in make_customers(8)]

    with Load(shops, tokens, products) as load:
        load.until_placed(15)
        # Paused first, so that requests are surely on their way to it when it dies (the kernel
        # still accepts them); the kill then cuts them off, as a crash under load does.
        # On a busy machine the shoppers can take longer than any fixed pause to come round to it.
        victim.signal(signal.SIGSTOP)
        load.until_waiting_on(victim)
        time.sleep(0.2)
        victim.signal(signal.SIGKILL)
        load.shops = others  # from now on shoppers go elsewhere, as a load balancer would send them
        victim.process.wait()
        load.until_placed(10)

    assert load.cut_off >= 1  # the kill cut requests off in the middle
    assert load.statuses() <= {200, 201, 409}, load.answers
    assert settle(db) == []
    assert_audit_passes(db)


def test_a_paused_process_loses_no_unit_and_answers_no_500(start_shops, add_product, make_customers, db):
    stalled = start_shops(3)[0]
    products = [add_product(sku, stock=2000)["id"] for sku in ("CLOCK-A", "MUG-B", "LAMP-C")]
    tokens = [token for _, token in make_customers(12)]

    with Load([stalled], tokens, products, threads=12) as load:
        load.until_placed(10)
        # Paused in the middle of placing: a pause between two orders is tried again, at uneven
        # moments (an order is pending for a few milliseconds, and a fixed rhythm can keep missing it).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stalled.signal(signal.SIGSTOP)
            if db.orders.count_documents({"status": "pending"}):
                break
            stalled.signal(signal.SIGCONT)
            time.sleep(random.uniform(0.005, 0.08))
        assert db.orders.count_documents({"status": "pending"}) >= 1, "no pause ever caught an order being placed"
        # Paused until the other processes' repair (after REPAIR_AFTER_SECONDS) has withdrawn them all.
        deadline = time.monotonic() + 60
        while db.orders.count_documents({"status": "pending"}):
            assert time.monotonic() < deadline, "the other processes never repaired the paused one's orders"
            time.sleep(0.2)
        stalled.signal(signal.SIGCONT)
        load.until_placed(5)

    assert load.cut_off == 0
    assert load.statuses() <= {200, 201, 409}, load.answers
    assert {code for status, code in load.answers if status == 409} <= {
        "insufficient_stock", "conflict", "invalid_transition"}, load.answers
    # The repair in the other processes rejected the orders the paused one left pending,
    # and its resumed requests answered 409 rather than placing them.
    assert load.answers[409, "conflict"] >= 1, load.answers
    assert db.orders.count_documents({"status": "rejected"}) >= 1
    assert settle(db) == []
    assert_audit_passes(db)
