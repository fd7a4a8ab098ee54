"""The refund use case: money back, and units back in stock, on a paid, shipped or delivered
order (refunds.py is the model: what may be refunded, and how much a line is worth).

Never more than was paid, however many refunds race: each is one write conditional on the
refunds as read, and a loser reads again and plans again.
"""
import hashlib
import json
import time
from dataclasses import dataclass

from ..errors import Conflict, NotFound
from . import refunds
from .actions import refund_actions, run_actions
from .expiry import expired_if_due

# Plans a refund makes before giving up while other refunds or a cancel keep coming first.
REFUND_ATTEMPTS = 10


@dataclass
class RefundRequest:
    """The body of `POST /orders/<id>/refunds`."""
    amount: int
    lines: list
    reason: str

    @classmethod
    def from_body(cls, data):
        return cls(data.get("amount"), data.get("lines") or [], data.get("reason") or None)

    def fingerprint(self):
        body = {"amount": self.amount, "lines": self.lines, "reason": self.reason}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def can_refund(order):
    """Whether money may still go back on `order` (its status allows it, and some is left)."""
    return order.status in refunds.REFUNDABLE and refunds.refundable(order) > 0


def preview_refund(repos, order_id, request):
    """(order, amount, lines) the refund would give back now, writing nothing; the same
    422 and 409 as refunding."""
    order = repos.orders.get(order_id)
    if order is None:
        raise NotFound("No such order.")
    return (order, *refunds.plan(order, request.amount, request.lines))


def refund_order(repos, admin, order_id, request, idempotency_key, now):
    """Refund money and take back units of a paid, shipped or delivered order. Returns
    (order, refund, created): created is False for a replay of the same Idempotency-Key."""
    fingerprint = request.fingerprint()
    for attempt in range(REFUND_ATTEMPTS):
        order = repos.orders.get(order_id)
        if order is None:
            raise NotFound("No such order.")
        order = expired_if_due(repos, order, now)  # an unpaid order past its window is cancelled
        earlier = _earlier(order, idempotency_key, fingerprint)
        if earlier is not None:
            return order, earlier, False
        done = _try_refund(repos, admin, order, request, idempotency_key, fingerprint, now)
        if done is not None:
            return (*done, True)
        time.sleep(0.002 * attempt)  # another refund or a cancel came first: plan again from what it left
    raise Conflict("The order kept changing while it was being refunded; try again.")


def _earlier(order, idempotency_key, fingerprint):
    """The refund made before with this key (409 if for another body), or None."""
    earlier = order.refund_with_key(idempotency_key) if idempotency_key else None
    if earlier is not None and earlier.request_hash != fingerprint:
        raise Conflict("This Idempotency-Key was used with a different request.")
    return earlier


def _try_refund(repos, admin, order, request, idempotency_key, fingerprint, now):
    """One refund planned from `order` as read and stored if nothing came since: (order after
    its actions, the refund), or None when the order moved on."""
    amount, lines = refunds.plan(order, request.amount, request.lines)
    refund = refunds.Refund(id=repos.orders.new_id(), amount=amount, lines=lines, reason=request.reason,
                            created_at=now, by=admin.id, idempotency_key=idempotency_key, request_hash=fingerprint)
    refunded = repos.orders.add_refund(order, refund, refunds.payment_status_after(order, amount), now,
                                       refund_actions(refund))
    if refunded is None:
        return None
    done = run_actions(repos, refunded, now)
    return done, next(r for r in done.refunds if r.id == refund.id)
