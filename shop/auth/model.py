"""Accounts: who someone is and what role they have."""
from dataclasses import dataclass
from datetime import datetime

CUSTOMER = "customer"
ADMIN = "admin"


@dataclass
class User:
    id: str
    email: str
    name: str
    role: str
    password_hash: str
    created_at: datetime
    # Counts the password's changes: a session or token is good only while it is the one it
    # was issued under, so a log-in that checked the old password before a reset ended every
    # session issues nothing that works (shop/auth/services.py user_for_token).
    password_version: int = 0

    @property
    def is_admin(self):
        return self.role == ADMIN


def normalize_email(email):
    """Emails are unique regardless of case, so they are stored lower-cased."""
    return email.strip().lower()
