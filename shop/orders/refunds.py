"""Refunds and returns: what a refund costs and what it may take (a pure model, no I/O).

A refund gives back money (`amount`) and may take back units (`lines`), each
to be restocked or not. What was paid for a line of `q` units is `P`: its
total less its share of the discount, plus its tax when prices exclude tax.
Unit by unit, `k` units after `r` already refunded cost

    round_half_up(P * (r + k) / q) - round_half_up(P * r / q)

so refunding a line unit by unit adds up to exactly `P`, whatever the order in
which its units come back. Shipping (and its tax) is refunded only by an amount.
The refunded total never passes what was paid: the repository's write is
conditional on the order's refunds as read here.
"""
from dataclasses import dataclass
from datetime import datetime

from ..errors import InvalidInput, InvalidTransition, RefundExceedsPayment
from ..money import format_money
from ..pricing import round_half_up
from .model import DELIVERED, PAID, SHIPPED

REFUNDABLE = (PAID, SHIPPED, DELIVERED)
# The payment's status once money went back: some of it, or all of it.
PARTIALLY_REFUNDED, REFUNDED = "partially_refunded", "refunded"


@dataclass
class RefundLine:
    product_id: str
    variant_id: str
    quantity: int
    restock: bool
    amount: int = 0  # what these units were paid for (the per-unit rule above)


@dataclass
class Refund:
    id: str
    amount: int
    lines: list
    reason: str
    created_at: datetime
    by: str
    idempotency_key: str = None
    request_hash: str = None

    @classmethod
    def from_doc(cls, doc):
        lines = [RefundLine(**line) for line in doc["lines"]]
        return cls(id=doc["id"], amount=doc["amount"], lines=lines, reason=doc["reason"],
                   created_at=doc["created_at"], by=doc["by"], idempotency_key=doc.get("idempotency_key"),
                   request_hash=doc.get("request_hash"))

    def doc(self):
        return {"id": self.id, "amount": self.amount, "lines": [vars(line) for line in self.lines],
                "reason": self.reason, "created_at": self.created_at, "by": self.by,
                "idempotency_key": self.idempotency_key, "request_hash": self.request_hash}

    def units_to_restock(self):
        """[(variant_id, quantity)] of the units this refund takes back into stock."""
        return [(line.variant_id, line.quantity) for line in self.lines if line.restock]

    def note(self, currency):
        return f"Refunded {format_money(self.amount, currency)}"


def paid_for_line(order, line):
    """What the shopper paid for the whole line: its total after its discount, with its tax
    when prices exclude tax (included tax is already in the total)."""
    return line.line_total - line.discount + (0 if order.prices_include_tax else line.tax)


def units_cost(order, line, already_refunded, units):
    """What `units` more units of `line` cost, after `already_refunded` units came back."""
    paid, quantity = paid_for_line(order, line), line.quantity
    return (round_half_up(paid * (already_refunded + units), quantity)
            - round_half_up(paid * already_refunded, quantity))


def refundable(order):
    """How much of the payment may still be refunded (0 when nothing was paid)."""
    payment = order.payment or {}
    if payment.get("status") not in ("paid", PARTIALLY_REFUNDED, REFUNDED):
        return 0
    return payment["amount"] - order.refunded_amount


def check_refundable(order):
    """InvalidTransition unless the order is paid (and not cancelled) with money left to give back."""
    if order.status not in REFUNDABLE:
        raise InvalidTransition(f"An order that is {order.status} cannot be refunded: "
                                "only paid, shipped and delivered orders can.")


def plan(order, amount, lines):
    """(amount, [RefundLine]) of a refund of `order`: `amount` if given, else what the lines'
    units were paid for. 422 for lines the order cannot give back; 409 when it would take the
    refunded total above what was paid."""
    check_refundable(order)
    planned = _planned_lines(order, lines or [])
    if amount is None:
        amount = sum(line.amount for line in planned)
    left = refundable(order)
    if amount > left:
        raise RefundExceedsPayment(left, order.currency)
    return amount, planned


def _planned_lines(order, requested):
    planned, errors, seen = [], {}, set()
    for index, wanted in enumerate(requested):
        line, problem = _order_line(order, wanted)
        if line is not None and line.variant_id in seen:
            problem = {"variant_id": ["Name each line of the order once."]}
        if problem:
            errors[str(index)] = problem
            continue
        seen.add(line.variant_id)
        left = line.quantity - line.refunded
        if wanted["quantity"] > left:
            errors[str(index)] = {"quantity": [f"Only {left} of this line can still be refunded."
                                               if left else "Every unit of this line was refunded already."]}
            continue
        planned.append(RefundLine(line.product_id, line.variant_id, wanted["quantity"], wanted["restock"],
                                  units_cost(order, line, line.refunded, wanted["quantity"])))
    if errors:
        raise InvalidInput({"lines": errors})
    return planned


def _order_line(order, wanted):
    """(the order's line `wanted` names, None) or (None, {field: [message]})."""
    candidates = [line for line in order.items if line.product_id == wanted["product_id"]]
    if wanted.get("variant_id") is not None:
        candidates = [line for line in candidates if line.variant_id == wanted["variant_id"]]
    if not candidates:
        return None, {"product_id": ["This order has no such line."]}
    if len(candidates) > 1:
        return None, {"variant_id": ["The order has several variants of this product: name the variant."]}
    return candidates[0], None


def payment_status_after(order, amount):
    """The payment's status once `amount` more is refunded (a refund of units that cost
    nothing, all discounted, leaves it as it was)."""
    refunded = order.refunded_amount + amount
    if refunded == 0:
        return order.payment["status"]
    return REFUNDED if refunded >= order.payment["amount"] else PARTIALLY_REFUNDED
