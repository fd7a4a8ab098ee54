"""A discount code and its rules: whether it serves an order, and what the pricing sees of it.

`problem()` is what the order code asks before pricing: None when the code may be used, or
the one sentence a shopper reads (on `details.discount_code`). `rule_problems()` is what a
code's own fields must satisfy together, on create and after a change.
"""
from dataclasses import dataclass
from datetime import datetime

from ..messages import BASIS_POINTS as BASIS_POINTS_UNIT, RangeMessage
from ..money import format_money, format_percent
from ..pricing import BASIS_POINTS, Discount

PERCENT, FIXED = "percent", "fixed"
KINDS = (PERCENT, FIXED)


def fold(code):
    """The key a code is unique and found by: what was typed, without case or surrounding spaces."""
    return code.strip().casefold()


def _day(moment):
    return f"{moment:%d %B %Y, %H:%M} UTC"


@dataclass(frozen=True)
class DiscountCode:
    id: str
    code: str  # as the admin typed it
    kind: str  # PERCENT (value in basis points) or FIXED (value in minor units of `currency`)
    value: int
    currency: str | None  # a fixed code's; None for a percent code
    min_subtotal: int  # minor units of the order's currency
    starts_at: datetime | None
    ends_at: datetime | None  # the first moment it no longer serves
    max_uses: int | None
    max_uses_per_customer: int | None
    active: bool
    uses: int
    created_at: datetime
    updated_at: datetime

    def problem(self, subtotal, currency, now, uses_by_customer=0):
        """Why this code cannot be used on an order of `subtotal` (before any discount) in
        `currency` at `now` by a customer who used it `uses_by_customer` times; None when it can."""
        if not self.active:
            return "This discount code is not active."
        if self.starts_at is not None and now < self.starts_at:
            return f"This discount code cannot be used yet: it starts on {_day(self.starts_at)}."
        if self.ends_at is not None and now >= self.ends_at:
            return f"This discount code has expired: it ended on {_day(self.ends_at)}."
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "This discount code has been used up."
        if self.max_uses_per_customer is not None and uses_by_customer >= self.max_uses_per_customer:
            times = "once" if self.max_uses_per_customer == 1 else f"{self.max_uses_per_customer} times"
            return f"You have already used this discount code {times}, as often as it allows."
        if self.kind == FIXED and currency != self.currency:
            return f"This discount code is for orders in {self.currency} only."
        if subtotal < self.min_subtotal:
            return (f"This discount code needs a subtotal of at least {format_money(self.min_subtotal, currency)}: "
                    "add more to your order to use it.")
        return None

    def as_pricing(self):
        return Discount(code=self.code, kind=self.kind, value=self.value)

    def describe(self):
        """`10%` or `$5.00 off`, as the back office lists it."""
        if self.kind == PERCENT:
            return f"{format_percent(self.value)}% off"
        return f"{format_money(self.value, self.currency)} off"


def rule_problems(fields):
    """{field: [message]} for what a code's fields break together (empty when none): a percent
    code is 1..10000 basis points and has no currency, a fixed one has its currency, and it
    ends after it starts."""
    found = {}
    if fields.get("kind") == PERCENT:
        if fields.get("value", 1) > BASIS_POINTS:
            found["value"] = [RangeMessage("a percent code's value", 1, BASIS_POINTS, unit=BASIS_POINTS_UNIT)]
        if fields.get("currency") is not None:
            found["currency"] = ["Leave the currency out for a percent code: it serves orders in any currency."]
    elif fields.get("kind") == FIXED and fields.get("currency") is None:
        found["currency"] = ["Choose the currency of a fixed code's amount: it serves only orders in it."]
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        found["ends_at"] = ["Enter an end after the start."]
    return found
