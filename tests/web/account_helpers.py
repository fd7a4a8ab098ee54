"""Helpers for the account tests (password resets, /me, the account page): the e-mailed
reset link (the clock the account views read is moved by conftest.py's move_clock)."""
import re

from tests.conftest import deliver_emails

BASE_URL = "https://shop.example.com"
LINK = re.compile(r"(https?://\S+/password-reset/([A-Za-z0-9_-]+))")
NEW_PASSWORD = "a brand new passphrase"


def reset_links(app, mailbox, email="ada@example.com"):
    """Every reset link e-mailed to `email` so far (delivering what the outbox holds), oldest first."""
    deliver_emails(app)
    return [LINK.search(message["body"]).group(1) for message in mailbox
            if message["to"] == email and message["subject"] == "Reset your password"]


def token_of(link):
    return LINK.search(link).group(2)


def reset_emails_sent(app, mailbox):
    deliver_emails(app)
    return [message for message in mailbox if message["subject"] == "Reset your password"]
