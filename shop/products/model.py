"""Products, their stock, and the ledger entries that explain every unit."""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

ADJUSTMENT_REASONS = ("restock", "correction", "damaged", "returned")
INITIAL = "initial"
ORDER_PLACED = "order_placed"
ORDER_CANCELLED = "order_cancelled"
# Stock taken for an order that then could not be placed as a whole, given back.
ORDER_REJECTED = "order_rejected"
REASONS = ADJUSTMENT_REASONS + (INITIAL, ORDER_PLACED, ORDER_CANCELLED, ORDER_REJECTED)


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
    images: list = field(default_factory=list)  # shop.images.model.Image, in position order


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
    sort: str = "-created_at"
    page: int = 1
    per_page: int = 20
    extra: dict = field(default_factory=dict)


def slugify(text):
    """`Retro Clock (Blue)` -> `retro-clock-blue`; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100].strip("-") or "product"
