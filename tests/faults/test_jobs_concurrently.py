"""Unpaid-order expiry and the e-mail outbox run from several processes at once
(threads calling the jobs on one store): each order expires once, each e-mail
goes out once, and a mail server that fails never fails or repeats an order."""
import smtplib
import threading
from datetime import timedelta

import pytest

from shop import jobs
from shop.clock import utcnow
from shop.mail import deliver_due
from shop.outbox_repository import CLAIM_SECONDS, OutboxRepository
from tests.conftest import GOOD_CARD
from tests.invariants import problems

PROCESSES = 6


class CountingBackend:
    """A mail server that records every message it is handed, from any thread."""

    def __init__(self, fail=False):
        self.fail = fail
        self.sent = []
        self._lock = threading.Lock()

    def send(self, to, subject, body):
        if self.fail:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with self._lock:
            self.sent.append((to, subject))


def at_once(job, processes=PROCESSES):
    """Run `job()` in several threads released together; returns their results."""
    start = threading.Barrier(processes)
    results, errors = [], []

    def run():
        start.wait()
        try:
            results.append(job())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture
def unpaid_orders(db, shopper, add_product, place_order):
    clock = add_product("RETRO-CLOCK", stock=40)
    mug = add_product("STONE-MUG", stock=40)
    ids = []
    for _ in range(12):
        response = place_order(shopper, [(clock, 2), (mug, 1)])
        assert response.status_code == 201
        ids.append(response.get_json()["id"])
    paid = ids.pop()
    assert shopper.post(f"/orders/{paid}/payments", json=GOOD_CARD).status_code == 200
    db.orders.update_many({}, {"$set": {"expires_at": utcnow() - timedelta(minutes=1)}})
    return ids, paid


def test_expiry_from_several_processes_cancels_each_due_order_once(db, shopper, unpaid_orders):
    ids, paid = unpaid_orders

    expired = at_once(lambda: jobs.expire_orders(db))

    assert sum(expired) == len(ids)
    for order_id in ids:
        order = shopper.get(f"/orders/{order_id}").get_json()
        assert order["status"] == "cancelled"
        assert [h["status"] for h in order["history"]] == ["placed", "cancelled"]
        assert order["history"][-1]["by"] == "system"
    assert shopper.get(f"/orders/{paid}").get_json()["status"] == "paid"
    assert problems(db) == []


def test_outbox_delivered_from_several_processes_sends_each_message_once(db, unpaid_orders):
    jobs.expire_orders(db)
    backend = CountingBackend()
    queued = db.emails.count_documents({"status": "queued"})
    assert queued == 12 + 1 + 11  # placed for each, paid for one, cancelled for the expired

    sent = at_once(lambda: jobs.deliver_emails(db, backend))

    assert sum(sent) == queued
    assert len(backend.sent) == len(set(backend.sent)) == queued
    assert db.emails.count_documents({"status": "sent"}) == queued


def test_a_failing_mail_server_neither_fails_nor_repeats_an_order_and_the_message_waits(
        app, db, shopper, add_product, place_order):
    app.extensions["mail_backend"] = CountingBackend(fail=True)
    clock = add_product("RETRO-CLOCK", stock=5)

    placed = place_order(shopper, [(clock, 1)])
    jobs.run_all(app)  # the worker's round: must not raise
    jobs.run_all(app)
    message = db.emails.find_one()

    assert placed.status_code == 201
    assert db.orders.count_documents({}) == 1
    assert shopper.get(f"/orders/{placed.get_json()['id']}").get_json()["status"] == "placed"
    assert message["status"] == "queued" and message["attempts"] == 1
    assert message["last_error"] == "SMTPServerDisconnected"
    assert problems(db) == []

    working = CountingBackend()
    later = message["next_attempt_at"]
    assert deliver_due(OutboxRepository(db), working, later - timedelta(seconds=1)) == 0  # backing off
    assert deliver_due(OutboxRepository(db), working, later) == 1
    assert deliver_due(OutboxRepository(db), working, later + timedelta(hours=2)) == 0
    assert working.sent == [("ada@example.com", message["subject"])]
    assert db.orders.count_documents({}) == 1


def test_a_message_whose_sender_died_mid_delivery_is_sent_by_another_process_later(db, shopper, add_product,
                                                                                  place_order):
    place_order(shopper, [(add_product("RETRO-CLOCK", stock=5), 1)])
    outbox = OutboxRepository(db)
    now = utcnow()
    assert outbox.claim_batch(now, 1)  # ...and the sender dies here, before sending
    backend = CountingBackend()

    too_soon = deliver_due(outbox, backend, now + timedelta(seconds=CLAIM_SECONDS - 1))
    later = deliver_due(outbox, backend, now + timedelta(seconds=CLAIM_SECONDS))

    assert (too_soon, later) == (0, 1)
    assert len(backend.sent) == 1
