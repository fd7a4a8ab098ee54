"""E-mail: an outbox in MongoDB and the backends that deliver it.

Queuing is one insert with a unique key per order event, so queuing twice (a
retry, the repair command) sends once. Delivery claims a message with a
conditional update before sending, so several processes can deliver from one
outbox; a message whose delivery fails stays queued and is tried again later.
"""
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .db import at_or_before

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT = "queued", "sending", "sent"
CLAIM_SECONDS = 120
MAX_BACKOFF_SECONDS = 3600


class Outbox:
    def __init__(self, db):
        self.emails = db.emails

    def enqueue(self, key, to, subject, body, now):
        doc = {
            "key": key, "to": to, "subject": subject, "body": body, "status": QUEUED,
            "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": None,
        }
        try:
            self.emails.insert_one(doc)
        except DuplicateKeyError:
            pass  # queued before

    def claim_due(self, now):
        """Take one message that is due (or whose sender died mid-delivery)."""
        return self.emails.find_one_and_update(
            {"status": {"$in": [QUEUED, SENDING]}, "next_attempt_at": at_or_before(now)},
            {"$set": {"status": SENDING, "next_attempt_at": now + timedelta(seconds=CLAIM_SECONDS)},
             "$inc": {"attempts": 1}},
            sort=[("next_attempt_at", 1)],
            return_document=ReturnDocument.AFTER,
        )

    def mark_sent(self, message, now):
        self.emails.update_one({"_id": message["_id"], "status": SENDING}, {"$set": {"status": SENT, "sent_at": now}})

    def mark_failed(self, message, error, now):
        backoff = min(MAX_BACKOFF_SECONDS, 30 * 2 ** (message["attempts"] - 1))
        self.emails.update_one(
            {"_id": message["_id"], "status": SENDING},
            {"$set": {"status": QUEUED, "next_attempt_at": now + timedelta(seconds=backoff), "last_error": error}},
        )


def deliver_due(outbox, backend, now, limit=100):
    """Send what is due; returns how many were sent."""
    sent = 0
    for _ in range(limit):
        message = outbox.claim_due(now)
        if message is None:
            break
        try:
            backend.send(message["to"], message["subject"], message["body"])
        except Exception as error:  # any failure of the mail server: keep it for a retry
            log.warning("e-mail %s not delivered (attempt %d): %s", message["key"], message["attempts"], type(error).__name__)
            outbox.mark_failed(message, type(error).__name__, now)
            continue
        outbox.mark_sent(message, now)
        sent += 1
    return sent


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
