"""Who is calling the JSON API: the one place where bearer tokens are checked.

`current_api_user()` resolves the `Authorization: Bearer` header once per
request; `token_required` and `admin_required` guard the endpoints. A browser's
session cookie never authenticates here.
"""
from functools import wraps

from flask import g, request

from ..clock import utcnow
from ..db import get_db
from ..errors import Forbidden
from . import services
from .repository import TokenRepository, UserRepository


def client_address():
    """The caller's address for the attempt limits: `TRUSTED_PROXIES` decides what it is
    (shop/app.py trust_proxies), never a header this code reads."""
    return request.remote_addr or "unknown"


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_api_user():
    """The token holder, or Unauthorized."""
    if "api_user" not in g:
        db = get_db()
        g.api_user = services.user_for_token(
            TokenRepository(db), UserRepository(db), bearer_token(), utcnow()
        )
    return g.api_user


def optional_api_user():
    """The token holder when a token is sent; None for an anonymous call."""
    return current_api_user() if bearer_token() else None


def token_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        current_api_user()
        return view(*args, **kwargs)

    return guarded


def admin_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_api_user().is_admin:
            raise Forbidden("This needs an admin account.")
        return view(*args, **kwargs)

    return guarded
