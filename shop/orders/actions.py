"""Follow-up actions: what a status change (or a refund) stores as still to do, carried out.

Each change is one conditional write that also lists what must follow it in the order's
`pending_actions` (restock, refund, e-mail); `run_actions` carries those out, each safe to
repeat, and crossing each off once done. What a crash leaves there, the repair finishes.
"""
import logging

from ..db import StoreError
from ..products import stock
from ..products.model import ORDER_CANCELLED, ORDER_REJECTED
from .emails import order_email, refund_email
from .model import CANCELLED, REFUND, REJECTED, RESTOCK, SYSTEM

# An order in one of these statuses holds no units: the ledger reason its units go back with.
RETURN_REASONS = {REJECTED: ORDER_REJECTED, CANCELLED: ORDER_CANCELLED}
# What follows a refund, each named after it: the gateway's refund, the units back in
# stock, the e-mail.
REFUND_ACTIONS = ("refund:", "return:", "email:refund:")
log = logging.getLogger(__name__)


def run_actions(repos, order, now):
    """Carry out what a status change left to do. Each action is safe to repeat.

    The status change is stored before this runs, so a database error here
    does not fail the caller: what is left stays in `pending_actions`, and the
    repair command finishes it.
    """
    for index, action in enumerate(order.pending_actions):
        try:
            _run_action(repos, order, action, now)
        except StoreError as error:
            log.warning("order %s: %s left for the repair: %s", order.id, action, type(error).__name__)
            order.pending_actions = order.pending_actions[index:]
            return order
    order.pending_actions = []
    return order


def refund_actions(refund):
    """What follows `refund`: its money back (if any), its units back (if any), its e-mail."""
    actions = [f"refund:{refund.id}"] if refund.amount else []
    if refund.units_to_restock():
        actions.append(f"return:{refund.id}")
    return actions + [f"email:refund:{refund.id}"]


def return_stock(repos, order, reason, actor_id, now):
    """Give back every unit the order still holds, once, whoever else tries at the same time.
    Returns the movements made."""
    movements = (stock.give_back(repos.products.variants, repos.ledger, line.variant_id, order.id, reason, actor_id,
                                 now)
                 for line in order.items)
    return [movement for movement in movements if movement is not None]


def _run_action(repos, order, action, now):
    if action == RESTOCK:
        _restock(repos, order, now)
    elif action == REFUND:
        _refund_the_rest(repos, order)
    elif action.startswith(REFUND_ACTIONS):
        _run_refund_action(repos, order, action, now)
    elif action.startswith("email:"):
        status = action.split(":", 1)[1]
        subject, body = order_email(order, status, repos.links.page(order) if repos.links else None)
        repos.outbox.enqueue(f"order:{order.id}:{status}", order.customer_email, subject, body, now)
    repos.orders.action_done(order.id, action)


def _restock(repos, order, now):
    """Everything the order holds goes back: its units, and its use of a code."""
    actor_id = order.history[-1]["by"] if order.history else SYSTEM
    return_stock(repos, order, RETURN_REASONS[order.status], actor_id, now)
    if order.discount:
        repos.uses.give_back(order.id)


def _refund_the_rest(repos, order):
    """A cancel's refund: what the refunds before it left of the payment."""
    left = order.payment["amount"] - sum(refund.amount for refund in order.refunds)
    if left > 0:
        repos.gateway.refund(order.payment["attempt_id"], f"cancel:{order.id}", left)


def _run_refund_action(repos, order, action, now):
    kind, refund_id = action.rsplit(":", 1)
    refund = next(r for r in order.refunds if r.id == refund_id)
    if kind == "refund":
        repos.gateway.refund(order.payment["attempt_id"], refund.id, refund.amount)
    elif kind == "return":
        for variant_id, quantity in refund.units_to_restock():
            stock.return_units(repos.products.variants, repos.ledger, variant_id, order.id, refund.id, quantity,
                               refund.by, now)
    else:
        subject, body = refund_email(order, refund, repos.links.page(order) if repos.links else None)
        repos.outbox.enqueue(f"order:{order.id}:refund:{refund.id}", order.customer_email, subject, body, now)
