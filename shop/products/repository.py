"""`products` and `stock_movements`: documents in, models out, atomic stock updates.

Stock changes are optimistic, single-document updates: the filter names the
ledger sequence number that was read (and, when taking, `stock >= quantity`),
so two writers can never both apply against the same state. The same update
`$inc`s the stock and pushes the movement into the product's `pending` list,
so that a crash before the ledger write loses nothing: `finish_pending` (or the
repair command) copies it into `stock_movements` and pulls it from `pending`.
"""
import random
import time

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..db import at_most, at_or_before
from ..errors import Conflict
from ..ids import object_id
from . import search as text_search
from .model import Product, StockMovement, search_fields

SORTS = {
    "name": [("sort_name", 1), ("_id", 1)],
    "-name": [("sort_name", -1), ("_id", -1)],
    "price": [("price", 1), ("_id", 1)],
    "-price": [("price", -1), ("_id", -1)],
    "-created_at": [("created_at", -1), ("_id", -1)],
}
# Best match first: products whose name holds every word, then the others, each newest first.
# Without search words every product is a best match, so it is the newest first.
SORTS["relevance"] = SORTS["-created_at"]
# What a product's write must keep in step with its search fields and its slug history.
_TEXT_FIELDS = ("name", "sku", "description", "slug")
MAX_ATTEMPTS = 200


def _text_clause(words):
    """Products holding every word in their folded text: narrowed by the trigram index, then
    matched literally (search.py)."""
    clause = {"search_text": {"$regex": text_search.all_words_pattern(words)}}
    grams = text_search.query_grams(words)
    if grams:
        clause["search_grams"] = {"$all": grams}
    return clause


class StockBusy(Exception):
    """Too many concurrent writers on one product; the caller may retry."""


def backoff(attempt):
    """A short random pause before retrying an update that lost a race."""
    time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))


def _product(doc):
    if doc is None:
        return None
    return Product(
        id=str(doc["_id"]), sku=doc["sku"], slug=doc["slug"], name=doc["name"],
        description=doc.get("description", ""), price=doc["price"], currency=doc["currency"],
        stock=doc["stock"], active=doc["active"], created_at=doc["created_at"], updated_at=doc["updated_at"],
        ledger_seq=doc.get("ledger_seq", 0),
    )


def movement_from_doc(doc):
    return StockMovement(
        id=str(doc["_id"]), product_id=str(doc["product_id"]), seq=doc["seq"], delta=doc["delta"],
        reason=doc["reason"], stock_after=doc["stock_after"], created_at=doc["created_at"],
        order_id=doc.get("order_id"), actor_id=doc.get("actor_id"), note=doc.get("note", ""),
    )


class ProductRepository:
    def __init__(self, db):
        self.products = db.products

    def add(self, fields, initial_movement=None):
        """Insert a product; with stock, its first movement is pending in the same write."""
        doc = dict(fields, _id=ObjectId(), sort_name=fields["name"].lower(), ledger_seq=0, pending=[])
        doc.update(search_fields(fields["name"], [fields["sku"]], fields.get("description", "")))
        movement = None
        if initial_movement:
            movement = dict(
                initial_movement, _id=ObjectId(), product_id=doc["_id"], seq=1, stock_after=fields["stock"]
            )
            doc.update(ledger_seq=1, pending=[movement])
        self._take_old_slug(fields["slug"])
        try:
            self.products.insert_one(doc)
        except DuplicateKeyError:
            raise self._duplicate(fields)
        return _product(doc), movement

    def _take_old_slug(self, slug):
        """A product taking `slug` wins it: no other product keeps it as a previous slug."""
        self.products.update_many({"old_slugs": slug}, {"$pull": {"old_slugs": slug}})

    def _duplicate(self, fields):
        details = {}
        if self.products.find_one({"sku": fields["sku"]}, {"_id": 1}):
            details["sku"] = ["A product with this SKU exists."]
        if self.products.find_one({"slug": fields["slug"]}, {"_id": 1}):
            details["slug"] = ["A product with this slug exists."]
        return Conflict("A product with this SKU or slug exists.", details)

    def count(self):
        return self.products.count_documents({})

    def get(self, product_id):
        oid = object_id(product_id)
        return _product(self.products.find_one({"_id": oid})) if oid else None

    def by_slug(self, slug):
        return _product(self.products.find_one({"slug": slug}))

    def by_old_slug(self, slug):
        """The product that last had `slug` before it changed, or None."""
        return _product(self.products.find_one({"old_slugs": slug}))

    def slug_taken(self, slug):
        return self.products.find_one({"slug": slug}, {"_id": 1}) is not None

    def many(self, product_ids):
        oids = [oid for oid in map(object_id, product_ids) if oid]
        return {p.id: p for p in map(_product, self.products.find({"_id": {"$in": oids}}))}

    def search(self, query):
        """A page of products matching `query`, and how many match in all."""
        mongo_filter = {}
        if query.active is not None:
            mongo_filter["active"] = query.active
        if query.in_stock:
            mongo_filter["stock"] = {"$gt": 0}
        price = {}
        if query.min_price is not None:
            price["$gte"] = query.min_price
        if query.max_price is not None:
            price.update(at_most(query.max_price))
        if price:
            mongo_filter["price"] = price
        words = text_search.words(query.text)
        if words:
            mongo_filter.update(_text_clause(words))
            if query.sort == "relevance":
                return self._by_relevance(mongo_filter, words, query.page, query.per_page)
        return self._page(mongo_filter, SORTS[query.sort], (query.page - 1) * query.per_page, query.per_page)

    def _page(self, mongo_filter, sort, skip, limit):
        total = self.products.count_documents(mongo_filter)
        docs = self.products.find(mongo_filter, sort=sort, skip=skip, limit=limit) if skip < total else []
        return [_product(doc) for doc in docs], total

    def _by_relevance(self, mongo_filter, words, page, per_page):
        """Products whose name holds every word, then the rest, each newest first: two lists
        read as one, so a page may end the first and begin the second."""
        pattern = text_search.all_words_pattern(words)
        in_name = dict(mongo_filter, search_name={"$regex": pattern})
        elsewhere = dict(mongo_filter, search_name={"$not": {"$regex": pattern}})
        start = (page - 1) * per_page
        first, in_name_total = self._page(in_name, SORTS["-created_at"], start, per_page)
        if len(first) == per_page:  # the page is full of best matches: count the rest only
            return first, in_name_total + self.products.count_documents(elsewhere)
        skip = max(0, start - in_name_total)
        rest, rest_total = self._page(elsewhere, SORTS["-created_at"], skip, per_page - len(first))
        return first + rest, in_name_total + rest_total

    def low_stock(self, threshold, page, per_page):
        mongo_filter = {"active": True, "stock": at_most(threshold)}
        total = self.products.count_documents(mongo_filter)
        docs = self.products.find(
            mongo_filter, sort=[("stock", 1), ("_id", 1)], skip=(page - 1) * per_page, limit=per_page
        )
        return [_product(doc) for doc in docs], total

    def update(self, product_id, changes, now):
        """Apply `changes` (name, description, price, active, slug), keeping the search fields
        and the slug history in step: computed from the product as read, and written only if
        its text is still that (another writer's change makes this one read again)."""
        oid = object_id(product_id)
        for attempt in range(MAX_ATTEMPTS):
            current = self.products.find_one({"_id": oid}, {field: 1 for field in _TEXT_FIELDS})
            if current is None:
                return None
            guard = {"_id": oid, **{field: current.get(field) for field in _TEXT_FIELDS}}
            update = {"$set": self._changed(current, changes, now)}
            slug = changes.get("slug", current["slug"])
            if slug != current["slug"]:
                self._take_old_slug(slug)
                update["$addToSet"] = {"old_slugs": current["slug"]}
            try:
                doc = self.products.find_one_and_update(guard, update, return_document=ReturnDocument.AFTER)
            except DuplicateKeyError:
                raise Conflict("A product with this slug exists.", {"slug": ["A product with this slug exists."]})
            if doc is not None:
                return _product(doc)
            backoff(attempt)
        raise Conflict("This product is being changed by many requests at once; please retry.")

    @staticmethod
    def _changed(current, changes, now):
        changes = dict(changes, updated_at=now)
        if "name" in changes:
            changes["sort_name"] = changes["name"].lower()
        if "name" in changes or "description" in changes:
            text = {field: changes.get(field, current.get(field)) for field in ("name", "description")}
            changes.update(search_fields(text["name"], [current["sku"]], text["description"] or ""))
        return changes

    def backfill_search_fields(self):
        """Give every product stored without search fields (or folded by an older rule) its
        fields; returns how many it wrote. Safe to re-run, and from several processes at once:
        each write names the text it was folded from, so it never overwrites a newer one."""
        written = 0
        stale = {"search_version": {"$ne": text_search.SEARCH_VERSION}}
        for doc in self.products.find(stale, {"name": 1, "sku": 1, "description": 1}):
            guard = dict(stale, _id=doc["_id"], name=doc["name"], sku=doc["sku"], description=doc.get("description"))
            fields = search_fields(doc["name"], [doc["sku"]], doc.get("description") or "")
            written += self.products.update_one(guard, {"$set": fields}).modified_count
        return written

    def apply_movement(self, product_id, delta, fields, now, seen=None):
        """Move stock by `delta` atomically. Returns (product, pending movement doc),
        or (product, None) when stock would go below zero; (None, None) if no such product.

        `seen` is the product as the caller last read it: the first attempt trusts it,
        and the conditional update finds out if it is stale."""
        oid = object_id(product_id)
        for attempt in range(MAX_ATTEMPTS):
            if seen is None or seen.stock + delta < 0:
                seen = _product(self.products.find_one({"_id": oid}, {"pending": 0}))
                if seen is None or seen.stock + delta < 0:
                    return seen, None
            updated, movement = self.try_movement(seen, delta, fields, now)
            if updated is not None:
                return updated, movement
            # Another writer moved this product's stock first: read again.
            seen = None
            backoff(attempt)
        raise StockBusy(product_id)

    def try_movement(self, seen, delta, fields, now):
        """One conditional update: applies only if the product is still at `seen.ledger_seq`.
        Returns (product after, pending movement doc), or (None, None) if it moved on."""
        oid = object_id(seen.id)
        movement = dict(
            fields, _id=ObjectId(), product_id=oid, seq=seen.ledger_seq + 1,
            delta=delta, stock_after=seen.stock + delta, created_at=now,
        )
        guard = {"_id": oid, "ledger_seq": seen.ledger_seq, "stock": {"$gte": max(0, -delta)}}
        updated = self.products.find_one_and_update(
            guard,
            {"$inc": {"stock": delta, "ledger_seq": 1}, "$push": {"pending": movement},
             "$set": {"updated_at": now}},
            projection={"pending": 0},
            return_document=ReturnDocument.AFTER,
        )
        return (_product(updated), movement) if updated is not None else (None, None)

    def with_pending(self, product_id):
        """(product, its pending movement docs) as stored now, or (None, [])."""
        doc = self.products.find_one({"_id": object_id(product_id)})
        return (_product(doc), doc.get("pending", [])) if doc else (None, [])

    def clear_pending(self, product_id, movement_id):
        self.products.update_one(
            {"_id": object_id(str(product_id))}, {"$pull": {"pending": {"_id": movement_id}}}
        )

    def pending_movements(self, older_than):
        """(product_id, movement doc) for every movement not yet copied into the ledger."""
        for doc in self.products.find({"pending.created_at": at_or_before(older_than)}, {"pending": 1}):
            for movement in doc["pending"]:
                if movement["created_at"] <= older_than:
                    yield str(doc["_id"]), movement

    def all_stock(self):
        """(product_id, stock, pending movements) for every product, for the audit."""
        for doc in self.products.find({}, {"stock": 1, "pending": 1, "sku": 1}):
            yield str(doc["_id"]), doc["sku"], doc["stock"], doc.get("pending", [])


class LedgerRepository:
    """`stock_movements`: the append-only ledger. Each entry is written once."""

    def __init__(self, db):
        self.movements = db.stock_movements

    def record(self, movement):
        try:
            self.movements.insert_one(dict(movement))
        except DuplicateKeyError:
            pass  # already recorded (a retry, or the repair command got there first)
        return movement_from_doc(movement)

    def for_product(self, product_id, page, per_page):
        mongo_filter = {"product_id": object_id(product_id)}
        total = self.movements.count_documents(mongo_filter)
        docs = self.movements.find(
            mongo_filter, sort=[("seq", -1)], skip=(page - 1) * per_page, limit=per_page
        )
        return [movement_from_doc(doc) for doc in docs], total

    def net_for_order(self, order_id, product_id, excluding=()):
        """The sum of the recorded deltas of `order_id` on this product, leaving out
        the movement ids in `excluding` (those the caller counts from `pending`)."""
        docs = self.movements.find({"order_id": order_id, "product_id": object_id(product_id)}, {"delta": 1})
        return sum(doc["delta"] for doc in docs if doc["_id"] not in excluding)

    def nonzero_order_nets(self):
        """{(order_id, product_id): net delta} for every order whose movements on a
        product do not sum to zero, for the audit."""
        groups = self.movements.aggregate([
            {"$match": {"order_id": {"$type": "string"}}},
            {"$group": {"_id": {"order": "$order_id", "product": "$product_id"}, "net": {"$sum": "$delta"}}},
            {"$match": {"net": {"$ne": 0}}},
        ])
        return {(group["_id"]["order"], str(group["_id"]["product"])): group["net"] for group in groups}

    def has(self, movement_id):
        return self.movements.find_one({"_id": movement_id}, {"_id": 1}) is not None

    def sum_by_product(self):
        """{product_id: sum of deltas} over the whole ledger, for the audit."""
        groups = self.movements.aggregate([{"$group": {"_id": "$product_id", "total": {"$sum": "$delta"}}}])
        return {str(group["_id"]): group["total"] for group in groups}
