"""Start-up migration from v1: every product gets its default variant and ledger.

A v1 product document holds its own `sku`, `price`, `stock`, `ledger_seq` and
`pending` movements. Its default variant takes them over, with the product's id
as its own id, so that v1 carts, order lines and clients keep meaning the same
thing. Per product, in an order that a crash (or another process migrating at
the same time) can repeat:

1. insert the variant (a duplicate id means it was inserted before: its stock,
   which orders may have moved since, is never overwritten);
2. give the product's ledger entries the variant's id and SKU;
3. drop the moved fields from the product and write its summary.

The product keeps its v1 fields until step 3, so an interrupted migration is
found again by the same query. Run this with every v1 process stopped: they
would still write the product's `stock`.
"""
from pymongo.errors import DuplicateKeyError

from .repository import summary

V1_FIELDS = {"sku": "", "price": "", "stock": "", "ledger_seq": "", "pending": ""}


def give_products_variants(db):
    """Migrate every v1 product; returns how many were migrated now. Safe to repeat."""
    migrated = 0
    for product in db.products.find({"stock": {"$exists": True}}):
        variant = _default_variant(product)
        try:
            db.variants.insert_one(variant)
        except DuplicateKeyError:
            variant = db.variants.find_one({"_id": product["_id"]})
        db.stock_movements.update_many({"product_id": product["_id"], "variant_id": {"$exists": False}},
                                       {"$set": {"variant_id": product["_id"], "sku": product["sku"]}})
        db.products.update_one(
            {"_id": product["_id"], "stock": {"$exists": True}},
            {"$set": {"options": [], **summary([variant])}, "$unset": V1_FIELDS},
        )
        migrated += 1
    return migrated


def _default_variant(product):
    pending = [dict(movement, variant_id=product["_id"], sku=product["sku"]) for movement in product.get("pending", [])]
    return {
        "_id": product["_id"], "product_id": product["_id"], "sku": product["sku"], "options": [], "options_key": "",
        "price": product["price"], "stock": product["stock"], "active": True, "position": 0,
        "ledger_seq": product.get("ledger_seq", 0), "pending": pending,
        "created_at": product["created_at"], "updated_at": product["updated_at"],
    }
