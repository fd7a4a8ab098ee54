"""Repair: finish or undo what crashed or stalled requests left behind.

A process killed between two writes leaves a movement pending in a product,
an order `pending`, a payment `processing`, or `pending_actions` on an order.
Once such work is older than the stale limit it counts as abandoned: this
finishes or undoes it. Each order is claimed with a lease first, so several
processes may repair at once.

A request that only stalled (a paused process) may wake up after the repair
rejected its order and take more units for it. Every movement names its order,
so such units are found when their movement is recorded and given back; giving
back nets the order's movements on the product, so nothing returns twice.
"""
from datetime import timedelta

from ..errors import InvalidTransition, PaymentDeclined
from ..products import stock
from ..products.model import ORDER_PLACED
from ..products.services import finish_products
from .actions import RETURN_REASONS, return_stock, run_actions
from .model import SYSTEM
from .services import settle_charge


def repair(repos, now, stale_after_seconds, lease_seconds=60):
    """Finish or undo what crashed requests left behind. Safe to run in several processes."""
    older_than = now - timedelta(seconds=stale_after_seconds)
    report = dict.fromkeys(("products", "movements", "orders_undone", "payments", "actions", "units_released"), 0)
    report["products"] = finish_products(repos.products, repos.ledger, older_than)
    report["movements"], taken_for = _finish_movements(repos, older_than)
    report["units_released"] = _release_units_of_dead_orders(repos, taken_for, now)

    def claimed(order):
        return repos.orders.claim_for_repair(order.id, now, now + timedelta(seconds=lease_seconds))

    for order in repos.orders.stale_pending(older_than):
        if claimed(order):
            rejected = repos.orders.reject(order.id, now)
            if rejected is not None:  # None: its own request placed it after all
                run_actions(repos, rejected, now)
                report["orders_undone"] += 1
    for order in repos.orders.stale_payments(older_than):
        if claimed(order):
            _repair_payment(repos, order, now)
            report["payments"] += 1
    for order in repos.orders.with_actions_since(older_than):
        if claimed(order):
            run_actions(repos, order, now)
            report["actions"] += 1
    return report


def _finish_movements(repos, older_than):
    """Record the stock movements left pending: (how many, the orders units were taken for)."""
    finished, taken_for = 0, set()
    for movement in repos.products.variants.pending_movements(older_than):
        stock.finish_movement(repos.products.variants, repos.ledger, movement)
        finished += 1
        if movement.reason == ORDER_PLACED:
            taken_for.add(movement.order_id)
    return finished, taken_for


def _release_units_of_dead_orders(repos, order_ids, now):
    """Units taken for an order that was rejected or cancelled before they were taken."""
    released = 0
    for order_id in order_ids:
        order = repos.orders.get(order_id, include_hidden=True)
        if order is not None and order.status in RETURN_REASONS:
            released += sum(m.delta for m in return_stock(repos, order, RETURN_REASONS[order.status], SYSTEM, now))
    return released


def _repair_payment(repos, order, now):
    charge = repos.gateway.lookup(order.payment["attempt_id"])
    if charge is None:  # the process died before charging: the shopper may pay again
        repos.orders.fail_payment(order, now)
        return
    try:
        settle_charge(repos, order, charge, SYSTEM, now)
    except (PaymentDeclined, InvalidTransition):
        pass  # recorded on the order; there is no caller to tell


def units_held_by_dead_orders(repos):
    """Every (order, variant) whose recorded movements do not net to zero although the
    order is rejected or cancelled: units neither sold nor returned. For the audit."""
    nets = repos.ledger.nonzero_order_nets()
    statuses = repos.orders.statuses({order_id for order_id, _ in nets})
    return [
        {"order_id": order_id, "variant_id": variant_id, "status": statuses[order_id], "units_held": -net}
        for (order_id, variant_id), net in sorted(nets.items())
        if statuses.get(order_id) in RETURN_REASONS
    ]
