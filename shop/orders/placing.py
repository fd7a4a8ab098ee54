"""Placing an order: the checkout quoted, then placed all or nothing, or an earlier placing
replayed by its Idempotency-Key.

No multi-document transactions: the order is stored `pending` before any unit moves, then
its code's use is taken, then its stock; then it is placed, or withdrawn (rejected, with what
it holds given back). A crash in between leaves a pending order that the repair withdraws.
"""
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta

from .. import pricing
from ..discounts.use_repository import UsedUp, customer_key
from ..errors import Conflict, InvalidInput, OutOfStock, QuoteChanged
from ..products import stock
from ..products.model import Shortage
from . import model, terms
from .actions import run_actions
from .model import GUEST, PENDING, PLACED, REJECTED, SYSTEM
from .repository import DuplicateIdempotencyKey

REPLAY_WAIT_SECONDS = 5
# Placings of one Idempotency-Key before giving up while a racing request with it runs on.
PLACE_ATTEMPTS = 3


@dataclass
class Checkout:
    """What a shopper asks to order: the body of `POST /orders` and of its quote."""
    items: list
    shipping_address: dict
    shipping_method_id: str = None
    discount_code: str = None
    expected_total: int = None
    address_id: str = None  # the saved address `shipping_address` was copied from, when the body named one
    quoted: str = None  # the HTML checkout's: the fingerprint of the quote the page showed (Quote.fingerprint)

    @classmethod
    def from_body(cls, data):
        """`shipping_address` is None for a body naming a saved address, until it is copied in."""
        return cls(data["items"], data.get("shipping_address"), data.get("shipping_method_id"),
                   data.get("discount_code"), data.get("expected_total"), data.get("address_id"))

    def fingerprint(self):
        """The request body's digest. A v1 body (items and address only) digests as it did in
        v1, so a retry across the upgrade still replays its order. A body naming a saved address
        digests as sent (its `address_id`, not the copy), so a retry replays even after that
        address was edited."""
        body = {"items": self.items}
        if self.address_id is not None:
            body["address_id"] = self.address_id
        else:
            body["shipping_address"] = self.shipping_address
        for name in ("shipping_method_id", "discount_code", "expected_total"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def quote_order(repos, user, checkout, now, prices_include_tax):
    """The order `checkout` would place now, without moving anything; short lines are listed
    (`short`), not refused. The same 422s as placing."""
    return _quote(repos, user, checkout, now, prices_include_tax)[0]


def _quote(repos, user, checkout, now, prices_include_tax):
    """(quote, {variant_id: variant as just read}, the accepted DiscountCode or None)."""
    catalogue = repos.products.many({item["product_id"] for item in checkout.items})
    quantities = model.merge_lines(checkout.items, catalogue)
    lines, currency = model.price_lines(quantities, catalogue)
    seen = {line.variant_id: catalogue[line.product_id].variant(line.variant_id) for line in lines}
    short = [Shortage(line.product_id, line.variant_id, line.quantity, seen[line.variant_id].stock).as_dict()
             for line in lines if not seen[line.variant_id].can_serve(line.quantity)]
    subtotal = sum(line.line_total for line in lines)
    country = checkout.shipping_address["country"]
    shipping, code = _terms(repos, user, checkout, country, currency, subtotal, now)
    totals = pricing.price([(line.unit_price, line.quantity) for line in lines], shipping,
                           repos.taxes.rate_for(country), code.as_pricing() if code else None, prices_include_tax)
    return model.quote_from(lines, currency, checkout.shipping_address, totals, short), seen, code


def _terms(repos, user, checkout, country, currency, subtotal, now):
    """(shipping method, DiscountCode or None) the checkout names; a wrong method and a wrong
    code are told at once."""
    problems, shipping, code = {}, None, None
    try:
        shipping = terms.shipping_for(repos.shipping, country, currency, checkout.shipping_method_id)
    except InvalidInput as refused:
        problems.update(refused.details)
    try:
        code = terms.code_for(repos.discounts, repos.uses, checkout.discount_code, subtotal, currency,
                              customer_key(user.email), now)
    except InvalidInput as refused:
        problems.update(refused.details)
    if problems:
        raise InvalidInput(problems)
    return shipping, code


def place_order(repos, user, checkout, idempotency_key, now, payment_ttl_minutes, prices_include_tax=True):
    """Place the order `checkout` asks for, all or nothing. Returns (order, created): created
    is False for a replay of an earlier request with the same Idempotency-Key."""
    fingerprint = checkout.fingerprint()
    for _ in range(PLACE_ATTEMPTS):
        if idempotency_key:
            earlier = _replay(repos.orders, user.id, idempotency_key, fingerprint)
            if earlier:
                return earlier, False
        try:
            with repos.uninterrupted():
                return _place(repos, user, checkout, idempotency_key, fingerprint, now, payment_ttl_minutes,
                              prices_include_tax), True
        except DuplicateIdempotencyKey:
            continue  # a racing retry with the same key stored first: replay it
    raise Conflict("A request with this Idempotency-Key is still being processed.")


def replay_order(repos, user, idempotency_key, checkout):
    """The order an earlier request with this key and body placed, or None (409 for another body)."""
    return _replay(repos.orders, user.id, idempotency_key, checkout.fingerprint())


def _place(repos, user, checkout, idempotency_key, fingerprint, now, payment_ttl_minutes, prices_include_tax):
    quote, seen, code = _quote(repos, user, checkout, now, prices_include_tax)
    _check_as_shown(quote, checkout)
    order = repos.orders.add_pending(dict(
        quote.order_fields(), user_id=user.id, customer_email=user.email, payment=None,
        discount_code_id=code.id if code else None, idempotency_key=idempotency_key, request_hash=fingerprint,
        created_at=now, updated_at=now, expires_at=now + timedelta(minutes=payment_ttl_minutes),
    ))
    if code is not None:
        _take_code_use(repos, order, code, now)
    return _take_stock(repos, order, user.id or GUEST, now, seen)


def _check_as_shown(quote, checkout):
    """Refuse a quote with short lines, or one that is not what the shopper was shown."""
    if quote.short:
        raise OutOfStock(quote.short)
    changed = quote.changes_since(checkout.quoted) if checkout.quoted is not None else []
    if changed:  # what is placed is what was shown, even where the total came out the same
        raise QuoteChanged(quote, changed)
    if checkout.expected_total is not None and checkout.expected_total != quote.total:
        raise QuoteChanged(quote, [model.QUOTED_PARTS["total"]])


def _take_code_use(repos, order, code, now):
    """The order's use of its code, counted within the code's limits before any unit moves;
    if none is left, the order is withdrawn and the code refused."""
    try:
        repos.uses.take(code, order.id, customer_key(order.customer_email), now)
    except UsedUp as used_up:
        _withdraw(repos, order, [], now)
        raise InvalidInput({"discount_code": [terms.USED_UP[used_up.which]]})


def _replay(orders, user_id, key, fingerprint):
    """The order first placed with this key, waiting while that request is still running."""
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        order, earlier_fingerprint = orders.by_key(user_id, key)
        if order is None:
            return None
        if earlier_fingerprint != fingerprint:
            raise Conflict("This Idempotency-Key was used with a different request.")
        if order.status != PENDING:
            return order
        if time.monotonic() > deadline:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        time.sleep(0.02)


def _take_stock(repos, order, actor_id, now, seen):
    """Take every line, then place the order, or withdraw it; the movements are recorded in
    the ledger only once the order's fate is stored, so that whoever finds them knows it.
    `seen` holds each line's variant as just read."""
    variants = repos.products.variants
    try:
        taken = stock.take(variants, repos.ledger, order.id, order.items, seen, actor_id, now, given_back_by=SYSTEM)
    except OutOfStock:
        _withdraw(repos, order, [], now)
        raise
    placed = repos.orders.change_status(order.id, [PENDING], PLACED, {"by": actor_id}, now, actions=["email:placed"])
    if placed is None:
        # This request outlived REPAIR_AFTER_SECONDS and the repair rejected the order
        # meanwhile: what was taken since then goes back too.
        _withdraw(repos, order, taken, now)
        raise Conflict("Placing this order took too long, so it was withdrawn and nothing is held. "
                       "Please place it again.")
    stock.finish(variants, repos.ledger, taken)
    return run_actions(repos, placed, now)


def _withdraw(repos, order, taken, now):
    """Reject a pending (or already rejected) order: a stored restock action, then carried out."""
    rejected = repos.orders.reject(order.id, now, sources=(PENDING, REJECTED))
    if rejected is not None:
        run_actions(repos, rejected, now)
    stock.finish(repos.products.variants, repos.ledger, taken)
