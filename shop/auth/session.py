"""Flask-Login for the HTML site: the session user and how it is loaded.

`User` (auth.model) knows nothing of Flask; `SessionUser` adapts it for
Flask-Login and passes every other attribute through, so templates and
routes read `current_user.name` or `current_user.is_admin` directly.
"""
from urllib.parse import urlsplit

from flask_login import UserMixin, current_user

from ..db import get_db
from ..extensions import login_manager
from .repository import UserRepository


class SessionUser(UserMixin):
    def __init__(self, user):
        self.user = user

    def get_id(self):
        return self.user.id

    def __getattr__(self, name):
        return getattr(self.user, name)


@login_manager.user_loader
def load_user(user_id):
    user = UserRepository(get_db()).get(user_id)
    return SessionUser(user) if user else None


login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


def signed_in_user():
    """The logged-in shop User (the model, for services), or None."""
    return current_user.user if current_user.is_authenticated else None


def safe_next(target):
    """`target` when it is a path inside this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return None
    return target
