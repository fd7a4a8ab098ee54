"""Order use cases: place, pay, cancel, ship, deliver, expire, and repair.

No multi-document transactions: every step is one atomic write that is safe
to run again, in an order that leaves a crash something to finish or undo.
Placing writes the order (as `pending`) before any unit moves; each status
change is a conditional update that also records what must follow it
(`pending_actions`), and `run_actions` carries those out idempotently.
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError, PyMongoError

from .. import pricing
from ..discounts.repository import DiscountCodeRepository
from ..discounts.use_repository import DiscountUseRepository, UsedUp, customer_key
from ..errors import ClaimedOrder, Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound, OutOfStock, \
    PaymentDeclined, QuoteChanged
from ..mail import Outbox
from ..products.model import ORDER_CANCELLED, ORDER_PLACED, ORDER_REJECTED, Shortage
from ..products.repository import LedgerRepository, ProductRepository
from ..products.services import finish_movement, give_back, move_stock, return_units
from ..shipping.repository import ShippingMethodRepository
from ..taxes.repository import TaxRateRepository
from . import model, refunds, terms
from .emails import claim_email, order_email, refund_email
from .links import OrderLinks
from .model import CANCELLED, GUEST, PAID, PENDING, PLACED, REFUND, REJECTED, RESTOCK, SYSTEM
from .payments import SandboxGateway
from .repository import DuplicateIdempotencyKey, OrderRepository

REPLAY_WAIT_SECONDS = 5
# An order in one of these statuses holds no units: the ledger reason its units go back with.
RETURN_REASONS = {REJECTED: ORDER_REJECTED, CANCELLED: ORDER_CANCELLED}
log = logging.getLogger(__name__)


@dataclass
class Stores:
    """The repositories an order use case works with."""

    orders: OrderRepository
    products: ProductRepository
    ledger: LedgerRepository
    outbox: Outbox
    gateway: SandboxGateway
    shipping: ShippingMethodRepository
    taxes: TaxRateRepository
    discounts: DiscountCodeRepository
    uses: DiscountUseRepository
    links: OrderLinks = None  # for the e-mails' links to the order; without them, e-mails carry none

    @classmethod
    def on(cls, db, links=None):
        return cls(OrderRepository(db), ProductRepository(db), LedgerRepository(db), Outbox(db), SandboxGateway(db),
                   ShippingMethodRepository(db), TaxRateRepository(db), DiscountCodeRepository(db),
                   DiscountUseRepository(db), links)

    @classmethod
    def for_app(cls, app):
        """The stores of the app's database, with the app's links for e-mails: made once per
        app (repositories hold no state of a request), not for every request."""
        if "order_stores" not in app.extensions:
            app.extensions["order_stores"] = cls.on(app.extensions["mongo_db"], OrderLinks.of(app.config))
        return app.extensions["order_stores"]


# Placing ------------------------------------------------------------------


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


def quote_order(stores, user, checkout, now, prices_include_tax):
    """The order `checkout` would place now, without moving anything; short lines are listed
    (`short`), not refused. The same 422s as placing."""
    return _quote(stores, user, checkout, now, prices_include_tax)[0]


def _quote(stores, user, checkout, now, prices_include_tax):
    """(quote, {variant_id: variant as just read}, the accepted DiscountCode or None)."""
    catalogue = stores.products.many({item["product_id"] for item in checkout.items})
    quantities = model.merge_lines(checkout.items, catalogue)
    lines, currency = model.price_lines(quantities, catalogue)
    stock = {line.variant_id: _variant(catalogue, line) for line in lines}
    short = [Shortage(line.product_id, line.variant_id, line.quantity, stock[line.variant_id].stock).as_dict()
             for line in lines if stock[line.variant_id].stock < line.quantity]
    subtotal = sum(line.line_total for line in lines)
    country = checkout.shipping_address["country"]
    problems = {}  # a wrong method and a wrong code are told at once
    try:
        shipping = terms.shipping_for(stores.shipping, country, currency, checkout.shipping_method_id)
    except InvalidInput as refused:
        problems.update(refused.details)
    try:
        code = terms.code_for(stores.discounts, stores.uses, checkout.discount_code, subtotal, currency,
                              customer_key(user.email), now)
    except InvalidInput as refused:
        problems.update(refused.details)
    if problems:
        raise InvalidInput(problems)
    totals = pricing.price([(line.unit_price, line.quantity) for line in lines], shipping,
                           stores.taxes.rate_for(country), code.as_pricing() if code else None, prices_include_tax)
    return model.quote_from(lines, currency, checkout.shipping_address, totals, short), stock, code


def place_order(stores, user, items, address, idempotency_key, now, payment_ttl_minutes, checkout=None,
                prices_include_tax=True):
    """Place an order, all or nothing. Returns (order, created): created is False for a replay.
    `checkout` carries v1.1's shipping method, code and expected total (`items` and `address`
    alone are a v1 order)."""
    checkout = checkout or Checkout(items, address)
    fingerprint = _fingerprint(checkout)
    for _ in range(3):
        if idempotency_key:
            earlier = _replay(stores.orders, user.id, idempotency_key, fingerprint)
            if earlier:
                return earlier, False
        try:
            # One hold of the embedded store's lock for the whole placing, not one per call:
            # with sixteen threads placing orders, a thread let go of the lock 4.6 times per
            # order on average and waited for it again, and each wait is two hand-offs of the
            # interpreter between threads (docs/PERFORMANCE.md). Never what makes it correct:
            # on a MongoDB, and between processes, each write still guards itself.
            with stores.orders.uninterrupted():
                return _place(stores, user, checkout, idempotency_key, fingerprint, now, payment_ttl_minutes,
                              prices_include_tax), True
        except DuplicateIdempotencyKey:
            continue  # a racing retry with the same key stored first: replay it
    raise Conflict("A request with this Idempotency-Key is still being processed.")


def replay_order(stores, user, idempotency_key, checkout):
    """The order an earlier request with this key and body placed, or None (409 for another body)."""
    return _replay(stores.orders, user.id, idempotency_key, _fingerprint(checkout))


def _place(stores, user, checkout, idempotency_key, fingerprint, now, payment_ttl_minutes, prices_include_tax):
    quote, stock, code = _quote(stores, user, checkout, now, prices_include_tax)
    if quote.short:
        raise OutOfStock(quote.short)
    changed = quote.changes_since(checkout.quoted) if checkout.quoted is not None else []
    if changed:  # what is placed is what was shown, even where the total came out the same
        raise QuoteChanged(quote, changed)
    if checkout.expected_total is not None and checkout.expected_total != quote.total:
        raise QuoteChanged(quote, [model.QUOTED_PARTS["total"]])
    doc = dict(
        quote.order_fields(), user_id=user.id, customer_email=user.email, payment=None,
        discount_code_id=code.id if code else None, idempotency_key=idempotency_key, request_hash=fingerprint,
        created_at=now, updated_at=now, expires_at=now + timedelta(minutes=payment_ttl_minutes),
    )
    order = _store_pending(stores.orders, doc)
    if code is not None:
        _take_code_use(stores, order, code, now)
    return _take_stock(stores, order, user.id or GUEST, now, stock)


def _take_code_use(stores, order, code, now):
    """The order's use of its code, counted within the code's limits before any unit moves;
    if none is left, the order is withdrawn and the code refused."""
    try:
        stores.uses.take(code, order.id, customer_key(order.customer_email), now)
    except UsedUp as used_up:
        _withdraw(stores, order, [], now)
        raise InvalidInput({"discount_code": [terms.USED_UP[used_up.which]]})


def _variant(catalogue, line):
    return catalogue[line.product_id].variant(line.variant_id)


def _fingerprint(checkout):
    """The request body's digest. A v1 body (items and address only) digests as it did in v1,
    so a retry across the upgrade still replays its order. A body naming a saved address
    digests as sent (its `address_id`, not the copy), so a retry replays even after that
    address was edited."""
    body = {"items": checkout.items}
    if checkout.address_id is not None:
        body["address_id"] = checkout.address_id
    else:
        body["shipping_address"] = checkout.shipping_address
    for name in ("shipping_method_id", "discount_code", "expected_total"):
        if getattr(checkout, name) is not None:
            body[name] = getattr(checkout, name)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


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


def _store_pending(orders, doc):
    for _ in range(5):
        try:
            return orders.add_pending(dict(doc, number=model.new_number()))
        except DuplicateKeyError:
            continue  # the drawn number was taken: draw again
    raise Conflict("Could not number the order; please retry.")


def _take_stock(stores, order, actor_id, now, stock):
    """Take every line, then place the order; the movements are recorded in the ledger
    only once the order's fate is stored, so that whoever finds them knows it.
    `stock` holds each line's variant as just read."""
    taken, short = [], []
    # One canonical order (by variant id): two orders racing for the last units of the
    # same variants never each hold one variant's last unit while wanting the other's.
    # Once one line is short nothing more is taken (a unit held only to be given back
    # would refuse another buyer); the later lines are only checked, to report them too.
    for line in sorted(order.items, key=lambda line: line.variant_id):
        seen = stock[line.variant_id]
        if short:
            if seen.stock < line.quantity:
                short.append(Shortage(line.product_id, line.variant_id, line.quantity, seen.stock).as_dict())
            continue
        result = move_stock(stores.products.variants, seen, -line.quantity, ORDER_PLACED, order.id, actor_id, now)
        if isinstance(result, Shortage):
            short.append(result.as_dict())
        else:
            taken.append(result)
    if short:
        _withdraw(stores, order, taken, now)
        raise OutOfStock(short)
    placed = stores.orders.change_status(
        order.id, [PENDING], PLACED, {"by": actor_id}, now, actions=["email:placed"]
    )
    if placed is None:
        # This request outlived REPAIR_AFTER_SECONDS and the repair rejected the order
        # meanwhile: what was taken since then goes back too.
        _withdraw(stores, order, taken, now)
        raise Conflict("Placing this order took too long, so it was withdrawn and nothing is held. "
                       "Please place it again.")
    _finish(stores, taken)
    return run_actions(stores, placed, now)


def _withdraw(stores, order, taken, now):
    """Reject a pending (or already rejected) order: a stored restock action, then carried out."""
    rejected = stores.orders.reject(order.id, now, sources=(PENDING, REJECTED))
    if rejected is not None:
        run_actions(stores, rejected, now)
    _finish(stores, taken)


def _finish(stores, movements):
    for movement in movements:
        finish_movement(stores.products.variants, stores.ledger, movement)


def return_stock(stores, order, reason, actor_id, now):
    """Give back every unit the order still holds, once, whoever else tries at the same time.
    Returns the movements made."""
    movements = (give_back(stores.products.variants, stores.ledger, line.variant_id, order.id, reason, actor_id, now)
                 for line in order.items)
    return [movement for movement in movements if movement is not None]


# Reading ------------------------------------------------------------------


def get_order(stores, user, order_id, now):
    """The order if `user` owns it or is an admin; 404 for anyone else."""
    order = stores.orders.get(order_id)
    # A guest (no id) reads an order only through its private link (get_guest_order).
    if order is None or user.id is None or (order.user_id != user.id and not user.is_admin):
        raise NotFound("No such order.")
    return expired_if_due(stores, order, now)


def expired_if_due(stores, order, now):
    """The order as it is now: an unpaid one past its window is expired on the way."""
    if order.status == PLACED and order.expires_at and order.expires_at <= now:
        return expire_order(stores, order, now) or stores.orders.get(order.id)
    return order


# Changing status ----------------------------------------------------------


def get_guest_order(stores, order_id, token, now):
    """A guest's order through its private link; ClaimedOrder when the link is the order's but
    it has been claimed into an account since; 404 for any other link or order."""
    order = stores.orders.get(order_id)
    if order is None or not stores.links.is_guest_token(order.id, token):
        raise NotFound("No such order.")
    if order.user_id is not None:
        raise ClaimedOrder(order.id)
    return expired_if_due(stores, order, now)


def pay_guest_order(stores, order_id, token, card, now):
    """The guest pays their order, through its private link."""
    return _pay(stores, get_guest_order(stores, order_id, token, now), GUEST, card, now)


# A shopper asking again and again for the claim link gets one e-mail in each such window.
CLAIM_EMAIL_WINDOW_MINUTES = 10


def send_claim_link(stores, user, now):
    """E-mail `user` the link that takes the guest orders placed with their address, once per
    CLAIM_EMAIL_WINDOW_MINUTES: the outbox queues one message per key, and the key names the window."""
    window = int(now.timestamp()) // (CLAIM_EMAIL_WINDOW_MINUTES * 60)
    subject, body = claim_email(user, stores.links.claim(user))
    stores.outbox.enqueue(f"claim:{user.id}:{window}", user.email, subject, body, now)


def has_guest_orders(stores, user):
    """Whether guest orders placed with `user`'s e-mail wait to be claimed."""
    return stores.orders.has_guest_orders(user.email)


def claim_guest_orders(stores, user, token, now):
    """Through the e-mailed link: the guest orders of `user`'s e-mail become theirs (how many).
    Registering with an address alone gives nobody its orders."""
    email = stores.links.claimed(token, user)
    if email is None:
        raise NotFound("This link is not valid (or has expired): ask for a new one on your orders page.")
    return stores.orders.give_guest_orders_to(email, user.id, now)


def pay_order(stores, user, order_id, card, now):
    """Charge the card through the gateway and mark the order paid."""
    order = get_order(stores, user, order_id, now)
    if order.user_id != user.id:
        raise Forbidden("Only the shopper who placed an order pays for it.")
    return _pay(stores, order, user.id, card, now)


def _pay(stores, order, actor_id, card, now):
    model.check_transition(order, PAID)
    attempt_id = str(ObjectId())
    processing = {"status": "processing", "attempt_id": attempt_id, "amount": order.total, "started_at": now}
    guard = {"status": PLACED, "payment.status": {"$ne": "processing"}, "expires_at": {"$gt": now}}
    if not stores.orders.set_payment(order.id, processing, guard, now):
        raise InvalidTransition("This order cannot be paid now (it changed, or a payment is in progress).")
    charge = stores.gateway.charge(attempt_id, order.total, order.currency, card["card_number"])
    return settle_charge(stores, order, charge, actor_id, now)


def settle_charge(stores, order, charge, actor_id, now):
    """Record the gateway's answer on the order; refund if the order was cancelled meanwhile."""
    guard = {"payment.attempt_id": charge.attempt_id}
    card = {"attempt_id": charge.attempt_id, "brand": charge.brand, "last4": charge.last4, "amount": charge.amount}
    if not charge.approved:
        stores.orders.set_payment(order.id, dict(card, status="declined", declined_at=now), guard, now)
        raise PaymentDeclined()
    payment = dict(card, status="paid", paid_at=now)
    paid = stores.orders.change_status(
        order.id, [PLACED], PAID, {"by": actor_id}, now, actions=["email:paid"],
        extra={"payment": payment}, guard=guard,
    )
    if paid is None:
        current = stores.orders.get(order.id)
        if current is not None and (current.payment or {}).get("attempt_id") == charge.attempt_id \
                and current.payment.get("status") == "paid":
            return current  # this very charge was settled already (the repair, after a stall)
        # cancelled or expired while the card was being charged
        stores.gateway.refund(charge.attempt_id, f"void:{charge.attempt_id}", charge.amount)
        stores.orders.set_payment(order.id, dict(payment, status="refunded", refunded_amount=charge.amount,
                                                 refunded_at=now), guard, now)
        raise InvalidTransition("The order was cancelled while it was being paid; the charge was refunded.")
    return run_actions(stores, paid, now)


def cancel_order(stores, user, order_id, now, reason=None):
    """Cancel a placed or paid order: its units go back once, a payment is refunded.
    `reason`, when given, is kept in the history entry of the cancel."""
    for _ in range(3):
        order = get_order(stores, user, order_id, now)
        model.check_transition(order, CANCELLED)
        cancelled = _cancel(stores, order, model.history_entry(user.id, reason), now, guard={})
        if cancelled:
            return cancelled
    raise InvalidTransition("The order changed while it was being cancelled; try again.")


def _cancel(stores, order, entry, now, guard):
    """One conditional cancel from the status (and the refunds) `order` was read in; None if
    it moved on. Its units still held go back, and what is left of a payment is refunded."""
    actions = [RESTOCK, "email:cancelled"]
    extra = {}
    if order.status == PAID and refunds.refundable(order) > 0:
        actions.append(REFUND)
        extra = {"payment.status": refunds.REFUNDED, "payment.refunded_amount": order.payment["amount"],
                 "payment.refunded_at": now}
    guard = dict(guard, **stores.orders.refunds_as_read(order))
    cancelled = stores.orders.change_status(
        order.id, [order.status], CANCELLED, entry, now, actions=actions, extra=extra, guard=guard
    )
    if cancelled is None:
        current = stores.orders.get(order.id)
        if current and current.status not in model.SOURCES[CANCELLED]:
            raise model.invalid_transition(current.status, CANCELLED)
        return None
    return run_actions(stores, cancelled, now)


def transition_order(stores, order_id, target, admin, now, carrier=None, tracking_number=None):
    """An admin ships a paid order (with its carrier and tracking number, if given) or marks
    a shipped one delivered. The fulfilment is stored by the write that ships the order."""
    order = get_order(stores, admin, order_id, now)
    model.check_transition(order, target)
    actions = [f"email:{target}"] if target in model.EMAILED else []
    extra = {"fulfilment": model.fulfilment(carrier, tracking_number, now)} if target == model.SHIPPED else None
    changed = stores.orders.change_status(order.id, model.SOURCES[target], target, {"by": admin.id}, now, actions,
                                          extra=extra)
    if changed is None:
        current = stores.orders.get(order.id)
        raise model.invalid_transition(current.status, target)
    return run_actions(stores, changed, now)


def expire_order(stores, order, now):
    """Cancel an unpaid order whose payment window has passed; None if it was not due."""
    cancelled = stores.orders.expire_if_due(
        order.id, {"by": SYSTEM, "note": "payment window expired"}, now, actions=[RESTOCK, "email:cancelled"]
    )
    return run_actions(stores, cancelled, now) if cancelled else None


def expire_unpaid(stores, now):
    """Expire every order that is due; returns how many were expired."""
    return sum(1 for order in stores.orders.expired_unpaid(now) if expire_order(stores, order, now))


# Follow-up actions --------------------------------------------------------


def run_actions(stores, order, now):
    """Carry out what a status change left to do. Each action is safe to repeat.

    The status change is stored before this runs, so a database error here
    does not fail the caller: what is left stays in `pending_actions`, and the
    repair command finishes it.
    """
    for index, action in enumerate(order.pending_actions):
        try:
            _run_action(stores, order, action, now)
        except PyMongoError as error:
            log.warning("order %s: %s left for the repair: %s", order.id, action, type(error).__name__)
            order.pending_actions = order.pending_actions[index:]
            return order
    order.pending_actions = []
    return order


def _run_action(stores, order, action, now):
    if action == RESTOCK:  # everything the order holds goes back: its units, and its use of a code
        actor_id = order.history[-1]["by"] if order.history else SYSTEM
        return_stock(stores, order, RETURN_REASONS[order.status], actor_id, now)
        if order.discount:
            stores.uses.give_back(order.id)
    elif action == REFUND:  # a cancel's: what the refunds before it left
        left = order.payment["amount"] - sum(refund.amount for refund in order.refunds)
        if left > 0:
            stores.gateway.refund(order.payment["attempt_id"], f"cancel:{order.id}", left)
    elif action.startswith(REFUND_ACTIONS):
        _run_refund_action(stores, order, action, now)
    elif action.startswith("email:"):
        status = action.split(":", 1)[1]
        subject, body = order_email(order, status, stores.links.page(order) if stores.links else None)
        stores.outbox.enqueue(f"order:{order.id}:{status}", order.customer_email, subject, body, now)
    stores.orders.action_done(order.id, action)


# Refunds ------------------------------------------------------------------

# What follows a refund, each named after it: the gateway's refund, the units back in
# stock, the e-mail.
REFUND_ACTIONS = ("refund:", "return:", "email:refund:")


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


def preview_refund(stores, order_id, request):
    """(order, amount, lines) the refund would give back now, writing nothing; the same
    422 and 409 as refunding."""
    order = stores.orders.get(order_id)
    if order is None:
        raise NotFound("No such order.")
    return (order, *refunds.plan(order, request.amount, request.lines))


def refund_order(stores, admin, order_id, request, idempotency_key, now):
    """Refund money and take back units of a paid, shipped or delivered order. Returns
    (order, refund, created): created is False for a replay of the same Idempotency-Key.
    Never more than was paid, however many refunds race: each is one write conditional on
    the refunds as read, and a loser reads again and plans again."""
    fingerprint = request.fingerprint()
    for attempt in range(10):
        order = stores.orders.get(order_id)
        if order is None:
            raise NotFound("No such order.")
        order = expired_if_due(stores, order, now)  # an unpaid order past its window is cancelled
        earlier = order.refund_with_key(idempotency_key) if idempotency_key else None
        if earlier is not None:
            if earlier.request_hash != fingerprint:
                raise Conflict("This Idempotency-Key was used with a different request.")
            return order, earlier, False
        amount, lines = refunds.plan(order, request.amount, request.lines)
        refund = refunds.Refund(id=str(ObjectId()), amount=amount, lines=lines, reason=request.reason,
                                created_at=now, by=admin.id, idempotency_key=idempotency_key,
                                request_hash=fingerprint)
        refunded = stores.orders.add_refund(order, refund, refunds.payment_status_after(order, amount), now,
                                            _refund_actions(refund))
        if refunded is not None:
            done = run_actions(stores, refunded, now)
            return done, next(r for r in done.refunds if r.id == refund.id), True
        time.sleep(0.002 * attempt)  # another refund or a cancel came first: plan again from what it left
    raise Conflict("The order kept changing while it was being refunded; try again.")


def _refund_actions(refund):
    actions = [f"refund:{refund.id}"] if refund.amount else []
    if refund.units_to_restock():
        actions.append(f"return:{refund.id}")
    return actions + [f"email:refund:{refund.id}"]


def _run_refund_action(stores, order, action, now):
    kind, refund_id = action.rsplit(":", 1)
    refund = next(r for r in order.refunds if r.id == refund_id)
    if kind == "refund":
        stores.gateway.refund(order.payment["attempt_id"], refund.id, refund.amount)
    elif kind == "return":
        for variant_id, quantity in refund.units_to_restock():
            return_units(stores.products.variants, stores.ledger, variant_id, order.id, refund.id, quantity,
                         refund.by, now)
    else:
        subject, body = refund_email(order, refund, stores.links.page(order) if stores.links else None)
        stores.outbox.enqueue(f"order:{order.id}:refund:{refund.id}", order.customer_email, subject, body, now)


# Reporting ----------------------------------------------------------------


def sales_summary(stores, start, end):
    """Orders placed in [start, end) and the revenue of those paid for (paid, shipped
    or delivered; cancelled ones were refunded), net of refunds:
    `{"orders": n, "revenue": {currency: minor units}}`."""
    summary = {"orders": 0, "revenue": {}}
    for order in stores.orders.placed_between(start, end):
        summary["orders"] += 1
        if order.status in model.REVENUE:
            revenue = summary["revenue"]
            revenue[order.currency] = revenue.get(order.currency, 0) + order.total - order.refunded_amount
    return summary
