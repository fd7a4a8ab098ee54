"""E-mail: an outbox in MongoDB and the backends that deliver it.

Queuing is one insert with a unique key per order event, so queuing twice (a
retry, the repair command) sends once. Delivery claims messages with a
conditional update before sending, so several processes can deliver from one
outbox; a message whose delivery fails stays queued and is tried again later.
Messages are claimed a batch at a time: one look and one claim per batch, not a
search of the outbox (on the embedded store, under its one lock) per message.
"""
import logging
import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from .db import at_or_before

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT = "queued", "sending", "sent"
CLAIM_SECONDS = 120
MAX_BACKOFF_SECONDS = 3600
# Messages per claim: small enough that each store call is short (the embedded store runs
# every call under one lock, which request threads wait on), large enough that a burst of
# orders is drained in few round trips. See docs/PERFORMANCE.md.
BATCH = 50


class Outbox:
    def __init__(self, db):
        self.emails = db.emails

    def enqueue(self, key, to, subject, body, now, secret=False):
        """Queue a message once per `key`. A `secret` one (a link that logs someone in) keeps
        its body only until it is sent."""
        doc = {
            "key": key, "to": to, "subject": subject, "body": body, "status": QUEUED,
            "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": None,
            **({"secret": True} if secret else {}),
        }
        try:
            self.emails.insert_one(doc)
        except DuplicateKeyError:
            pass  # queued before

    def claim_batch(self, now, size=BATCH):
        """Take up to `size` due messages, the longest waiting first; [] when none is due (or
        other senders took all that this one found).

        The due ids are read first, then claimed by one update whose filter every document
        must still pass when it is written: a message that another sender claimed meanwhile
        no longer is due, so it is not taken twice. The claim's own mark tells which it took.
        """
        due = {"status": {"$in": [QUEUED, SENDING]}, "next_attempt_at": at_or_before(now)}
        ids = [doc["_id"] for doc in self.emails.find(due, {"_id": 1}, sort=[("next_attempt_at", 1)], limit=size)]
        if not ids:
            return []
        claim = ObjectId()
        self.emails.update_many(
            {**due, "_id": {"$in": ids}},
            {"$set": {"status": SENDING, "next_attempt_at": now + timedelta(seconds=CLAIM_SECONDS), "claim": claim},
             "$inc": {"attempts": 1}},
        )
        taken = {doc["_id"]: doc for doc in self.emails.find({"_id": {"$in": ids}, "claim": claim})}
        return [taken[_id] for _id in ids if _id in taken]

    def mark_sent(self, message, now):
        update = {"$set": {"status": SENT, "sent_at": now}}
        if message.get("secret"):
            update["$unset"] = {"body": ""}
        self.emails.update_one({"_id": message["_id"], "status": SENDING}, update)

    def counts(self):
        """How many messages are in each state: {"queued": n, "sending": n, "sent": n}."""
        return {status: self.emails.count_documents({"status": status}) for status in (QUEUED, SENDING, SENT)}

    def mark_failed(self, message, error, now):
        backoff = min(MAX_BACKOFF_SECONDS, 30 * 2 ** (message["attempts"] - 1))
        self.emails.update_one(
            {"_id": message["_id"], "status": SENDING},
            {"$set": {"status": QUEUED, "next_attempt_at": now + timedelta(seconds=backoff), "last_error": error}},
        )


def deliver_due(outbox, backend, now, deadline=None, batch=BATCH):
    """Send every message due at `now`, `batch` at a time, stopping early only when
    `time.monotonic()` passes `deadline` (the caller then knows some may be left); returns
    how many were sent."""
    sent = 0
    while deadline is None or time.monotonic() < deadline:
        messages = outbox.claim_batch(now, batch)
        if not messages:
            break
        sent += sum(_send(outbox, backend, message, now) for message in messages)
    return sent


def _send(outbox, backend, message, now):
    """Send one claimed message and record the outcome at once: a sender killed mid-batch
    sends again at most the one message the mail server had just taken."""
    try:
        backend.send(message["to"], message["subject"], message["body"])
    except Exception as error:  # any failure of the mail server: keep it for a retry
        log.warning("e-mail %s not delivered (attempt %d): %s", message["key"], message["attempts"], type(error).__name__)
        outbox.mark_failed(message, type(error).__name__, now)
        return False
    outbox.mark_sent(message, now)
    return True


class ConsoleBackend:
    """Writes each message to the log: the default, for development."""

    def send(self, to, subject, body):
        log.info("e-mail to %s: %s\n%s", to, subject, body)


class MemoryBackend:
    """Keeps messages in a list, for tests."""

    def __init__(self):
        self.sent = []

    def send(self, to, subject, body):
        self.sent.append({"to": to, "subject": subject, "body": body})


class SmtpBackend:
    def __init__(self, config):
        self.config = config

    def send(self, to, subject, body):
        message = EmailMessage()
        message["From"] = self.config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.config["SMTP_HOST"], self.config["SMTP_PORT"],
                          timeout=self.config["SMTP_TIMEOUT_SECONDS"]) as smtp:
            if self.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if self.config["SMTP_USERNAME"]:
                smtp.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"])
            smtp.send_message(message)


def make_backend(config):
    name = config["MAIL_BACKEND"]
    if name == "memory":
        return MemoryBackend()
    if name == "smtp":
        return SmtpBackend(config)
    if name == "console":
        return ConsoleBackend()
    raise ValueError(f"MAIL_BACKEND must be console, smtp or memory, not {name!r}")
