"""`products`: documents in, models out; a product's variants come with it.

A product document holds what is shared by its variants (name, slug, options)
and a summary of them for the catalogue's filters and sorts (`price_min`,
`price_max`, `variant_prices`, `skus`). Each variant, with its stock, is its
own document (variant_repository.py). A write that changes variants first marks the
summary stale (and lists variants about to be inserted in `pending_variants`),
so that a crash between the writes leaves the repair something to finish.
"""
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..db import at_most, at_or_before
from ..errors import Conflict
from ..ids import object_id
from .image_repository import images_from_doc
from . import search as text_search
from .model import Product, history_entry, search_fields
from .variant_repository import MAX_ATTEMPTS, VariantRepository, backoff, movement_from_doc, variant_from_doc

SORTS = {
    "name": [("sort_name", 1), ("_id", 1)],
    "-name": [("sort_name", -1), ("_id", -1)],
    "price": [("price_min", 1), ("_id", 1)],
    "-price": [("price_max", -1), ("_id", -1)],
    "-created_at": [("created_at", -1), ("_id", -1)],
}
# Best match first: products whose name holds every word, then the others, each newest first.
# Without search words every product is a best match, so it is the newest first.
SORTS["relevance"] = SORTS["-created_at"]
# What a product read takes: what `_product` makes the model of, and nothing else. The search
# fields (a hundred trigrams per product) and the summaries serve only filters and sorts, and
# copying them was most of what reading a page of products cost.
_READ = dict.fromkeys(("slug", "name", "description", "currency", "active", "created_at", "updated_at", "options",
                       "category_ids", "images", "pending_variants"), 1)
# What a product's write must keep in step with its search fields and its slug history.
_TEXT_FIELDS = ("name", "skus", "description", "slug")


def _text_clause(words):
    """Products holding every word in their folded text: narrowed by the trigram index, then
    matched literally (search.py)."""
    clause = {"search_text": {"$regex": text_search.all_words_pattern(words)}}
    grams = text_search.query_grams(words)
    if grams:
        clause["search_grams"] = {"$all": grams}
    return clause


def _product(doc, variant_docs):
    """The model, with its variants: those stored, then those still pending (being created)."""
    if doc is None:
        return None
    stored = {d["_id"] for d in variant_docs}
    docs = list(variant_docs) + [d for d in doc.get("pending_variants", []) if d["_id"] not in stored]
    return Product(
        id=str(doc["_id"]), slug=doc["slug"], name=doc["name"], description=doc.get("description", ""),
        currency=doc["currency"], active=doc["active"], created_at=doc["created_at"], updated_at=doc["updated_at"],
        options=doc.get("options", []), variants=[variant_from_doc(d) for d in docs],
        category_ids=doc.get("category_ids", []), images=images_from_doc(doc),
    )


def summary(variant_docs):
    """What the catalogue filters and sorts by, from the variants' documents."""
    on_sale = [d for d in variant_docs if d["active"]] or list(variant_docs)
    prices = [d["price"] for d in on_sale] or [0]
    return {"price_min": min(prices), "price_max": max(prices),
            "variant_prices": sorted({d["price"] for d in variant_docs if d["active"]}),
            "skus": [d["sku"] for d in variant_docs]}


class ProductRepository:
    def __init__(self, db):
        self.products = db.products
        self.variants = VariantRepository(db)

    def _with_variants(self, docs):
        docs = list(docs)
        variants = self.variants.docs_of([doc["_id"] for doc in docs])
        return [_product(doc, variants.get(str(doc["_id"]), [])) for doc in docs]

    def _one(self, doc):
        return self._with_variants([doc])[0] if doc else None

    def new_id(self):
        return str(ObjectId())

    def add(self, fields, variant_docs):
        """Insert a product whose variants are still to be stored (`pending_variants`). It is
        stored off sale until they are (`refresh` puts it on sale if it is to be), so that no
        shopper sees, or orders from, a product that is half made."""
        doc = dict(fields, _id=ObjectId(fields["_id"]), sort_name=fields["name"].lower(),
                   pending_variants=variant_docs, active=False, active_when_created=fields["active"],
                   summary_stale_since=fields["created_at"], **summary(variant_docs))
        doc.update(search_fields(fields["name"], doc["skus"], fields.get("description", "")))
        self._take_old_slug(fields["slug"])
        try:
            self.products.insert_one(doc)
        except DuplicateKeyError:
            raise Conflict("A product with this slug exists.", {"slug": ["A product with this slug exists."]})
        return str(doc["_id"])

    def delete(self, product_id):
        self.products.delete_one({"_id": object_id(product_id)})

    def being_created(self, product_id):
        return self.products.find_one({"_id": object_id(product_id), "active_when_created": {"$exists": True}},
                                      {"_id": 1}) is not None

    def drop_pending_variant(self, product_id, draft):
        """Take a drafted variant (VariantRepository.draft) off the product's pending list."""
        self.products.update_one({"_id": object_id(product_id)},
                                 {"$pull": {"pending_variants": {"_id": draft["_id"]}}})

    def _take_old_slug(self, slug):
        """A product taking `slug` wins it: no other product keeps it as a previous slug."""
        self.products.update_many({"old_slugs": slug}, {"$pull": {"old_slugs": slug}})

    def count(self):
        return self.products.count_documents({})

    def get(self, product_id):
        oid = object_id(product_id)
        return self._one(self.products.find_one({"_id": oid}, _READ)) if oid else None

    def by_slug(self, slug):
        return self._one(self.products.find_one({"slug": slug}, _READ))

    def by_old_slug(self, slug):
        """The product that last had `slug` before it changed, or None."""
        return self._one(self.products.find_one({"old_slugs": slug}, _READ))

    def slug_taken(self, slug):
        return self.products.find_one({"slug": slug}, {"_id": 1}) is not None

    def all(self):
        """Every product, archived ones too, oldest first, with its variants (the CSV export
        and import read the whole catalogue: hundreds of products)."""
        products = self._with_variants(self.products.find({}, _READ))
        return sorted(products, key=lambda product: (product.created_at, product.id))

    def many(self, product_ids):
        oids = [oid for oid in map(object_id, product_ids) if oid]
        return {p.id: p for p in self._with_variants(self.products.find({"_id": {"$in": oids}}, _READ))}

    def search(self, query):
        """A page of products matching `query`, and how many match in all."""
        mongo_filter = {}
        if query.active is not None:
            mongo_filter["active"] = query.active
        if query.in_stock:
            mongo_filter["_id"] = {"$in": self.variants.product_ids_in_stock()}
        price = {}
        if query.min_price is not None:
            price["$gte"] = query.min_price
        if query.max_price is not None:
            price.update(at_most(query.max_price))
        if price:  # any variant on sale at a price in the range
            mongo_filter["variant_prices"] = {"$elemMatch": price}
        if query.category_ids is not None:
            mongo_filter["category_ids"] = {"$in": list(query.category_ids)}
        words = text_search.words(query.text)
        if words:
            mongo_filter.update(_text_clause(words))
            if query.sort == "relevance":
                return self._by_relevance(mongo_filter, words, query.page, query.per_page)
        return self._page(mongo_filter, SORTS[query.sort], (query.page - 1) * query.per_page, query.per_page)

    def _page(self, mongo_filter, sort, skip, limit):
        total = self.products.count_documents(mongo_filter)
        docs = self.products.find(mongo_filter, _READ, sort=sort, skip=skip, limit=limit) if skip < total else []
        return self._with_variants(docs), total

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

    def newest_in_stock(self, limit):
        """The `limit` newest products on sale with units in stock (the front page's), read
        newest first a few pages at a time: the cost follows the page, not the catalogue, as the
        `in_stock` filter's list of every product in stock does not."""
        found, skip, batch = [], 0, limit * 3
        while len(found) < limit:
            docs = list(self.products.find({"active": True}, _READ, sort=SORTS["-created_at"], skip=skip, limit=batch))
            found += [product for product in self._with_variants(docs) if product.in_stock]
            if len(docs) < batch:
                break
            skip += batch
        return found[:limit]

    def active_ids(self):
        return self.products.distinct("_id", {"active": True})

    def count_in_category(self, category_id):
        """Products in the category, archived ones too."""
        return self.products.count_documents({"category_ids": category_id})

    def remove_category(self, category_id, now):
        """Take a deleted category out of every product still in it."""
        self.products.update_many({"category_ids": category_id},
                                  {"$pull": {"category_ids": category_id}, "$set": {"updated_at": now}})

    def remove_categories(self, product_id, category_ids, now):
        doc = self.products.find_one_and_update(
            {"_id": object_id(product_id)},
            {"$pull": {"category_ids": {"$in": category_ids}}, "$set": {"updated_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return self._one(doc)

    def update(self, product_id, changes, now, by=None, reason=None):
        """Apply `changes` (name, description, price, active, slug), keeping the search fields
        and the slug history in step: computed from the product as read, and written only if
        its text is still that (another writer's change makes this one read again). A change
        of `active` is kept in the product's `history` by the same write (`by`, `reason`)."""
        oid = object_id(product_id)
        for attempt in range(MAX_ATTEMPTS):
            current = self.products.find_one({"_id": oid}, {field: 1 for field in (*_TEXT_FIELDS, "active")})
            if current is None:
                return None
            guard = {"_id": oid, **{field: current.get(field) for field in _TEXT_FIELDS}}
            update = {"$set": self._changed(current, changes, now)}
            if "active" in changes and changes["active"] != current["active"]:
                guard["active"] = current["active"]  # two racing archives record one
                update["$push"] = {"history": history_entry(changes["active"], now, by, reason)}
            slug = changes.get("slug", current["slug"])
            if slug != current["slug"]:
                self._take_old_slug(slug)
                update["$addToSet"] = {"old_slugs": current["slug"]}
            try:
                doc = self.products.find_one_and_update(guard, update, return_document=ReturnDocument.AFTER)
            except DuplicateKeyError:
                raise Conflict("A product with this slug exists.", {"slug": ["A product with this slug exists."]})
            if doc is not None:
                return self._one(doc)
            backoff(attempt)
        raise Conflict("This product is being changed by many requests at once; please retry.")

    def history(self, product_id):
        """The product's archive and re-activation history, oldest first (never part of a
        product read: only the back office's product page shows it)."""
        doc = self.products.find_one({"_id": object_id(product_id)}, {"history": 1})
        return (doc or {}).get("history", [])

    @staticmethod
    def _changed(current, changes, now):
        changes = dict(changes, updated_at=now)
        if "name" in changes:
            changes["sort_name"] = changes["name"].lower()
        if "name" in changes or "description" in changes:
            text = {field: changes.get(field, current.get(field)) for field in ("name", "description")}
            changes.update(search_fields(text["name"], current.get("skus") or [], text["description"] or ""))
        return changes

    def backfill_search_fields(self):
        """Give every product stored without search fields (or folded by an older rule) its
        fields; returns how many it wrote. Safe to re-run, and from several processes at once:
        each write names the text it was folded from, so it never overwrites a newer one."""
        written = 0
        stale = {"search_version": {"$ne": text_search.SEARCH_VERSION}}
        for doc in self.products.find(stale, {"name": 1, "skus": 1, "description": 1}):
            guard = dict(stale, _id=doc["_id"], name=doc["name"], skus=doc.get("skus"),
                         description=doc.get("description"))
            fields = search_fields(doc["name"], doc.get("skus") or [], doc.get("description") or "")
            written += self.products.update_one(guard, {"$set": fields}).modified_count
        return written

    # Keeping the summary true to the variants ---------------------------------

    def mark_changing(self, product_id, now, new_variant=None):
        """Before a variant write: the summary is stale until `refresh` (and the new variant,
        if any, is listed so that the product shows it and the repair can store it)."""
        update = {"$set": {"summary_stale_since": now}}
        if new_variant is not None:
            update["$push"] = {"pending_variants": new_variant}
        self.products.update_one({"_id": object_id(product_id)}, update)

    def refresh(self, product_id):
        """Recompute the summary from the stored variants; drop pending variants now stored."""
        oid = object_id(product_id)
        doc = self.products.find_one({"_id": oid}, {"summary_stale_since": 1, "active_when_created": 1, "name": 1,
                                                    "description": 1})
        if doc is None:
            return
        variant_docs = self.variants.docs_of([oid]).get(str(oid), [])
        stored = [d["_id"] for d in variant_docs]
        fields = summary(variant_docs)
        # The SKUs are searched too: folded with the name and description read, and written
        # only if those are still the same (a racing edit folds the new SKUs itself).
        fields.update(search_fields(doc["name"], fields["skus"], doc.get("description") or ""))
        update = {"$set": fields, "$pull": {"pending_variants": {"_id": {"$in": stored}}}}
        guard = {"_id": oid, "name": doc["name"], "description": doc.get("description")}
        if "summary_stale_since" in doc:  # a write that marked it since this read keeps it marked
            guard["summary_stale_since"] = doc["summary_stale_since"]
            update["$unset"] = {"summary_stale_since": ""}
        if "active_when_created" in doc:  # a new product: on sale now, if it is to be
            update["$set"]["active"] = doc["active_when_created"]
            update.setdefault("$unset", {})["active_when_created"] = ""
        self.products.update_one(guard, update)

    def unfinished(self, older_than):
        """(product id, pending variant docs) of products whose variant writes did not finish."""
        for doc in self.products.find({"summary_stale_since": at_or_before(older_than)}, {"pending_variants": 1}):
            yield str(doc["_id"]), doc.get("pending_variants", [])


class LedgerRepository:
    """`stock_movements`: the append-only ledger. Each entry is written once."""

    def __init__(self, db):
        self.movements = db.stock_movements

    def record(self, movement):
        """Copy a pending StockMovement into the ledger, as it was stored in its variant."""
        try:
            self.movements.insert_one(dict(movement.stored))
        except DuplicateKeyError:
            pass  # already recorded (a retry, or the repair command got there first)
        return movement

    def for_variants(self, variant_ids, page, per_page):
        mongo_filter = {"variant_id": {"$in": [object_id(v) for v in variant_ids]}}
        total = self.movements.count_documents(mongo_filter)
        docs = self.movements.find(
            mongo_filter, sort=[("created_at", -1), ("seq", -1), ("_id", -1)], skip=(page - 1) * per_page,
            limit=per_page
        )
        return [movement_from_doc(doc) for doc in docs], total

    def net_for_order(self, order_id, variant_id, excluding=()):
        """The sum of the recorded deltas of `order_id` on this variant, leaving out
        the movement ids in `excluding` (those the caller counts from `pending`)."""
        docs = self.movements.find({"order_id": order_id, "variant_id": object_id(variant_id)}, {"delta": 1})
        return sum(doc["delta"] for doc in docs if str(doc["_id"]) not in excluding)

    def nonzero_order_nets(self):
        """{(order_id, variant_id): net delta} for every order whose movements on a
        variant do not sum to zero, for the audit."""
        groups = self.movements.aggregate([
            {"$match": {"order_id": {"$type": "string"}}},
            {"$group": {"_id": {"order": "$order_id", "variant": "$variant_id"}, "net": {"$sum": "$delta"}}},
            {"$match": {"net": {"$ne": 0}}},
        ])
        return {(group["_id"]["order"], str(group["_id"]["variant"])): group["net"] for group in groups}

    def has_return(self, order_id, variant_id, refund_id):
        """Whether the units of this refund of `order_id` came back to this variant."""
        return self.movements.find_one({"order_id": order_id, "variant_id": object_id(variant_id),
                                        "refund_id": refund_id}, {"_id": 1}) is not None

    def has(self, movement):
        return self.movements.find_one({"_id": movement.stored["_id"]}, {"_id": 1}) is not None

    def sum_by_variant(self):
        """{variant_id: sum of deltas} over the whole ledger, for the audit."""
        groups = self.movements.aggregate([{"$group": {"_id": "$variant_id", "total": {"$sum": "$delta"}}}])
        return {str(group["_id"]): group["total"] for group in groups}
