"""The stock policy: units taken for an order, given back, returned by a refund, and the
movements that record each change finished into the ledger.

Every unit moves through its variant's conditional update, which changes the stock and keeps
the movement pending in the variant, so that a crash before the ledger write loses nothing:
`finish_movement` (or the repair) records it and drops it from the variant. A variant's stock
therefore always equals the sum of its ledger's deltas and of its pending movements.
"""
import logging

from ..db import StoreError
from ..errors import Conflict, OutOfStock
from ..retries import MAX_ATTEMPTS, backoff
from .model import ORDER_PLACED, ORDER_REJECTED, RETURNED, Shortage
from .variant_repository import StockBusy

log = logging.getLogger(__name__)
BUSY = "This product is being changed by many requests at once; please retry."


def take(variants, ledger, order_id, lines, seen, actor_id, now, given_back_by):
    """Take the units of an order's `lines` (each with `product_id`, `variant_id`, `quantity`)
    for `order_id`. Returns the pending movements, which the caller finishes once the order's
    fate is stored (so that whoever finds them knows it). `seen` holds each line's variant as
    just read ({variant_id: Variant}).

    When a line is short, what was taken goes back (by `given_back_by`, as `order_rejected`)
    and OutOfStock names every short line."""
    taken, short = [], []
    # One canonical order (by variant id): two orders racing for the last units of the
    # same variants never each hold one variant's last unit while wanting the other's.
    # Once one line is short nothing more is taken (a unit held only to be given back
    # would refuse another buyer); the later lines are only checked, to report them too.
    for line in sorted(lines, key=lambda line: line.variant_id):
        variant = seen[line.variant_id]
        if short:
            if not variant.can_serve(line.quantity):
                short.append(Shortage(line.product_id, line.variant_id, line.quantity, variant.stock).as_dict())
            continue
        result = move_stock(variants, variant, -line.quantity, order_id, actor_id, now)
        if isinstance(result, Shortage):
            short.append(result.as_dict())
        else:
            taken.append(result)
    if short:
        finish(variants, ledger, taken)
        for movement in taken:
            give_back(variants, ledger, movement.variant_id, order_id, ORDER_REJECTED, given_back_by, now)
        raise OutOfStock(short)
    return taken


def move_stock(variants, variant, delta, order_id, actor_id, now):
    """Move stock for an order (`order_placed`). Returns the pending movement, or a Shortage.
    `variant` is the variant as just read (its version saves a read)."""
    fields = {"reason": ORDER_PLACED, "order_id": order_id, "actor_id": actor_id}
    moved, movement = move(variants, variant.id, delta, fields, now, variant)
    if movement is None:
        return Shortage(variant.product_id, variant.id, -delta, moved.stock if moved else 0)
    return movement


def move(variants, variant_id, delta, fields, now, seen=None):
    """One guarded move of a variant's stock: (variant after, pending movement), (variant, None)
    when it would go below zero, (None, None) when there is no such variant; 409 when too many
    writers keep changing it."""
    try:
        return variants.apply_movement(variant_id, delta, fields, now, seen)
    except StockBusy:
        raise Conflict(BUSY)


def finish(variants, ledger, movements):
    for movement in movements:
        finish_movement(variants, ledger, movement)


def finish_movement(variants, ledger, movement):
    """Copy a pending movement into the ledger, then drop it from the variant.

    The movement counts from the moment it is in the variant, so a database
    error here does not undo the caller's change: the repair records it later.
    """
    try:
        ledger.record(movement)
        variants.clear_pending(movement)
    except StoreError as error:
        log.warning("stock movement %s left for the repair: %s", movement.id, type(error).__name__)
    return movement


def give_back(variants, ledger, variant_id, order_id, reason, actor_id, now):
    """Return every unit that `order_id` still holds of this variant. Returns the movement,
    or None when the order holds none (never taken, or given back already).

    Exactly once, however many callers try at the same time (a slow request, the
    repair, a second cancel): the variant is read with its pending movements,
    then the ledger, and the write is guarded by the `ledger_seq` of that read.
    Another give-back either came before the read (it is then in `pending`, or
    already in the ledger, which is written before `pending` is cleared) or
    changed `ledger_seq`, and this write fails and looks again.
    """
    fields = {"reason": reason, "order_id": order_id, "actor_id": actor_id}
    return _return_held(variants, ledger, variant_id, order_id, fields, now)


def return_units(variants, ledger, variant_id, order_id, refund_id, quantity, actor_id, now):
    """Take back into stock `quantity` units that `order_id` holds of this variant, for one
    refund (ledger reason `returned`, with the order and refund ids). Returns the movement,
    or None when this refund's units are back already, or the order holds none any more
    (a cancel gave them all back first: then only what it still holds comes back).

    Exactly once per refund, by the same read-then-guarded-write as `give_back`: a racing
    return or give-back of the same order either shows in this read or changes `ledger_seq`."""
    fields = {"reason": RETURNED, "order_id": order_id, "refund_id": refund_id, "actor_id": actor_id}
    return _return_held(variants, ledger, variant_id, order_id, fields, now, at_most=quantity, refund_id=refund_id)


def _return_held(variants, ledger, variant_id, order_id, fields, now, at_most=None, refund_id=None):
    """Move back what `order_id` holds of the variant (at most `at_most` units; for
    `refund_id`, nothing if that refund's units are back already), guarded by the
    `ledger_seq` of the read it counted from. The movement, or None."""
    for attempt in range(MAX_ATTEMPTS):
        variant, pending = variants.with_pending(variant_id)
        if variant is None:
            return None
        mine = [movement for movement in pending if movement.order_id == order_id]
        if refund_id and (any(movement.refund_id == refund_id for movement in mine)
                          or ledger.has_return(order_id, variant_id, refund_id)):
            return None
        recorded = ledger.net_for_order(order_id, variant_id, excluding={movement.id for movement in mine})
        held = -(recorded + sum(movement.delta for movement in mine))
        units = held if at_most is None else min(at_most, held)
        if units <= 0:
            return None
        _, movement = variants.try_movement(variant, units, fields, now)
        if movement is not None:
            return finish_movement(variants, ledger, movement)
        backoff(attempt)
    raise Conflict(BUSY)
