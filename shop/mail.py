"""E-mail: the outbox (outbox_repository.py) delivered through a backend: the console's log,
a list for tests, or an SMTP server. A sender claims a batch of due messages, sends each and
records each outcome at once; a message whose delivery fails stays queued for a later try.
"""
import logging
import smtplib
import time
from email.message import EmailMessage

from .outbox_repository import BATCH

log = logging.getLogger(__name__)


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
        log.warning("e-mail %s not delivered (attempt %d): %s", message["key"], message["attempts"],
                    type(error).__name__)
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
