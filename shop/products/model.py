"""Products, their stock, and the ledger entries that explain every unit."""
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..errors import InvalidInput, NotFound
from ..money import format_amount
from . import search

RETURNED = "returned"  # units a shopper sent back (an adjustment, or a refund's return)
ADJUSTMENT_REASONS = ("restock", "correction", "damaged", RETURNED)
INITIAL = "initial"
ORDER_PLACED = "order_placed"
ORDER_CANCELLED = "order_cancelled"
# Stock taken for an order that then could not be placed as a whole, given back.
ORDER_REJECTED = "order_rejected"
REASONS = ADJUSTMENT_REASONS + (INITIAL, ORDER_PLACED, ORDER_CANCELLED, ORDER_REJECTED)
FEW_LEFT = 5  # at or under this, product pages say how many are left
IN_STOCK, OUT_OF_STOCK = "https://schema.org/InStock", "https://schema.org/OutOfStock"


def options_label(options):
    """`Size M / Colour Blue`, or "" for a product's only, option-less variant."""
    return " / ".join(f"{name} {value}" for name, value in options.items())


MAX_OPTIONS = 3
MAX_VARIANTS = 100


@dataclass
class Variant:
    """One combination of a product's option values: the unit of stock (one SKU)."""

    id: str
    product_id: str
    sku: str
    options: dict
    price: int
    stock: int
    active: bool
    position: int
    created_at: datetime
    updated_at: datetime
    # How many stock movements the variant has had: the version each stock update checks.
    ledger_seq: int = 0

    def label(self):
        return options_label(self.options)

    # The stock rules, here and nowhere else: the cart, the checkout, the stock taking and the
    # product pages ask the variant.
    def can_serve(self, quantity):
        """Whether the stock covers `quantity` units now."""
        return self.stock >= quantity

    @property
    def in_stock(self):
        return self.stock > 0

    @property
    def few_left(self):
        """Units to show as "Only N left": the stock when it is 5 or fewer (and some), else None."""
        return self.stock if self.in_stock and self.stock <= FEW_LEFT else None


@dataclass
class Product:
    id: str
    slug: str
    name: str
    description: str
    currency: str
    active: bool
    created_at: datetime
    updated_at: datetime
    options: list = field(default_factory=list)  # [{"name": "Size", "values": ["S", "M"]}]
    variants: list = field(default_factory=list)  # every Variant, in position order
    category_ids: list = field(default_factory=list)
    images: list = field(default_factory=list)  # shop.images.model.Image, in position order

    @property
    def on_sale(self):
        """The variants a shopper may buy; all of them when none is (so the figures stay defined)."""
        return [v for v in self.variants if v.active] or self.variants

    @property
    def sku(self):
        return self.on_sale[0].sku if self.on_sale else ""

    @property
    def price(self):
        """The only variant's price, else the lowest: what "from" prices show."""
        return min((v.price for v in self.on_sale), default=0)

    @property
    def price_range(self):
        prices = [v.price for v in self.on_sale] or [0]
        return {"min": min(prices), "max": max(prices)}

    @property
    def stock(self):
        """Units a shopper can buy: those of the variants on sale."""
        return sum(v.stock for v in self.variants if v.active)

    @property
    def in_stock(self):
        """Some variant on sale is in stock."""
        return any(v.in_stock for v in self.variants if v.active)

    @property
    def has_options(self):
        return bool(self.options)

    def for_shoppers(self):
        """The product as a shopper sees it: only the variants on sale."""
        return replace(self, variants=[v for v in self.variants if v.active])

    def variant(self, variant_id):
        return next((v for v in self.variants if v.id == variant_id), None)

    def variant_for(self, variant_id):
        """The variant an order or cart line means: the one named, or the only one when
        none is named. None for an unknown id, or none named among several."""
        if variant_id is None:
            return self.variants[0] if len(self.variants) == 1 else None
        return self.variant(variant_id)

    def pick(self, variant_id=None, chosen=None):
        """The variant a product page shows: the one named (by id, or by a value of each
        option), else the first on sale that is in stock, else the first on sale. None when
        what was named does not exist or is not on sale."""
        if variant_id or chosen:
            variant = self.variant(variant_id) if variant_id else self.variant_with(chosen)
            return variant if variant is not None and variant.active else None
        on_sale = [v for v in self.variants if v.active]
        return next((v for v in on_sale if v.in_stock), on_sale[0] if on_sale else None)

    def variant_with(self, chosen):
        """The variant with exactly these option values ({"Size": "M"}), or None."""
        return next((v for v in self.variants if v.options == chosen), None)

    def chosen_by_position(self, values):
        """{option name: value} of the values chosen in the product page's lists, given by
        the options' position (blank ones left out)."""
        return {option["name"]: value for option, value in zip(self.options, values) if value}

    def variant_to_add(self, variant_id=None, values=()):
        """The variant a shopper adds to the cart: the one with the option values chosen in
        the product page's lists (`values`, by position), else the one named by id, else the
        only one. Refused, saying why: a combination that is not sold, or one sold out."""
        chosen = self.chosen_by_position(values)
        if chosen:
            problem = combination_problem(self.options, chosen)
            if problem:
                raise InvalidInput({"options": [problem]})
            variant = self.variant_with(chosen)
            if variant is None or not variant.active:
                raise InvalidInput({"options": [f"{options_label(in_option_order(self.options, chosen))} is not "
                                                f"sold: choose another combination."]})
        else:
            variant = self.variant_for(variant_id)
            if variant is None and variant_id is None:
                raise InvalidInput({"variant_id": ["Choose one of the options first."]})
            if variant is None or not variant.active:
                raise NotFound("No such variant of this product.")
        if not variant.in_stock:
            what = f"{variant.label()} is" if variant.label() else "This product is"
            raise InvalidInput({"options": [f"{what} sold out for now." + (" Choose another combination."
                                                                            if variant.label() else "")]})
        return variant

    def offers(self):
        """What is on sale, one (sku, price, currency, in_stock) per variant on sale."""
        return [(v.sku, v.price, self.currency, self.active and v.in_stock) for v in self.variants if v.active]


@dataclass
class StockMovement:
    """Units that moved in or out of one variant's stock, and why: pending in the variant until
    the ledger records it, then the ledger's entry."""
    id: str
    product_id: str
    variant_id: str
    sku: str
    seq: int
    delta: int
    reason: str
    stock_after: int
    created_at: datetime
    order_id: str = None
    actor_id: str = None
    note: str = ""
    refund_id: str = None  # a refund's return: the refund whose units these are
    # The document the movement was read from, kept so that recording it in the ledger copies
    # it as it was stored; only the repositories read it.
    stored: dict = field(default=None, repr=False, compare=False)


@dataclass
class Shortage:
    """A line that stock cannot serve, as the 409 `insufficient_stock` reports it."""

    product_id: str
    variant_id: str
    requested: int
    available: int

    def as_dict(self):
        return {"product_id": self.product_id, "variant_id": self.variant_id, "requested": self.requested,
                "available": self.available}


@dataclass
class ProductQuery:
    text: str = None
    active: object = True  # True, False, or None for all
    in_stock: bool = False
    min_price: int = None
    max_price: int = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    category_ids: tuple = None  # products in any of these categories; None: any product


def check_options(options):
    """Option names are unique (ignoring case), and so are each option's values."""
    names = [option["name"].casefold() for option in options]
    if len(set(names)) != len(names):
        raise InvalidInput({"options": ["Give each option a different name."]})
    for index, option in enumerate(options):
        values = [value.casefold() for value in option["values"]]
        if len(set(values)) != len(values):
            raise InvalidInput({"options": {str(index): {"values": ["Give each value of an option once."]}}})


def combination_problem(options, chosen):
    """What is wrong with `chosen` as a combination of the product's options, or None:
    it must name one value of each option, and nothing else."""
    allowed = {option["name"]: option["values"] for option in options}
    if set(chosen) == set(allowed) and all(chosen[name] in allowed[name] for name in chosen):
        return None
    if not allowed:
        return "This product has no options: leave them out."
    wanted = "; ".join(f"{name} ({', '.join(values)})" for name, values in allowed.items())
    return f"Choose one value of each option: {wanted}."


def in_option_order(options, chosen):
    """The combination with its values in the order the product declares its options, so
    that labels read `Size M / Colour Sand` however the request ordered its keys."""
    return {option["name"]: chosen[option["name"]] for option in options if option["name"] in chosen}


def check_variants(options, variants):
    """Each variant is one combination of the options, and no combination or SKU comes twice."""
    combinations, skus = set(), set()
    for index, variant in enumerate(variants):
        problem = combination_problem(options, variant["options"])
        key = tuple(sorted(variant["options"].items()))
        if problem is None and key in combinations:
            problem = "Another variant has these options."
        if problem:
            raise InvalidInput({"variants": {str(index): {"options": [problem]}}})
        if variant["sku"] in skus:
            raise InvalidInput({"variants": {str(index): {"sku": ["Another variant has this SKU."]}}})
        combinations.add(key)
        skus.add(variant["sku"])


def check_options_change(old, new, variants):
    """Options keep their names and order; values may be added, and removed while no
    variant uses them. (A new option would need a value in every variant at once.)"""
    check_options(new)
    if [option["name"] for option in new] != [option["name"] for option in old]:
        raise InvalidInput({"options": ["Options keep their names and order: add or remove values only."]})
    values = {option["name"]: set(option["values"]) for option in new}
    for variant in variants:
        for name, value in variant.options.items():
            if value not in values[name]:
                raise InvalidInput({"options": [f"{name} {value} is used by variant {variant.sku}: "
                                                "archive or change that variant first."]})


ARCHIVED, REACTIVATED = "archived", "reactivated"
MAX_REASON = 500  # characters of an archive's reason


def history_entry(active, now, by, reason=None):
    """A product history entry: taken off sale (archived) or put back on sale, by whom, why."""
    return {"action": REACTIVATED if active else ARCHIVED, "at": now, "by": by, "reason": reason or None}


def search_fields(name, skus, description):
    """The fields a product stores so that search finds it: its name, every SKU (one per
    variant) and its description, folded for case and accents (see search.py). Every write
    of any of these three rewrites them."""
    return search.stored_fields(name, skus, description)


def structured_data(name, description, url, offers):
    """The product page's JSON-LD: a schema.org Product with one Offer per
    (sku, price in minor units, currency, in_stock) of `offers`."""
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "description": description,
        "url": url,
        "sku": offers[0][0] if offers else None,
        "offers": [
            {"@type": "Offer", "sku": sku, "price": format_amount(price), "priceCurrency": currency,
             "availability": IN_STOCK if in_stock else OUT_OF_STOCK, "url": url}
            for sku, price, currency, in_stock in offers
        ],
    }


@dataclass
class Paging:
    """Where a page stands among the pages of a list: asked by the templates."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def past_end(self):
        """A page after the last one: the list has items, this page none."""
        return self.page > self.pages
