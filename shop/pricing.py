"""The one pricing rule: lines, a shipping method, a tax rate and a discount into totals.

Pure arithmetic on integer minor units; no I/O. The quote, the order, the HTML cart and
checkout and the e-mails all show what `price` returns, and nothing computes a total
another way. The contract's identities always hold:

    subtotal       = sum of line_total
    discount       = sum of lines' discount             (never more than the subtotal)
    tax_total      = sum of lines' tax + shipping tax
    total          = subtotal - discount + shipping + (0 if prices_include_tax else tax_total)

Rounding, once per line and never per unit: a line's tax is computed on the line's total after
its share of the discount, rounded half up to the minor unit (`round_half_up`):

    included: round(net_line * rate_bp / (10000 + rate_bp))    excluded: round(net_line * rate_bp / 10000)

A percent code's amount is round_half_up(subtotal * value / 10000). The discount is spread over
the lines in proportion to their totals; the minor units left after each line's whole share go
one each to the lines with the largest remainders (ties to the earlier line), so the shares add
up to the discount exactly. Shipping is taxed like a line, at the same (the destination's) rate.
"""
from dataclasses import dataclass

BASIS_POINTS = 10_000


def round_half_up(numerator, denominator):
    """numerator / denominator to the nearest integer, halves up (both non-negative)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Discount:
    """A code as the pricing sees it, once the code's own rules have accepted it."""
    code: str
    kind: str  # "percent" (value in basis points) or "fixed" (value in minor units)
    value: int

    def amount_for(self, subtotal):
        if self.kind == "percent":
            wanted = round_half_up(subtotal * self.value, BASIS_POINTS)
        else:
            wanted = self.value
        return min(wanted, subtotal)


@dataclass(frozen=True)
class Shipping:
    """A shipping method as the pricing sees it; `FREE` when the shop has none."""
    method_id: str | None
    name: str
    price: int
    free_over: int | None = None

    def amount_for(self, subtotal_after_discount):
        if self.free_over is not None and subtotal_after_discount >= self.free_over:
            return 0
        return self.price


FREE = Shipping(method_id=None, name="Free shipping", price=0)


@dataclass(frozen=True)
class PricedLine:
    unit_price: int
    quantity: int
    line_total: int
    discount: int
    tax: int


@dataclass(frozen=True)
class Totals:
    lines: tuple
    subtotal: int
    discount_code: str | None
    discount: int
    shipping: Shipping
    shipping_amount: int
    shipping_tax: int
    tax_rate_bp: int
    tax_total: int
    prices_include_tax: bool
    total: int


def tax_on(amount, rate_bp, prices_include_tax):
    """The tax in `amount` (included) or on it (excluded), rounded half up."""
    if prices_include_tax:
        return round_half_up(amount * rate_bp, BASIS_POINTS + rate_bp)
    return round_half_up(amount * rate_bp, BASIS_POINTS)


def spread(amount, weights):
    """`amount` split over `weights` in proportion, by largest remainder (ties to the earlier
    one): the shares add up to `amount` exactly. All zero weights take nothing."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    shares = [amount * weight // whole for weight in weights]
    remainders = [amount * weight % whole for weight in weights]
    left = amount - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:left]:
        shares[index] += 1
    return shares


def price(lines, shipping=FREE, tax_rate_bp=0, discount=None, prices_include_tax=True):
    """Totals for `lines` [(unit_price, quantity)], a `Shipping`, the destination's tax rate in
    basis points and an accepted `Discount` (or None)."""
    if not 0 <= tax_rate_bp <= BASIS_POINTS:
        raise ValueError("a tax rate is 0..10000 basis points")
    if any(unit_price < 0 or quantity < 1 for unit_price, quantity in lines):
        raise ValueError("a line has a price of 0 or more and a quantity of 1 or more")
    totals = [unit_price * quantity for unit_price, quantity in lines]
    subtotal = sum(totals)
    discount_amount = discount.amount_for(subtotal) if discount else 0
    shares = spread(discount_amount, totals)
    priced = tuple(
        PricedLine(unit_price, quantity, line_total, share, tax_on(line_total - share, tax_rate_bp, prices_include_tax))
        for (unit_price, quantity), line_total, share in zip(lines, totals, shares)
    )
    shipping_amount = shipping.amount_for(subtotal - discount_amount)
    shipping_tax = tax_on(shipping_amount, tax_rate_bp, prices_include_tax)
    tax_total = sum(line.tax for line in priced) + shipping_tax
    total = subtotal - discount_amount + shipping_amount + (0 if prices_include_tax else tax_total)
    return Totals(
        lines=priced, subtotal=subtotal, discount_code=discount.code if discount else None,
        discount=discount_amount, shipping=shipping, shipping_amount=shipping_amount, shipping_tax=shipping_tax,
        tax_rate_bp=tax_rate_bp, tax_total=tax_total, prices_include_tax=prices_include_tax, total=total,
    )
