"""Whose cart a request works on: the shopper's, or the visitor's kept in the session; the
visitor's cart joining the shopper's on log-in; and the count of units the header shows.

The cart listens for Flask-Login's `user_logged_in` instead of the log-in page calling it,
so that accounts know nothing of carts.
"""
import secrets

from flask import session
from flask_login import user_logged_in

from ..auth.session import signed_in_user
from ..clock import utcnow
from ..db import get_db
from ..products.repository import ProductRepository
from . import services
from .model import ANONYMOUS, USER, owner_key
from .repository import CartRepository

VISITOR_CART = "cart_id"  # the signed session cookie's key for a visitor's cart


def cart_owner(create=False):
    """Whose cart this request works on: the shopper's, or the visitor's (made on demand)."""
    user = signed_in_user()
    if user:
        return owner_key(USER, user.id)
    if create and VISITOR_CART not in session:
        session[VISITOR_CART] = secrets.token_urlsafe(24)
    return owner_key(ANONYMOUS, session[VISITOR_CART]) if VISITOR_CART in session else None


@user_logged_in.connect
def carry_cart_over(sender, **extra):
    """After log-in: the visitor's cart joins the shopper's."""
    visitor_cart = session.pop(VISITOR_CART, None)
    if visitor_cart:
        services.carry_over(CartRepository(get_db()), owner_key(ANONYMOUS, visitor_cart), cart_owner(), utcnow())


def cart_count():
    """Units in this request's cart, for the header: the cart's own count (`Cart.count`)."""
    owner = cart_owner()
    return services.count_items(CartRepository(get_db()), ProductRepository(get_db()), owner) if owner else 0
