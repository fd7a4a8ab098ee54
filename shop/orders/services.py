"""Order use cases after placing: reading an order (an account's, or a guest's through its
private link), paying, cancelling, shipping and delivering, guest orders claimed into an
account, and the sales summary.

Each status change is one conditional write that also records what must follow it
(`pending_actions`), which actions.run_actions then carries out, each safe to run again.
"""
from ..errors import ClaimedOrder, Forbidden, InvalidTransition, NotFound, PaymentDeclined
from . import model, refunds
from .actions import run_actions
from .emails import claim_email
from .expiry import expired_if_due
from .model import CANCELLED, GUEST, PAID, REFUND, RESTOCK


# Reading ------------------------------------------------------------------


def get_order(repos, user, order_id, now):
    """The order if `user` owns it or is an admin; 404 for anyone else."""
    order = repos.orders.get(order_id)
    # A guest (no id) reads an order only through its private link (get_guest_order).
    if order is None or user.id is None or (order.user_id != user.id and not user.is_admin):
        raise NotFound("No such order.")
    return expired_if_due(repos, order, now)


# Changing status ----------------------------------------------------------


def get_guest_order(repos, order_id, token, now):
    """A guest's order through its private link; ClaimedOrder when the link is the order's but
    it has been claimed into an account since; 404 for any other link or order."""
    order = repos.orders.get(order_id)
    if order is None or not repos.links.is_guest_token(order.id, token):
        raise NotFound("No such order.")
    if order.user_id is not None:
        raise ClaimedOrder(order.id)
    return expired_if_due(repos, order, now)


def pay_guest_order(repos, order_id, token, card, now):
    """The guest pays their order, through its private link."""
    return _pay(repos, get_guest_order(repos, order_id, token, now), GUEST, card, now)


# A shopper asking again and again for the claim link gets one e-mail in each such window.
CLAIM_EMAIL_WINDOW_MINUTES = 10


def send_claim_link(repos, user, now):
    """E-mail `user` the link that takes the guest orders placed with their address, once per
    CLAIM_EMAIL_WINDOW_MINUTES: the outbox queues one message per key, and the key names the window."""
    window = int(now.timestamp()) // (CLAIM_EMAIL_WINDOW_MINUTES * 60)
    subject, body = claim_email(user, repos.links.claim(user))
    repos.outbox.enqueue(f"claim:{user.id}:{window}", user.email, subject, body, now)


def has_guest_orders(repos, user):
    """Whether guest orders placed with `user`'s e-mail wait to be claimed."""
    return repos.orders.has_guest_orders(user.email)


def claim_guest_orders(repos, user, token, now):
    """Through the e-mailed link: the guest orders of `user`'s e-mail become theirs (how many).
    Registering with an address alone gives nobody its orders."""
    email = repos.links.claimed(token, user)
    if email is None:
        raise NotFound("This link is not valid (or has expired): ask for a new one on your orders page.")
    return repos.orders.give_guest_orders_to(email, user.id, now)


def pay_order(repos, user, order_id, card, now):
    """Charge the card through the gateway and mark the order paid."""
    order = get_order(repos, user, order_id, now)
    if order.user_id != user.id:
        raise Forbidden("Only the shopper who placed an order pays for it.")
    return _pay(repos, order, user.id, card, now)


def _pay(repos, order, actor_id, card, now):
    model.check_transition(order, PAID)
    attempt_id = repos.orders.start_payment(order, now)
    if attempt_id is None:
        raise InvalidTransition("This order cannot be paid now (it changed, or a payment is in progress).")
    charge = repos.gateway.charge(attempt_id, order.total, order.currency, card["card_number"])
    return settle_charge(repos, order, charge, actor_id, now)


def settle_charge(repos, order, charge, actor_id, now):
    """Record the gateway's answer on the order; refund if the order was cancelled meanwhile."""
    card = {"attempt_id": charge.attempt_id, "brand": charge.brand, "last4": charge.last4, "amount": charge.amount}
    if not charge.approved:
        repos.orders.decline_payment(order.id, card, now)
        raise PaymentDeclined()
    payment = dict(card, status="paid", paid_at=now)
    paid = repos.orders.settle_payment(order.id, payment, actor_id, now)
    if paid is None:
        current = repos.orders.get(order.id)
        if current is not None and (current.payment or {}).get("attempt_id") == charge.attempt_id \
                and current.payment.get("status") == "paid":
            return current  # this very charge was settled already (the repair, after a stall)
        # cancelled or expired while the card was being charged
        repos.gateway.refund(charge.attempt_id, f"void:{charge.attempt_id}", charge.amount)
        repos.orders.void_payment(order.id, payment, now)
        raise InvalidTransition("The order was cancelled while it was being paid; the charge was refunded.")
    return run_actions(repos, paid, now)


def cancel_order(repos, user, order_id, now, reason=None):
    """Cancel a placed or paid order: its units go back once, a payment is refunded.
    `reason`, when given, is kept in the history entry of the cancel."""
    for _ in range(3):
        order = get_order(repos, user, order_id, now)
        model.check_transition(order, CANCELLED)
        cancelled = _cancel(repos, order, model.history_entry(user.id, reason), now)
        if cancelled:
            return cancelled
    raise InvalidTransition("The order changed while it was being cancelled; try again.")


def _cancel(repos, order, entry, now):
    """One conditional cancel from the status (and the refunds) `order` was read in; None if
    it moved on. Its units still held go back, and what is left of a payment is refunded."""
    actions = [RESTOCK, "email:cancelled"]
    refund_payment = order.cancelling_refunds and refunds.refundable(order) > 0
    if refund_payment:
        actions.append(REFUND)
    cancelled = repos.orders.cancel_as_read(order, entry, now, actions, refund_payment=refund_payment)
    if cancelled is None:
        current = repos.orders.get(order.id)
        if current and not current.can_cancel:
            raise model.invalid_transition(current.status, CANCELLED)
        return None
    return run_actions(repos, cancelled, now)


def transition_order(repos, order_id, target, admin, now, carrier=None, tracking_number=None):
    """An admin ships a paid order (with its carrier and tracking number, if given) or marks
    a shipped one delivered. The fulfilment is stored by the write that ships the order."""
    order = get_order(repos, admin, order_id, now)
    model.check_transition(order, target)
    actions = [f"email:{target}"] if target in model.EMAILED else []
    extra = {"fulfilment": model.fulfilment(carrier, tracking_number, now)} if target == model.SHIPPED else None
    changed = repos.orders.change_status(order.id, model.SOURCES[target], target, {"by": admin.id}, now, actions,
                                          extra=extra)
    if changed is None:
        current = repos.orders.get(order.id)
        raise model.invalid_transition(current.status, target)
    return run_actions(repos, changed, now)


# Reporting ----------------------------------------------------------------


def sales_summary(repos, start, end):
    """Orders placed in [start, end) and the revenue of those paid for (paid, shipped
    or delivered; cancelled ones were refunded), net of refunds:
    `{"orders": n, "revenue": {currency: minor units}}`."""
    summary = {"orders": 0, "revenue": {}}
    for order in repos.orders.placed_between(start, end):
        summary["orders"] += 1
        if order.status in model.REVENUE:
            revenue = summary["revenue"]
            revenue[order.currency] = revenue.get(order.currency, 0) + order.total - order.refunded_amount
    return summary
