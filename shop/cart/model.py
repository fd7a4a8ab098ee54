"""A cart: variants and quantities, priced from the catalogue by the one pricing rule when shown.

What a cart is made of, decided here once (`cart_from`) and asked by every page:

- `Cart.lines` can be bought: their product and variant are on sale, in the cart's currency.
  They are priced by `shop.pricing.price`, and the cart shows its output: each line's total and
  the subtotal. A line that asks for more than is in stock is `short` and says how many are left.
- `Cart.unavailable` can no longer be bought: the product or its option is archived or gone, or
  it is priced in another currency than the cart's. Such a line stays in the cart, shown as no
  longer available with a way to remove it, until the shopper removes it: never dropped silently.
- `Cart.count` is the units of `Cart.lines` (short ones at what they ask for), and it is the only
  count: the header, the cart page and the checkout show it. Unavailable lines count nowhere (not
  in the count, nor the subtotal), as no order would hold them.
- The cart's currency is its first line on sale's; a product in another currency is refused
  (`currency_problem`).
- `Cart.problems()` says what stops an order of the cart as shown (unavailable and short lines);
  the checkout calls `Cart.check_ready()`, which raises them as an `InvalidInput`.
"""
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..pricing import price

USER, ANONYMOUS = "user", "anon"


@dataclass
class CartLine:
    """A line on sale: the variant it holds, and its priced figures once the cart is priced."""

    product: object  # products.model.Product
    variant: object  # products.model.Variant: what the line holds
    quantity: int
    priced: object = None  # pricing.PricedLine, set by the Cart

    @property
    def id(self):
        return self.variant.id

    @property
    def name(self):
        label = self.variant.label()
        return f"{self.product.name} ({label})" if label else self.product.name

    @property
    def unit_price(self):
        return self.variant.price

    @property
    def line_total(self):
        return self.priced.line_total

    @property
    def available(self):
        """Units in stock now, which is what an order could take."""
        return max(self.variant.stock, 0)

    @property
    def short(self):
        return not self.variant.can_serve(self.quantity)

    def stock_note(self):
        """What the cart says about a short line (None when the stock serves it)."""
        if not self.short:
            return None
        if self.available == 0:
            return "Out of stock: remove it to check out."
        return f"Only {self.available} left: lower the quantity to {self.available} to check out."


NO_LONGER_SOLD = "This product is no longer sold."
OPTION_NO_LONGER_SOLD = "This option is no longer sold."


@dataclass
class UnavailableLine:
    """A line that can no longer be bought, kept (and shown) until the shopper removes it."""

    id: str  # the variant id, which is also the line's key in the cart
    quantity: int
    reason: str  # a sentence: why it cannot be bought
    product: object = None  # None when the product is gone
    variant: object = None

    @property
    def name(self):
        if self.product is None:
            return "A product"
        label = self.variant.label() if self.variant is not None else ""
        return f"{self.product.name} ({label})" if label else self.product.name


@dataclass
class Cart:
    lines: list = field(default_factory=list)  # CartLine, in the order added
    unavailable: list = field(default_factory=list)  # UnavailableLine, in the order added
    currency: str | None = None  # None for a cart with nothing on sale in it

    def __post_init__(self):
        # The pricing function is the only arithmetic: every figure shown is its output.
        self.totals = price([(line.unit_price, line.quantity) for line in self.lines])
        for line, priced in zip(self.lines, self.totals.lines):
            line.priced = priced

    @property
    def subtotal(self):
        return self.totals.subtotal

    @property
    def count(self):
        """Units to order: the only count shown (unavailable lines are not counted)."""
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self):
        """Nothing to show: no line on sale and none unavailable."""
        return not self.lines and not self.unavailable

    @property
    def short_lines(self):
        return [line for line in self.lines if line.short]

    def problems(self):
        """What stops ordering this cart as shown, one sentence a line; empty when nothing does."""
        return ([f"{line.name}: {line.reason} Remove it from your cart." for line in self.unavailable]
                + [f"{line.name}: you asked for {line.quantity}, {line.available} left." for line in self.short_lines])

    @property
    def ready_for_checkout(self):
        return bool(self.lines) and not self.problems()

    def check_ready(self):
        """Raise what the checkout must refuse: an empty cart, unavailable lines, short lines."""
        if not self.lines and not self.unavailable:
            raise InvalidInput({"items": ["Your cart is empty."]})
        problems = self.problems()
        if problems:
            raise InvalidInput({"items": problems}, "Some lines of your cart need a change before you check out.")

    def currency_problem(self, product):
        """Why `product` may not join this cart (another currency), or None."""
        if self.currency is None or product.currency == self.currency:
            return None
        return (f"Your cart is in {self.currency} and {product.name} is priced in {product.currency}: "
                f"a cart holds one currency. Check out or empty your cart first, then add it.")

    def order_items(self):
        """The lines as the `items` of an order (PlaceOrderSchema's shape)."""
        return [{"product_id": line.product.id, "variant_id": line.variant.id, "quantity": line.quantity}
                for line in self.lines]


def cart_from(items, variants, products):
    """The cart of `items` {variant_id: quantity} (in the order added), given the catalogue's
    `variants` {id: Variant} and `products` {id: Product} as they are now."""
    lines, unavailable, currency = [], [], None
    for variant_id, quantity in items.items():
        variant = variants.get(variant_id)
        product = products.get(variant.product_id) if variant else None
        if product is None or not product.active:
            unavailable.append(UnavailableLine(variant_id, quantity, NO_LONGER_SOLD, product,
                                               product.variant(variant_id) if product else None))
            continue
        variant = product.variant(variant_id) or variant
        if not variant.active:
            unavailable.append(UnavailableLine(variant_id, quantity, OPTION_NO_LONGER_SOLD, product, variant))
            continue
        currency = currency or product.currency
        if product.currency != currency:
            # Carts from before the one-currency rule (or two first adds racing): never summed.
            reason = f"It is priced in {product.currency} and your cart is in {currency}."
            unavailable.append(UnavailableLine(variant_id, quantity, reason, product, variant))
        else:
            lines.append(CartLine(product, variant, quantity))
    return Cart(lines, unavailable, currency)


def owner_key(kind, ident):
    """`user:<id>` for a shopper's cart, `anon:<random id>` for a visitor's."""
    return f"{kind}:{ident}"
