"""`variants`: one document per SKU, holding that SKU's stock; atomic stock updates.

A variant is the unit of stock, and its own document is the consistency
boundary: taking units is one conditional update of that document only, so
buyers racing for one variant never touch (or wait on) its siblings, and the
guard is the same as v1's on a product. (Variants inside the product document
would need the positional operator with `$elemMatch` for that update, which
neither the embedded store nor the test server supports.)

Stock changes are optimistic: the filter names the ledger sequence number that
was read (and, when taking, `stock >= quantity`), so two writers can never both
apply against the same state. The same update `$inc`s the stock and pushes the
movement into the variant's `pending` list, so that a crash before the ledger
write loses nothing: `finish_movement` (or the repair) copies it into
`stock_movements` and pulls it from `pending`.
"""
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..db import at_most, at_or_before, uninterrupted
from ..ids import object_id
from ..retries import MAX_ATTEMPTS, backoff
from .model import INITIAL, StockMovement, Variant


class StockBusy(Exception):
    """Too many concurrent writers on one variant; the caller may retry."""


class DuplicateVariant(Exception):
    """An SKU or an option combination that another variant has."""


def options_key(options):
    """One string per combination, for the unique index: `Colour=Blue|Size=M`."""
    return "|".join(f"{name}={value}" for name, value in sorted(options.items()))


def variant_doc(product_id, sku, options, price, stock, position, now, variant_id=None):
    """A new variant's document (not stored yet)."""
    return {
        "_id": ObjectId(variant_id) if variant_id else ObjectId(), "product_id": ObjectId(product_id), "sku": sku,
        "options": [{"name": name, "value": value} for name, value in options.items()],
        "options_key": options_key(options), "price": price, "stock": stock, "active": True, "position": position,
        "ledger_seq": 0, "pending": [], "created_at": now, "updated_at": now,
    }


def with_initial_stock(doc, movement):
    """The document with its first movement (the initial stock) pending in it."""
    movement = dict(movement, _id=ObjectId(), product_id=doc["product_id"], variant_id=doc["_id"], sku=doc["sku"],
                    seq=1, delta=doc["stock"], stock_after=doc["stock"])
    return dict(doc, ledger_seq=1, pending=[movement]), movement


def movement_from_doc(doc):
    return StockMovement(
        id=str(doc["_id"]), product_id=str(doc["product_id"]), variant_id=str(doc.get("variant_id", doc["product_id"])),
        sku=doc.get("sku", ""), seq=doc["seq"], delta=doc["delta"], reason=doc["reason"],
        stock_after=doc["stock_after"], created_at=doc["created_at"], order_id=doc.get("order_id"),
        actor_id=doc.get("actor_id"), note=doc.get("note", ""), refund_id=doc.get("refund_id"), stored=doc,
    )


def variant_from_doc(doc):
    return Variant(
        id=str(doc["_id"]), product_id=str(doc["product_id"]), sku=doc["sku"],
        options={pair["name"]: pair["value"] for pair in doc.get("options", [])}, price=doc["price"],
        stock=doc["stock"], active=doc["active"], position=doc.get("position", 0), created_at=doc["created_at"],
        updated_at=doc["updated_at"], ledger_seq=doc.get("ledger_seq", 0),
    )


class VariantRepository:
    def __init__(self, db):
        self.variants = db.variants

    # Reading --------------------------------------------------------------

    def get(self, variant_id):
        oid = object_id(variant_id)
        doc = self.variants.find_one({"_id": oid}, {"pending": 0}) if oid else None
        return variant_from_doc(doc) if doc else None

    def many(self, variant_ids):
        """{variant_id: Variant} of those that exist."""
        oids = [oid for oid in map(object_id, variant_ids) if oid]
        docs = self.variants.find({"_id": {"$in": oids}}, {"pending": 0})
        return {str(doc["_id"]): variant_from_doc(doc) for doc in docs}

    def docs_of(self, product_ids):
        """{product_id: [variant docs in position order]} without their pending lists."""
        oids = [ObjectId(pid) if isinstance(pid, str) else pid for pid in product_ids]
        found = {}
        for doc in self.variants.find({"product_id": {"$in": oids}}, {"pending": 0}):
            found.setdefault(str(doc["product_id"]), []).append(doc)
        for docs in found.values():
            docs.sort(key=lambda doc: (doc.get("position", 0), doc["_id"]))
        return found

    def sku_taken(self, skus):
        """The SKUs of `skus` that some variant has."""
        return {doc["sku"] for doc in self.variants.find({"sku": {"$in": list(skus)}}, {"sku": 1})}

    def product_ids_in_stock(self):
        return self.variants.distinct("product_id", {"active": True, "stock": {"$gt": 0}})

    def low_stock(self, threshold, product_ids, page, per_page):
        """Active variants of these products at or under `threshold` units, lowest first."""
        mongo_filter = {"active": True, "stock": at_most(threshold), "product_id": {"$in": list(product_ids)}}
        total = self.variants.count_documents(mongo_filter)
        docs = self.variants.find(mongo_filter, {"pending": 0}, sort=[("stock", 1), ("_id", 1)],
                                  skip=(page - 1) * per_page, limit=per_page)
        return [variant_from_doc(doc) for doc in docs], total

    # Writing the catalogue --------------------------------------------------

    @staticmethod
    def draft(product_id, sku, options, price, stock, position, now, actor_id, variant_id=None):
        """A new variant's document, not stored yet (the product lists it as pending until it is):
        its initial stock, if any, is its first movement, pending in it."""
        doc = variant_doc(product_id, sku, options, price, stock, position, now, variant_id)
        if doc["stock"]:
            doc, _ = with_initial_stock(doc, {"reason": INITIAL, "order_id": None, "actor_id": actor_id,
                                              "created_at": now})
        return doc

    @staticmethod
    def draft_id(draft):
        return str(draft["_id"])

    @staticmethod
    def pending_in(draft):
        """The movements pending in a drafted variant (its initial stock)."""
        return _pending(draft)

    def insert(self, doc):
        """Store a new variant; True if stored now, False if it was stored already (same id).
        Raises DuplicateVariant for an SKU or a combination that another variant has."""
        try:
            self.variants.insert_one(doc)
            return True
        except DuplicateKeyError:
            if self.variants.find_one({"_id": doc["_id"]}, {"_id": 1}):
                return False
            raise DuplicateVariant(doc["sku"])

    def delete_of_product(self, product_id):
        self.variants.delete_many({"product_id": object_id(product_id)})

    def update(self, variant_id, changes, now):
        """Set price, active or sku; None if there is no such variant."""
        try:
            doc = self.variants.find_one_and_update(
                {"_id": object_id(variant_id)}, {"$set": dict(changes, updated_at=now)},
                projection={"pending": 0}, return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            raise DuplicateVariant(changes.get("sku"))
        return variant_from_doc(doc) if doc else None

    # Stock ----------------------------------------------------------------

    def apply_movement(self, variant_id, delta, fields, now, seen=None):
        """Move stock by `delta` atomically. Returns (variant, pending StockMovement),
        or (variant, None) when stock would go below zero; (None, None) if no such variant.

        `seen` is the variant as the caller last read it: the first attempt trusts it,
        and the conditional update finds out if it is stale. No other thread of this process
        gets between a read here and the update guarded by it (`uninterrupted`), so only
        another process's write makes this read again more than once."""
        with uninterrupted(self.variants):
            for attempt in range(MAX_ATTEMPTS):
                if seen is None or not seen.can_serve(-delta):
                    seen = self.get(variant_id)
                    if seen is None or not seen.can_serve(-delta):
                        return seen, None
                updated, movement = self.try_movement(seen, delta, fields, now)
                if updated is not None:
                    return updated, movement
                # Another writer moved this variant's stock first: read again.
                seen = None
                if attempt:
                    backoff(attempt)
        raise StockBusy(variant_id)

    def try_movement(self, seen, delta, fields, now):
        """One conditional update: applies only if the variant is still at `seen.ledger_seq`.
        Returns (variant after, pending StockMovement), or (None, None) if it moved on."""
        oid = ObjectId(seen.id)
        movement = dict(
            fields, _id=ObjectId(), product_id=ObjectId(seen.product_id), variant_id=oid, sku=seen.sku,
            seq=seen.ledger_seq + 1, delta=delta, stock_after=seen.stock + delta, created_at=now,
        )
        guard = {"_id": oid, "ledger_seq": seen.ledger_seq, "stock": {"$gte": max(0, -delta)}}
        updated = self.variants.find_one_and_update(
            guard,
            {"$inc": {"stock": delta, "ledger_seq": 1}, "$push": {"pending": movement}, "$set": {"updated_at": now}},
            projection={"pending": 0},
            return_document=ReturnDocument.AFTER,
        )
        return (variant_from_doc(updated), movement_from_doc(movement)) if updated is not None else (None, None)

    def with_pending(self, variant_id):
        """(variant, its pending StockMovements) as stored now, or (None, [])."""
        doc = self.variants.find_one({"_id": object_id(variant_id)})
        return (variant_from_doc(doc), _pending(doc)) if doc else (None, [])

    def clear_pending(self, movement):
        """Drop a movement the ledger has recorded from its variant's pending list."""
        self.variants.update_one({"_id": object_id(movement.variant_id)},
                                 {"$pull": {"pending": {"_id": movement.stored["_id"]}}})

    def pending_movements(self, older_than):
        """Every movement not yet copied into the ledger, made at or before `older_than`."""
        for doc in self.variants.find({"pending.created_at": at_or_before(older_than)}, {"pending": 1}):
            for movement in doc["pending"]:
                if movement["created_at"] <= older_than:
                    yield movement_from_doc(movement)

    def all_stock(self):
        """(variant_id, product_id, sku, stock, pending movements) for every variant, for the audit."""
        for doc in self.variants.find({}, {"stock": 1, "pending": 1, "sku": 1, "product_id": 1}):
            yield str(doc["_id"]), str(doc["product_id"]), doc["sku"], doc["stock"], _pending(doc)


def _pending(doc):
    return [movement_from_doc(movement) for movement in doc.get("pending", [])]
