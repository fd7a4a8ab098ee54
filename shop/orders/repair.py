"""Repair: finish or undo what crashed requests left behind.

A process killed between two writes leaves a movement pending in a product,
an order `pending`, a payment `processing`, or `pending_actions` on an order.
Once such work is older than the stale limit it counts as abandoned: this
finishes or undoes it. Each order is claimed with a lease first, so several
processes may repair at once.
"""
from datetime import timedelta

from ..errors import InvalidTransition, PaymentDeclined
from ..products.model import ORDER_PLACED, ORDER_REJECTED
from ..products.services import finish_movement, stock_moved
from .model import SYSTEM
from .services import return_stock, run_actions, settle_charge


def repair(stores, now, stale_after_seconds, lease_seconds=60):
    """Finish or undo what crashed requests left behind. Safe to run in several processes."""
    older_than = now - timedelta(seconds=stale_after_seconds)
    report = {"movements": 0, "orders_undone": 0, "payments": 0, "actions": 0}
    for _, movement in stores.products.pending_movements(older_than):
        finish_movement(stores.products, stores.ledger, movement)
        report["movements"] += 1

    def claimed(order):
        return stores.orders.claim(order.id, "repair_lease", now, now + timedelta(seconds=lease_seconds))

    for order in stores.orders.stale_pending(older_than):
        if claimed(order):
            return_stock(stores, order, ORDER_REJECTED, SYSTEM, now, only=_taken_lines(stores, order))
            stores.orders.reject(order.id, now)
            report["orders_undone"] += 1
    for order in stores.orders.stale_payments(older_than):
        if claimed(order):
            _repair_payment(stores, order, now)
            report["payments"] += 1
    for order in stores.orders.with_actions_since(older_than):
        if claimed(order):
            run_actions(stores, order, now)
            report["actions"] += 1
    return report


def _taken_lines(stores, order):
    return {line.product_id for line in order.items
            if stock_moved(stores.products, stores.ledger, order.id, line.product_id, ORDER_PLACED)}


def _repair_payment(stores, order, now):
    attempt_id = order.payment["attempt_id"]
    charge = stores.gateway.lookup(attempt_id)
    if charge is None:  # the process died before charging: the shopper may pay again
        failed = dict(order.payment, status="failed", failed_at=now)
        stores.orders.set_payment(order.id, failed, {"payment.attempt_id": attempt_id}, now)
        return
    try:
        settle_charge(stores, order, charge, SYSTEM, now)
    except (PaymentDeclined, InvalidTransition):
        pass  # recorded on the order; there is no caller to tell
