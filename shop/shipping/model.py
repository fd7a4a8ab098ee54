"""A shipping method and the rules the order code asks it: whom it serves, and what the
pricing sees of it."""
from dataclasses import dataclass
from datetime import datetime

from ..money import format_money
from ..pricing import Shipping

EVERYWHERE = "*"


@dataclass(frozen=True)
class ShippingMethod:
    id: str
    name: str
    countries: tuple  # ISO 3166-1 alpha-2 codes, or ("*",) for every country
    price: int  # minor units of `currency`
    free_over: int | None  # a subtotal after discount at or above which it costs 0
    currency: str
    active: bool
    created_at: datetime
    updated_at: datetime

    def serves(self, country, currency):
        """Whether an order in `currency` to `country` may be sent by this method (never when inactive)."""
        return self.active and currency == self.currency and (EVERYWHERE in self.countries or country in self.countries)

    def label(self):
        """`Standard: $4.95 (free from $50.00), to US, DE`, as the checkout offers it."""
        free = f" (free from {format_money(self.free_over, self.currency)})" if self.free_over is not None else ""
        where = "everywhere" if EVERYWHERE in self.countries else ", ".join(self.countries)
        return f"{self.name}: {format_money(self.price, self.currency)}{free}, to {where}"

    def as_pricing(self):
        return Shipping(method_id=self.id, name=self.name, price=self.price, free_over=self.free_over)


@dataclass(frozen=True)
class FreeShipping:
    """How far shipping is free for every order, whatever its country: from `amount` (minor
    units of `currency`, a subtotal after discount), or always (amount 0, currency None)."""
    amount: int = 0
    currency: str | None = None


def free_shipping(active_methods):
    """What the shop may promise about free shipping, from its active methods: FreeShipping()
    with none (shipping is then free) or when each costs 0; FreeShipping(amount, currency) when
    each is free from a subtotal, `amount` the highest of those; None when some order pays for
    shipping whatever its size (or the amounts are in several currencies)."""
    thresholds = [method for method in active_methods if method.price > 0]
    if not thresholds:
        return FreeShipping()
    if any(method.free_over is None for method in thresholds) or len({m.currency for m in thresholds}) > 1:
        return None
    return FreeShipping(max(method.free_over for method in thresholds), thresholds[0].currency)


def normal_countries(countries):
    """The countries as stored: upper case, each once, in order; any "*" means every country."""
    if EVERYWHERE in countries:
        return [EVERYWHERE]
    return list(dict.fromkeys(countries))
