"""Confirmation e-mails: queued in the outbox by each order event, delivered by the backend."""
from datetime import timedelta

import pytest

from tests.conftest import GOOD_CARD, deliver_emails
from shop import jobs
from shop.clock import utcnow
from shop.mail import deliver_due
from shop.outbox_repository import OutboxRepository


class BrokenBackend:
    def __init__(self):
        self.attempts = 0

    def send(self, to, subject, body):
        self.attempts += 1
        raise ConnectionRefusedError("smtp.internal:25")


@pytest.fixture
def clock(add_product):
    return add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=3450, stock=10)


@pytest.fixture
def order(shopper, clock, place_order):
    return place_order(shopper, [(clock, 2)]).get_json()


def subjects(mailbox):
    return [message["subject"] for message in mailbox]


def test_placing_an_order_emails_the_shopper(app, order, mailbox, db):
    output = deliver_emails(app)

    assert "1 e-mail(s) sent" in output
    [message] = mailbox
    assert message["to"] == "ada@example.com"
    assert message["subject"] == f"Order {order['number']} is placed"
    assert "2 x Retro Alarm Clock (RETRO-CLOCK)  $69.00" in message["body"]
    assert "Total: $69.00" in message["body"]
    assert db.emails.find_one()["status"] == "sent"


def test_paying_shipping_and_cancelling_each_email_once(app, shopper, admin, order, clock, place_order, mailbox):
    shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD)
    admin.post(f"/orders/{order['id']}/transitions", json={"status": "shipped"})
    admin.post(f"/orders/{order['id']}/transitions", json={"status": "delivered"})
    other = place_order(shopper, [(clock, 1)]).get_json()
    shopper.post(f"/orders/{other['id']}/cancel")

    deliver_emails(app)
    deliver_emails(app)

    number, other_number = order["number"], other["number"]
    assert sorted(subjects(mailbox)) == sorted([
        f"Order {number} is placed", f"Payment received for order {number}", f"Order {number} is on its way",
        f"Order {other_number} is placed", f"Order {other_number} is cancelled"])
    assert {message["to"] for message in mailbox} == {"ada@example.com"}


def test_nothing_is_delivered_before_the_outbox_runs(order, mailbox, db):
    assert mailbox == []
    assert db.emails.find_one()["status"] == "queued"


def test_a_failed_delivery_stays_queued_and_is_sent_once_on_a_retry(app, order, mailbox, db):
    broken = BrokenBackend()

    assert jobs.deliver_emails(db, broken) == 0

    queued = db.emails.find_one()
    assert broken.attempts == 1
    assert (queued["status"], queued["attempts"], queued["last_error"]) == ("queued", 1, "ConnectionRefusedError")
    assert queued["next_attempt_at"] > utcnow()
    backend = app.extensions["mail_backend"]
    assert jobs.deliver_emails(db, backend) == 0  # not due yet: it backs off
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(OutboxRepository(db), backend, later) == 1
    assert deliver_due(OutboxRepository(db), backend, later + timedelta(hours=1)) == 0
    assert subjects(mailbox) == [f"Order {order['number']} is placed"]
    assert db.emails.find_one()["status"] == "sent"


def test_each_failed_attempt_backs_off_longer(order, db):
    broken = BrokenBackend()
    now = utcnow()
    waits = []
    for _ in range(3):
        deliver_due(OutboxRepository(db), broken, now)
        queued = db.emails.find_one()
        waits.append(queued["next_attempt_at"] - now)
        now = queued["next_attempt_at"]

    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
