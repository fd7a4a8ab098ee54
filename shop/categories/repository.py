"""`categories` and `category_tree`: documents in, models out, and the tree's change log.

Moving a category and deleting one change the tree's shape, and whether such a
change is allowed (no loop, not too deep, no subcategories) depends on other
categories than the one written. So these changes go one at a time through a
log of one document, `category_tree` (`{"_id": "tree", "version", "pending"}`):
a change is checked against the tree as read at `version`, then claimed by one
conditional update that bumps `version` and stores the change as `pending`,
then applied, then cleared. A racing change fails its claim and is checked
again; a change left pending (its process died, or stalled) is applied by the
next one before it reads the tree. Applying is safe to repeat: a move only
writes a category still older than the change (`tree_seq`), and a delete
deletes an id that is never used again.
"""
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from ..errors import Conflict
from ..ids import object_id
from .model import Category

TREE = "tree"
DUPLICATE_SLUG = "A category with this slug exists: choose another slug."


class DuplicateSlug(Exception):
    """The slug is taken (the caller decides: 409, or another slug)."""


def _category(doc):
    if doc is None:
        return None
    return Category(id=str(doc["_id"]), slug=doc["slug"], name=doc["name"], description=doc.get("description", ""),
                    parent_id=doc.get("parent_id"), created_at=doc["created_at"], updated_at=doc["updated_at"])


class CategoryRepository:
    def __init__(self, db):
        self.categories = db.categories
        self.tree = db.category_tree

    def add(self, fields):
        """Insert a top-level category (a parent is set by a logged move). Raises DuplicateSlug."""
        doc = dict(fields, _id=ObjectId(), parent_id=None, tree_seq=0)
        try:
            self.categories.insert_one(doc)
        except DuplicateKeyError:
            raise DuplicateSlug()
        return _category(doc)

    def all(self):
        return [_category(doc) for doc in self.categories.find({}, {"tree_seq": 0})]

    def get(self, category_id):
        oid = object_id(category_id)
        return _category(self.categories.find_one({"_id": oid})) if oid else None

    def by_slug(self, slug):
        return _category(self.categories.find_one({"slug": slug}))

    def existing(self, category_ids):
        """Those of `category_ids` that name a category."""
        oids = [oid for oid in map(object_id, category_ids) if oid]
        return {str(doc["_id"]) for doc in self.categories.find({"_id": {"$in": oids}}, {"_id": 1})}

    def update(self, category_id, changes, now):
        """Change name, slug or description (never the parent: see `change_tree`)."""
        try:
            self.categories.update_one({"_id": object_id(category_id)}, {"$set": dict(changes, updated_at=now)})
        except DuplicateKeyError:
            raise Conflict(DUPLICATE_SLUG, {"slug": [DUPLICATE_SLUG]})
        return self.get(category_id)

    # The tree's change log ----------------------------------------------------------------

    def log_state(self):
        """(version, pending change or None) of the tree."""
        doc = self.tree.find_one({"_id": TREE})
        if doc is None:
            try:
                self.tree.insert_one({"_id": TREE, "version": 0, "pending": None})
            except DuplicateKeyError:
                pass  # another process made it first
            doc = self.tree.find_one({"_id": TREE})
        return doc["version"], doc["pending"]

    def claim(self, version, change):
        """Log `change` as the tree's next one, if the tree is still at `version`.
        Returns the logged change (with its `seq`), or None when another came first."""
        logged = dict(change, seq=version + 1)
        claimed = self.tree.update_one({"_id": TREE, "version": version, "pending": None},
                                       {"$set": {"version": version + 1, "pending": logged}})
        return logged if claimed.matched_count == 1 else None

    def apply(self, change, now):
        """Make a logged change in `categories`. Safe to repeat, also late."""
        oid = object_id(change["category_id"])
        if change["kind"] == "move":
            self.categories.update_one({"_id": oid, "tree_seq": {"$lt": change["seq"]}},
                                       {"$set": {"parent_id": change["parent_id"], "tree_seq": change["seq"],
                                                 "updated_at": now}})
        else:
            self.categories.delete_one({"_id": oid})

    def clear(self, change):
        self.tree.update_one({"_id": TREE, "pending.seq": change["seq"]}, {"$set": {"pending": None}})
