"""E-mail delivery keeps up: a round claims messages a batch at a time and sends all that is
due (no cap per round), several senders never send a message twice, a failing mail server
still backs off as before, and the worker goes again at once when a round left work behind."""
import smtplib
import threading
import time
from datetime import timedelta

import pytest

from shop import jobs
from shop.clock import utcnow
from shop.mail import deliver_due
from shop.outbox_repository import CLAIM_SECONDS, OutboxRepository


class RecordingBackend:
    """A mail server that records what it is handed, from any thread, and when."""

    def __init__(self, pause=0.0, refuse=()):
        self.pause, self.refuse = pause, set(refuse)
        self.sent, self.times = [], []
        self._lock = threading.Lock()

    def send(self, to, subject, body):
        if to in self.refuse:
            raise smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
        time.sleep(self.pause)  # a real server's round trip; lets the other sender run meanwhile
        with self._lock:
            self.sent.append(subject)
            self.times.append(time.monotonic())


def queue(db, count, now, to="ada@example.com"):
    outbox = OutboxRepository(db)
    for number in range(count):
        outbox.enqueue(f"order-{number}-placed", to, f"Order {number} placed", "Thank you.", now)
    return outbox


def close_to(moment, expected):
    return abs(moment - expected) <= timedelta(milliseconds=2)


def test_two_senders_draining_one_outbox_send_each_message_exactly_once(db):
    now = utcnow()
    queue(db, 240, now)
    backend = RecordingBackend(pause=0.0005)
    start, counts = threading.Barrier(2), []

    def sender():
        start.wait()
        counts.append(deliver_due(OutboxRepository(db), backend, now, batch=7))  # small batches: many races

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 240
    assert sorted(backend.sent) == sorted(f"Order {n} placed" for n in range(240))
    assert db.emails.count_documents({"status": "sent"}) == 240
    assert db.emails.count_documents({"attempts": 1}) == 240


class FindsThen:
    """An outbox's collection that runs `meanwhile()` right after its first find of due
    messages: another sender acting between this one's look and its claim."""

    def __init__(self, emails, meanwhile):
        self._emails, self._meanwhile = emails, meanwhile

    def __getattr__(self, name):
        return getattr(self._emails, name)

    def find(self, *args, **kwargs):
        found = list(self._emails.find(*args, **kwargs))
        meanwhile, self._meanwhile = self._meanwhile, lambda: None
        meanwhile()
        return found


def test_a_sender_takes_none_of_the_messages_another_claimed_after_it_looked(db):
    now = utcnow()
    queue(db, 3, now)
    other, taken_by_other = OutboxRepository(db), []
    slow = OutboxRepository(db)
    slow.emails = FindsThen(slow.emails, lambda: taken_by_other.extend(other.claim_batch(now, 2)))

    mine = slow.claim_batch(now)

    assert [m["subject"] for m in taken_by_other] == ["Order 0 placed", "Order 1 placed"]
    assert [m["subject"] for m in mine] == ["Order 2 placed"]
    assert db.emails.count_documents({"attempts": 1}) == 3


def test_a_claimed_message_is_not_claimed_again_until_its_claim_expires(db):
    now = utcnow()
    outbox = queue(db, 3, now)

    first = outbox.claim_batch(now)
    again = outbox.claim_batch(now + timedelta(seconds=CLAIM_SECONDS - 1))
    after_expiry = outbox.claim_batch(now + timedelta(seconds=CLAIM_SECONDS))

    assert [m["subject"] for m in first] == ["Order 0 placed", "Order 1 placed", "Order 2 placed"]
    assert again == []
    assert [m["attempts"] for m in after_expiry] == [2, 2, 2]


def test_one_round_sends_every_due_message_beyond_the_old_cap_of_a_hundred(db):
    now = utcnow()
    queue(db, 260, now)
    backend = RecordingBackend()

    sent = deliver_due(OutboxRepository(db), backend, now)

    assert sent == len(backend.sent) == 260
    assert db.emails.count_documents({"status": "sent"}) == 260


def test_a_message_queued_after_the_round_began_waits_for_the_next_round(db):
    now = utcnow()
    queue(db, 2, now)
    OutboxRepository(db).enqueue("late-placed", "ada@example.com", "Late", "Thank you.", now + timedelta(seconds=1))

    sent = deliver_due(OutboxRepository(db), RecordingBackend(), now)

    assert sent == 2
    assert db.emails.find_one({"key": "late-placed"})["status"] == "queued"


def test_a_failing_mail_server_still_backs_off_thirty_seconds_doubling(db):
    now = utcnow()
    outbox = queue(db, 3, now)
    down = RecordingBackend(refuse={"ada@example.com"})

    first = deliver_due(outbox, down, now)
    waiting = db.emails.find_one({"key": "order-0-placed"})
    too_soon = deliver_due(outbox, down, now + timedelta(seconds=29))
    second = deliver_due(outbox, down, now + timedelta(seconds=30))
    retried = db.emails.find_one({"key": "order-0-placed"})
    working = RecordingBackend()
    early = deliver_due(outbox, working, now + timedelta(seconds=89))
    finally_sent = deliver_due(outbox, working, now + timedelta(seconds=90))

    assert (first, too_soon, second) == (0, 0, 0)
    assert waiting["status"] == "queued" and waiting["attempts"] == 1
    assert waiting["last_error"] == "SMTPRecipientsRefused"
    assert close_to(waiting["next_attempt_at"], now + timedelta(seconds=30))
    assert retried["attempts"] == 2
    assert close_to(retried["next_attempt_at"], now + timedelta(seconds=30 + 60))
    assert (early, finally_sent) == (0, 3)


def test_a_refused_message_does_not_hold_back_the_rest_of_its_batch(db):
    now = utcnow()
    outbox = queue(db, 4, now)
    outbox.enqueue("bob-placed", "bob@example.com", "Bob's order", "Thank you.", now)
    backend = RecordingBackend(refuse={"bob@example.com"})

    sent = deliver_due(outbox, backend, now)

    assert sent == 4
    assert db.emails.find_one({"key": "bob-placed"})["status"] == "queued"
    assert db.emails.count_documents({"status": "sent"}) == 4


def test_a_round_stops_at_its_deadline_and_leaves_the_rest_queued(db):
    now = utcnow()
    queue(db, 30, now)

    sent = deliver_due(OutboxRepository(db), RecordingBackend(), now, deadline=time.monotonic() - 1, batch=10)

    assert sent == 0
    assert db.emails.count_documents({"status": "queued"}) == 30


@pytest.fixture
def settings():
    # The other jobs wait a minute; e-mail is looked for every 1.5 s.
    return {"WORKER_INTERVAL_SECONDS": 60, "MAIL_INTERVAL_SECONDS": 1.5}


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_the_worker_goes_again_at_once_when_a_round_leaves_messages_due(app, db, monkeypatch):
    monkeypatch.setattr(jobs, "MAIL_ROUND_SECONDS", 0.01)  # each round sends one batch of 50
    backend = app.extensions["mail_backend"] = RecordingBackend(pause=0.002)
    queue(db, 150, utcnow())

    worker = jobs.Worker(app)
    pauses, wait = [], worker.stopping.wait
    worker.stopping.wait = lambda seconds: pauses.append(seconds) or wait(seconds)  # how long each round waited
    worker.thread.start()
    try:
        delivered = wait_until(lambda: len(backend.sent) == 150)
    finally:
        worker.stop()

    assert delivered
    # Three rounds of 50: the first after MAIL_INTERVAL_SECONDS, the next two at once (the
    # pauses, not the clock, so a loaded machine cannot make it pass or fail).
    assert pauses[:3] == [1.5, 0, 0]
    assert db.emails.count_documents({"status": "sent"}) == 150


def test_the_worker_delivers_e_mail_between_its_rounds_of_the_other_jobs(app, db, monkeypatch):
    ran = []
    monkeypatch.setattr(jobs, "expire_orders", lambda db: ran.append("expire"))
    backend = app.extensions["mail_backend"] = RecordingBackend()
    queue(db, 1, utcnow())

    worker = jobs.start_worker(app)
    try:
        delivered = wait_until(lambda: backend.sent, seconds=10)
    finally:
        worker.stop()

    assert delivered == ["Order 0 placed"]
    assert ran == []  # the minute-long round of the other jobs has not come yet
