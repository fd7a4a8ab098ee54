"""Orders: lines with prices copied in, totals, and the status state machine."""
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import InvalidInput, InvalidTransition
from ..pricing import FREE
from ..products.model import options_label

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
REVENUE = (PAID, SHIPPED, DELIVERED)  # money kept: cancelled orders were refunded
EMAILED = {PLACED, PAID, SHIPPED, CANCELLED}
SYSTEM = "system"
GUEST = "guest"  # who made a change (history's `by`) when a guest did, through their private link

# What may still have to follow a status change (see OrderRepository.change_status).
RESTOCK, REFUND = "restock", "refund"

# An Idempotency-Key: 1 to 255 visible ASCII characters (the API checks it; the OpenAPI document says it).
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
MAX_LINES = 50
MAX_REASON = 500  # characters of a cancel's or a refund's reason
MAX_QUANTITY = 100
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


@dataclass
class OrderLine:
    product_id: str
    sku: str
    name: str
    unit_price: int
    quantity: int
    variant_id: str = None  # a v1 order's lines name none: the product's default variant, same id
    options: dict = field(default_factory=dict)
    discount: int = 0  # this line's share of the order's discount
    tax: int = 0  # the tax in (or on) this line's total after its discount
    refunded: int = 0  # units refunded so far (see refunds.py)
    restocked: int = 0  # of those, units taken back into stock

    def __post_init__(self):
        self.variant_id = self.variant_id or self.product_id

    def label(self):
        return options_label(self.options)

    @property
    def line_total(self):
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Guest:
    """A visitor checking out without an account: known by the e-mail they typed."""
    email: str
    id: str = None
    is_admin: bool = False


class Totals:
    """What an order and a quote show under their lines, from the totals `pricing` made."""

    @property
    def subtotal(self):
        return sum(line.line_total for line in self.items)

    def totals_rows(self):
        """[(label, amount, kind)]: kind "add" rows make up the total, an "info" row (tax
        included in the prices) does not, and the last row is the "total"."""
        rows = [("Subtotal", self.subtotal, "add")]
        if self.discount:
            rows.append((f"Discount ({self.discount['code']})", -self.discount["amount"], "add"))
        rows.append((f"Shipping: {self.shipping['name']}", self.shipping["amount"], "add"))
        if self.tax_total and self.prices_include_tax:
            rows.append(("Tax included", self.tax_total, "info"))
        elif self.tax_total:
            rows.append(("Tax", self.tax_total, "add"))
        rows.append(("Total", self.total, "total"))
        return rows


@dataclass
class Order(Totals):
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
    # The totals as `pricing.price` made them when the order was placed. A v1 order stored
    # none: it was shipped free, with no code, its prices including tax, so its total is its
    # subtotal.
    shipping: dict = field(default_factory=lambda: dict(FREE_SHIPPING))
    discount: dict = None
    tax_total: int = 0
    prices_include_tax: bool = True
    total: int = None
    refunds: list = field(default_factory=list)  # refunds.Refund, oldest first
    # {"carrier", "tracking_number", "shipped_at"}, stored by the write that ships the order.
    fulfilment: dict = None

    # Which steps the order may take next, asked by the pages and the use cases alike.
    def may(self, target):
        """Whether the state machine lets the order become `target` from its status now."""
        return self.status in SOURCES[target]

    @property
    def can_pay(self):
        return self.may(PAID)

    @property
    def can_ship(self):
        return self.may(SHIPPED)

    @property
    def can_deliver(self):
        return self.may(DELIVERED)

    @property
    def can_cancel(self):
        return self.may(CANCELLED)

    @property
    def cancelling_refunds(self):
        """Cancelling it gives the payment back: it is paid and has not been shipped."""
        return self.status == PAID

    def __post_init__(self):
        if self.total is None:
            self.total = self.subtotal
        if self.fulfilment is None and self.status in (SHIPPED, DELIVERED):
            # Shipped before v1.1 stored it: when, from the history; no carrier was asked for.
            shipped_at = next((entry.get("at") for entry in self.history if entry.get("status") == SHIPPED), None)
            self.fulfilment = {"carrier": None, "tracking_number": None, "shipped_at": shipped_at}

    @property
    def refunded_amount(self):
        """How much of the payment went back (0 without a payment)."""
        return (self.payment or {}).get("refunded_amount", 0)

    def refund_with_key(self, key):
        return next((refund for refund in self.refunds if refund.idempotency_key == key), None)


FREE_SHIPPING = {"method_id": None, "name": FREE.name, "amount": 0, "tax": 0}


@dataclass
class Quote(Totals):
    """The order a request would place now, and the lines it could not serve now (`short`)."""
    items: list
    currency: str
    shipping_address: dict
    shipping: dict
    discount: dict
    tax_total: int
    prices_include_tax: bool
    total: int
    short: list

    def order_fields(self):
        """What the order document stores of this quote."""
        return {"items": [vars(line) for line in self.items], "currency": self.currency,
                "shipping_address": self.shipping_address, "shipping": self.shipping, "discount": self.discount,
                "tax_total": self.tax_total, "prices_include_tax": self.prices_include_tax, "total": self.total}

    def fingerprint(self):
        """Everything this quote shows, one short digest per part (`items=…;address=…`): a
        page that showed it carries this, and placing compares it with the quote made then."""
        return ";".join(f"{part}={_digest(value)}" for part, value in self._parts().items())

    def changes_since(self, fingerprint):
        """What differs from the quote `fingerprint` was made of, as QUOTED_PARTS' words, in
        their order (every part for a fingerprint that is not one)."""
        try:
            shown = dict(part.split("=", 1) for part in fingerprint.split(";"))
        except ValueError:
            shown = {}
        return [QUOTED_PARTS[part] for part, value in self._parts().items() if shown.get(part) != _digest(value)]

    def _parts(self):
        """Each figure in the one part a shopper would name: a line's share of the tax is tax."""
        lines = [[line.product_id, line.variant_id, line.sku, line.name, line.options, line.unit_price, line.quantity]
                 for line in self.items]
        return {"items": lines, "address": self.shipping_address,
                "shipping": [self.shipping["method_id"], self.shipping["name"], self.shipping["amount"]],
                "discount": [self.discount, [line.discount for line in self.items]],
                "tax": [self.tax_total, self.prices_include_tax, self.shipping["tax"],
                        [line.tax for line in self.items]],
                "total": [self.currency, self.total]}


# The parts of a quote a shopper confirms, and how a change to each is said.
QUOTED_PARTS = {"items": "the lines (a product, its price or quantity)", "address": "the shipping address",
                "shipping": "shipping", "discount": "the discount", "tax": "tax", "total": "the total"}


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def quote_from(lines, currency, address, totals, short):
    """A Quote of `lines`, with each line's share of the discount and its tax, from `pricing.price`."""
    for line, priced in zip(lines, totals.lines):
        line.discount, line.tax = priced.discount, priced.tax
    shipping = {"method_id": totals.shipping.method_id, "name": totals.shipping.name,
                "amount": totals.shipping_amount, "tax": totals.shipping_tax}
    discount = {"code": totals.discount_code, "amount": totals.discount} if totals.discount_code else None
    return Quote(items=lines, currency=currency, shipping_address=address, shipping=shipping, discount=discount,
                 tax_total=totals.tax_total, prices_include_tax=totals.prices_include_tax, total=totals.total,
                 short=short)


def merge_lines(items, products):
    """{(product_id, variant_id): quantity}: each item's variant (the only one when it names
    none), repeated ones merged, in order of first appearance; 422 naming the items that
    name no product on sale, or no variant of it."""
    merged, errors = {}, {}
    for index, item in enumerate(items):
        product = products.get(item["product_id"])
        if product is None or not product.active:
            errors[str(index)] = {"product_id": ["No such product, or it is no longer sold."]}
            continue
        variant = product.variant_for(item.get("variant_id"))
        if variant is None or not variant.active:
            errors[str(index)] = {"variant_id": [
                "Choose one of the product's variants." if item.get("variant_id") is None
                else "No such variant of this product, or it is no longer sold."]}
            continue
        key = (product.id, variant.id)
        merged[key] = merged.get(key, 0) + item["quantity"]
    if errors:
        raise InvalidInput({"items": errors})
    if any(quantity > MAX_QUANTITY for quantity in merged.values()):
        raise InvalidInput({"items": [f"At most {MAX_QUANTITY} of one product per order."]})
    return merged


def price_lines(quantities, products):
    """OrderLines with names, SKUs, options and prices copied from the catalogue."""
    lines = []
    for (product_id, variant_id), quantity in quantities.items():
        product = products[product_id]
        variant = product.variant(variant_id)
        lines.append(OrderLine(product.id, variant.sku, product.name, variant.price, quantity,
                               variant_id=variant.id, options=dict(variant.options)))
    currencies = {products[line.product_id].currency for line in lines}
    if len(currencies) > 1:
        raise InvalidInput({"items": ["All products in one order must have the same currency."]})
    return lines, currencies.pop()


def fulfilment(carrier, tracking_number, now):
    """What shipping an order stores: who carries it and its tracking number (each may be None)."""
    return {"carrier": carrier, "tracking_number": tracking_number, "shipped_at": now}


def history_entry(by, reason=None):
    """A status change's history entry: who made it, and why when they said."""
    return {"by": by, "reason": reason} if reason else {"by": by}


def check_transition(order, target):
    if not order.may(target):
        raise invalid_transition(order.status, target)


def invalid_transition(current, target):
    return InvalidTransition(f"An order that is {current} cannot become {target}.")


def typed_number(text):
    """An order number as a person may type it (any case, with or without its dash or
    spaces) in the stored form `K7M2-Q9XD`; text of another length comes back as typed."""
    chars = re.sub(r"[\s-]", "", text).upper()
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == 8 else text


def number_start(text):
    """The start of an order number as a person may type it (any case, with or without its
    dash or spaces) in the stored form: `9r54q` -> `9R54-Q`, `k7m2` -> `K7M2`."""
    chars = re.sub(r"[\s-]", "", text).upper()
    return f"{chars[:4]}-{chars[4:]}" if len(chars) > 4 else chars


def new_number():
    """A short, unambiguous order number such as `K7M2-Q9XD`."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"
