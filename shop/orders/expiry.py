"""Expiry: an unpaid order whose payment window has passed is cancelled, its units and its
use of a code given back. The worker expires every order that is due; reading an order (alone
or in a list) expires it on the way, so that none reads as placed past its window."""
from .actions import run_actions
from .model import PLACED, RESTOCK, SYSTEM


def expired_if_due(repos, order, now):
    """The order as it is now: an unpaid one past its window is expired on the way."""
    if order.status == PLACED and order.expires_at and order.expires_at <= now:
        return expire_order(repos, order, now) or repos.orders.get(order.id)
    return order


def expire_order(repos, order, now):
    """Cancel an unpaid order whose payment window has passed; None if it was not due."""
    cancelled = repos.orders.expire_if_due(
        order.id, {"by": SYSTEM, "note": "payment window expired"}, now, actions=[RESTOCK, "email:cancelled"]
    )
    return run_actions(repos, cancelled, now) if cancelled else None


def expire_unpaid(repos, now):
    """Expire every order that is due; returns how many were expired."""
    return sum(1 for order in repos.orders.expired_unpaid(now) if expire_order(repos, order, now))
