"""Products, their stock, and the ledger entries that explain every unit."""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from ..money import format_amount
from . import search

ADJUSTMENT_REASONS = ("restock", "correction", "damaged", "returned")
INITIAL = "initial"
ORDER_PLACED = "order_placed"
ORDER_CANCELLED = "order_cancelled"
# Stock taken for an order that then could not be placed as a whole, given back.
ORDER_REJECTED = "order_rejected"
REASONS = ADJUSTMENT_REASONS + (INITIAL, ORDER_PLACED, ORDER_CANCELLED, ORDER_REJECTED)
FEW_LEFT = 5  # at or under this, product pages say how many are left
IN_STOCK, OUT_OF_STOCK = "https://schema.org/InStock", "https://schema.org/OutOfStock"


@dataclass
class Product:
    id: str
    sku: str
    slug: str
    name: str
    description: str
    price: int
    currency: str
    stock: int
    active: bool
    created_at: datetime
    updated_at: datetime
    # How many stock movements the product has had: the version each stock update checks.
    ledger_seq: int = 0

    @property
    def few_left(self):
        """Units to show as "Only N left": the stock when it is 5 or fewer (and some), else None."""
        return self.stock if 0 < self.stock <= FEW_LEFT else None

    def offers(self):
        """What is on sale, one (sku, price, currency, in_stock) per variant: today the one."""
        return [(self.sku, self.price, self.currency, self.active and self.stock > 0)]


@dataclass
class StockMovement:
    id: str
    product_id: str
    seq: int
    delta: int
    reason: str
    stock_after: int
    created_at: datetime
    order_id: str = None
    actor_id: str = None
    note: str = ""


@dataclass
class Shortage:
    """A line that stock cannot serve, as the 409 `insufficient_stock` reports it."""

    product_id: str
    requested: int
    available: int

    def as_dict(self):
        return {"product_id": self.product_id, "requested": self.requested, "available": self.available}


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
    extra: dict = field(default_factory=dict)


def slugify(text):
    """`Retro Clock (Blue)` -> `retro-clock-blue`; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100].strip("-") or "product"


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
