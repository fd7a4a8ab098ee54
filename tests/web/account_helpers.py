"""Helpers for the account tests (password resets, /me, the account page): the e-mailed
reset link, and a clock the account views read moved forward."""
import re

import pytest

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


@pytest.fixture
def move_clock(monkeypatch):
    """move_clock(timedelta): the account views (API and site) see the time that much later."""
    from shop.auth import api, routes
    from shop.clock import utcnow

    def move(delta):
        for module in (api, routes):
            monkeypatch.setattr(module, "utcnow", lambda: utcnow() + delta)

    return move
