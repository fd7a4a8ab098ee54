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

    @property
    def is_admin(self):
        return self.role == ADMIN


def normalize_email(email):
    """Emails are unique regardless of case, so they are stored lower-cased."""
    return email.strip().lower()
