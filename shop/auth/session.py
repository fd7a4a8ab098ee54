"""Flask-Login for the HTML site: the session user and how it is loaded.

A site login is a token of kind "site" in the `tokens` collection, the same
machinery as the API's bearer tokens: the signed session cookie carries it, each
request looks it up, and logging out deletes it, so a copy of the old cookie is a
visitor's, on every process. `User` (auth.model) knows nothing of Flask;
`SessionUser` adapts it for Flask-Login and passes every other attribute
through, so templates and routes read `current_user.name` directly.
"""
from urllib.parse import urlsplit

from flask import current_app
from flask_login import UserMixin, current_user, login_user, logout_user

from ..clock import utcnow
from ..db import get_db
from ..errors import Unauthorized
from ..extensions import login_manager
from . import services
from .repository import TokenRepository, UserRepository


class SessionUser(UserMixin):
    def __init__(self, user, token):
        self.user = user
        self.token = token

    def get_id(self):
        return self.token  # what Flask-Login keeps in the session cookie

    def __getattr__(self, name):
        return getattr(self.user, name)


@login_manager.user_loader
def load_user(token):
    db = get_db()
    try:
        user = services.user_for_token(TokenRepository(db), UserRepository(db), token, utcnow(), TokenRepository.SITE)
    except Unauthorized:  # logged out, expired, or never issued: a visitor
        return None
    return SessionUser(user, token)


def log_in(user):
    """Start a site session for `user`, ended on the server by `log_out`."""
    token, _ = services.issue_token(TokenRepository(get_db()), user, current_app.config["TOKEN_TTL_DAYS"], utcnow(),
                                    TokenRepository.SITE)
    login_user(SessionUser(user, token))


def log_out():
    if current_user.is_authenticated:
        services.revoke_token(TokenRepository(get_db()), current_user.token)
    logout_user()


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
