"""`carts`: one document per owner, `{"owner", "items": {variant_id: quantity}}`.

Quantities are kept in a sub-document keyed by variant id (a product's only
variant has the product's id, so v1 carts read the same), so adding, setting
and removing a line are each one atomic update (`$inc`, `$set`, `$unset`).
Anonymous carts carry an `expires_at` that MongoDB's TTL index acts on.
"""
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..errors import Conflict
from ..ids import object_id

MAX_ATTEMPTS = 5


def _line_key(product_id):
    # Only an ObjectId's hex string becomes a field name: no `.` or `$` from outside.
    if object_id(product_id) is None:
        raise ValueError("not a product id")
    return f"items.{product_id}"


class CartRepository:
    def __init__(self, db):
        self.carts = db.carts

    def items(self, owner):
        """{product_id: quantity}, in the order the products were added."""
        doc = self.carts.find_one({"owner": owner}, {"items": 1})
        return dict(doc.get("items") or {}) if doc else {}

    def add(self, owner, product_id, quantity, max_quantity, now, expires_at=None):
        """Add units of a product; the line never goes above `max_quantity`."""
        key = _line_key(product_id)
        update = {"$inc": {key: quantity}, "$set": {"updated_at": now, "expires_at": expires_at}}
        # No upsert: racing upserts of one new document may fail with a duplicate key
        # on MongoDB (and came back empty on the test server). Update, else insert;
        # an insert that loses the race finds the cart on the next update.
        for _ in range(MAX_ATTEMPTS):
            doc = self.carts.find_one_and_update({"owner": owner}, update, return_document=ReturnDocument.AFTER)
            if doc is not None:
                break
            try:
                doc = {"owner": owner, "items": {product_id: quantity}, "updated_at": now, "expires_at": expires_at}
                self.carts.insert_one(doc)
                break
            except DuplicateKeyError:
                continue
        else:
            raise Conflict("The cart is being changed by many requests at once; please retry.")
        if doc["items"][product_id] > max_quantity:
            self.carts.update_one({"owner": owner, key: {"$gt": max_quantity}}, {"$set": {key: max_quantity}})

    def set_quantity(self, owner, product_id, quantity, now):
        """Change a line that is in the cart (a line it does not hold is not made)."""
        key = _line_key(product_id)
        self.carts.update_one({"owner": owner, key: {"$exists": True}}, {"$set": {key: quantity, "updated_at": now}})

    def remove(self, owner, product_id, now):
        self.carts.update_one({"owner": owner}, {"$unset": {_line_key(product_id): ""}, "$set": {"updated_at": now}})

    def remove_many(self, owner, product_ids, now):
        if product_ids:
            unset = {_line_key(product_id): "" for product_id in product_ids}
            self.carts.update_one({"owner": owner}, {"$unset": unset, "$set": {"updated_at": now}})

    def take(self, owner):
        """Delete a cart and return its items (for merging it into another)."""
        doc = self.carts.find_one_and_delete({"owner": owner})
        return dict(doc.get("items") or {}) if doc else {}
