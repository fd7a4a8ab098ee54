"""`addresses` (one document per saved address) and `address_books` (one per shopper, naming
the default): documents in, models out.

Why the default is kept apart: "exactly one default" then holds by construction. The
default is one field, `default_id`, in the shopper's one `address_books` document, so
making an address the default is one write to one document and two racing requests can
only each replace the other's choice, never leave two defaults (or a flag on each address
to clear and set in two writes). A default left naming a deleted address (a delete racing
a choice) is read as the newest address (model.default_of), so a reader always sees one.

The cap per shopper is a `slot` (0..MAX_ADDRESSES-1) unique per shopper (an index): two
racing additions cannot take the same slot, and a deleted address frees its slot with it,
so no counter can drift.
"""
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from ..ids import object_id
from .model import FIELDS, Address, BookFull, default_of, free_slot

OLDEST_FIRST = [("created_at", ASCENDING), ("_id", ASCENDING)]
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]
SLOT_RETRIES = 5


def _address(doc, default_id=None):
    return Address(id=str(doc["_id"]), user_id=doc["user_id"], created_at=doc["created_at"],
                   updated_at=doc["updated_at"], default=str(doc["_id"]) == default_id,
                   **{name: doc.get(name, "") for name in FIELDS})


class AddressRepository:
    def __init__(self, db):
        self.addresses = db.addresses
        self.books = db.address_books

    # Reading -------------------------------------------------------------

    def default_id(self, user_id):
        """The id of the shopper's default address, or None when they have none."""
        book = self.books.find_one({"_id": user_id}) or {}
        chosen = book.get("default_id")
        if chosen is not None and not self.addresses.find_one({"_id": chosen, "user_id": user_id}, {"_id": 1}):
            chosen = None  # a delete raced the choice
        newest = None if chosen else self.addresses.find_one({"user_id": user_id}, {"_id": 1}, sort=NEWEST_FIRST)
        found = default_of(chosen, newest["_id"] if newest else None)
        return str(found) if found else None

    def page(self, user_id, page, per_page):
        """(addresses in the order they were added, total), each marked whether it is the default."""
        default_id = self.default_id(user_id)
        cursor = self.addresses.find({"user_id": user_id}, sort=OLDEST_FIRST, skip=(page - 1) * per_page,
                                     limit=per_page)
        return [_address(doc, default_id) for doc in cursor], self.addresses.count_documents({"user_id": user_id})

    def get(self, user_id, address_id):
        """The shopper's address by id, or None (also for another shopper's)."""
        oid = object_id(address_id)
        doc = oid and self.addresses.find_one({"_id": oid, "user_id": user_id})
        return _address(doc, self.default_id(user_id)) if doc else None

    # Writing -------------------------------------------------------------

    def add(self, user_id, fields, now):
        """Save a new address in a free slot (BookFull when none is left); the shopper's first
        address becomes the default. The address, as stored."""
        for _ in range(SLOT_RETRIES):
            used = {doc["slot"] for doc in self.addresses.find({"user_id": user_id}, {"slot": 1})}
            doc = {"_id": ObjectId(), "user_id": user_id, "slot": free_slot(used), "line2": "", **fields,
                   "created_at": now, "updated_at": now}
            try:
                self.addresses.insert_one(doc)
            except DuplicateKeyError:
                continue  # a racing addition took that slot: look again
            self._default_if_none(user_id, doc["_id"])
            return self.get(user_id, str(doc["_id"]))
        raise BookFull()

    def _default_if_none(self, user_id, address_oid):
        """`address_oid` becomes the default unless one of the shopper's other addresses is."""
        others = [doc["_id"] for doc in self.addresses.find({"user_id": user_id, "_id": {"$ne": address_oid}},
                                                            {"_id": 1})]
        self._ensure_book(user_id)
        self.books.update_one({"_id": user_id, "default_id": {"$nin": others}}, {"$set": {"default_id": address_oid}})

    def _ensure_book(self, user_id):
        try:
            self.books.update_one({"_id": user_id}, {"$setOnInsert": {"default_id": None}}, upsert=True)
        except DuplicateKeyError:
            pass  # a racing request made it: it exists, as wanted

    def make_default(self, user_id, address_id):
        """Make one of the shopper's addresses the default (the previous one no longer is)."""
        self._ensure_book(user_id)
        self.books.update_one({"_id": user_id}, {"$set": {"default_id": ObjectId(address_id)}})

    def update(self, user_id, address_id, changes, now):
        """Set `changes` on the shopper's address; the address after, or None if it is not theirs."""
        oid = object_id(address_id)
        if oid is None:
            return None
        if changes:
            result = self.addresses.update_one({"_id": oid, "user_id": user_id},
                                               {"$set": dict(changes, updated_at=now)})
            if result.matched_count == 0:
                return None
        return self.get(user_id, address_id)

    def delete(self, user_id, address_id):
        """Delete the shopper's address (False if it is not theirs). When it was the default,
        the newest remaining address becomes the default."""
        oid = object_id(address_id)
        if oid is None or self.addresses.delete_one({"_id": oid, "user_id": user_id}).deleted_count == 0:
            return False
        newest = self.addresses.find_one({"user_id": user_id}, {"_id": 1}, sort=NEWEST_FIRST)
        self.books.update_one({"_id": user_id, "default_id": oid},
                              {"$set": {"default_id": newest["_id"] if newest else None}})
        return True
