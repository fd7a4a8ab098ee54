"""Orders: lines with prices copied in, totals, and the status state machine."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import InvalidInput, InvalidTransition

PENDING = "pending"      # being placed: stored before any unit moves, never shown
REJECTED = "rejected"    # placing failed and every unit went back, never shown
PLACED, PAID, SHIPPED, DELIVERED, CANCELLED = "placed", "paid", "shipped", "delivered", "cancelled"
VISIBLE = (PLACED, PAID, SHIPPED, DELIVERED, CANCELLED)

TRANSITIONS = {
    PLACED: (PAID, CANCELLED),
    PAID: (SHIPPED, CANCELLED),
    SHIPPED: (DELIVERED,),
}
# Which statuses an order may be in for each change (the guard of a conditional update).
SOURCES = {target: tuple(s for s, targets in TRANSITIONS.items() if target in targets) for target in VISIBLE}
CUSTOMER_CANCELLABLE = (PLACED, PAID)
REVENUE = (PAID, SHIPPED, DELIVERED)  # money kept: cancelled orders were refunded
EMAILED = {PLACED, PAID, SHIPPED, CANCELLED}
SYSTEM = "system"

# What may still have to follow a status change (see OrderRepository.change_status).
RESTOCK, REFUND = "restock", "refund"
ACTIONS = (RESTOCK, REFUND) + tuple(f"email:{status}" for status in sorted(EMAILED))

# An Idempotency-Key: 1 to 255 visible ASCII characters (the API checks it; the OpenAPI document says it).
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
MAX_LINES = 50
MAX_QUANTITY = 100
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


@dataclass
class OrderLine:
    product_id: str
    sku: str
    name: str
    unit_price: int
    quantity: int

    @property
    def line_total(self):
        return self.unit_price * self.quantity


@dataclass
class Order:
    id: str
    number: str
    user_id: str
    status: str
    items: list
    currency: str
    shipping_address: dict
    payment: dict
    history: list
    created_at: datetime
    updated_at: datetime
    expires_at: datetime = None
    customer_email: str = None
    pending_actions: list = field(default_factory=list)

    @property
    def subtotal(self):
        return sum(line.line_total for line in self.items)

    @property
    def total(self):
        # Shipping is free and prices include tax, so the total is the subtotal.
        return self.subtotal


def merge_lines(items):
    """Repeated products become one line; order of first appearance is kept."""
    merged = {}
    for item in items:
        merged[item["product_id"]] = merged.get(item["product_id"], 0) + item["quantity"]
    over = [pid for pid, quantity in merged.items() if quantity > MAX_QUANTITY]
    if over:
        raise InvalidInput({"items": [f"At most {MAX_QUANTITY} of one product per order."]})
    return merged


def price_lines(quantities, products):
    """OrderLines with names and prices copied from the catalogue; 422 for unknown products."""
    errors = {}
    lines = []
    for index, (product_id, quantity) in enumerate(quantities.items()):
        product = products.get(product_id)
        if product is None or not product.active:
            errors[str(index)] = {"product_id": ["No such product, or it is no longer sold."]}
            continue
        lines.append(OrderLine(product.id, product.sku, product.name, product.price, quantity))
    if errors:
        raise InvalidInput({"items": errors})
    currencies = {products[line.product_id].currency for line in lines}
    if len(currencies) > 1:
        raise InvalidInput({"items": ["All products in one order must have the same currency."]})
    return lines, currencies.pop()


def check_transition(order, target, allowed_from=None):
    sources = allowed_from or SOURCES[target]
    if order.status not in sources:
        raise invalid_transition(order.status, target)


def invalid_transition(current, target):
    return InvalidTransition(f"An order that is {current} cannot become {target}.")


def new_number():
    """A short, unambiguous order number such as `K7M2-Q9XD`."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"
