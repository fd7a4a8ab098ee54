"""`discount_codes`: documents in, models out. A code is stored as typed beside its folded
`code_key`, which a unique index keeps unique, also when two requests add one at once."""
import dataclasses
from datetime import timezone

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from ..ids import object_id
from .model import DiscountCode, fold
from .use_repository import DiscountUseRepository

FIELDS = ("code", "kind", "value", "currency", "min_subtotal", "starts_at", "ends_at", "max_uses",
          "max_uses_per_customer", "active", "created_at", "updated_at")


class CodeTaken(Exception):
    """Another code is the same ignoring case."""


def _utc(moment):
    return None if moment is None else moment.astimezone(timezone.utc)


def _code(doc):
    if doc is None:
        return None
    values = {name: doc.get(name) for name in FIELDS}
    values.update(starts_at=_utc(values["starts_at"]), ends_at=_utc(values["ends_at"]), uses=0)
    return DiscountCode(id=str(doc["_id"]), **values)


def _stored(fields):
    """Fields as a document holds them: dates in UTC, the code with its folded key."""
    doc = dict(fields)
    for name in ("starts_at", "ends_at"):
        if doc.get(name) is not None:
            doc[name] = _utc(doc[name])
    if "code" in doc:
        doc["code_key"] = fold(doc["code"])
    return doc


class DiscountCodeRepository:
    """Codes with their `uses`: the live uses that `discount_uses` holds for each (use_repository.py),
    which is what the limits count; the code's document stores no counter."""

    def __init__(self, db):
        self.codes = db.discount_codes
        self.uses = DiscountUseRepository(db)

    def _with_uses(self, codes):
        return [None if code is None else dataclasses.replace(code, uses=self.uses.count(code.id)) for code in codes]

    def _one(self, doc):
        return self._with_uses([_code(doc)])[0]

    def add(self, fields):
        """Insert a code with no uses. Raises CodeTaken."""
        doc = dict(_stored(fields), _id=ObjectId())
        try:
            self.codes.insert_one(doc)
        except DuplicateKeyError:
            raise CodeTaken()
        return _code(doc)

    def get(self, code_id):
        oid = object_id(code_id)
        return self._one(self.codes.find_one({"_id": oid})) if oid else None

    def by_code(self, text, with_uses=True):
        """The code a shopper typed, in any case and with spaces around it, or None. Without
        `with_uses` its `uses` is not counted (0): for a code with no limit nothing needs it."""
        code = _code(self.codes.find_one({"code_key": fold(text)}))
        return self._with_uses([code])[0] if with_uses else code

    def page(self, page, per_page):
        """(codes, total), newest first."""
        cursor = self.codes.find({}, sort=[("created_at", DESCENDING), ("_id", DESCENDING)], skip=(page - 1) * per_page,
                                 limit=per_page)
        return self._with_uses([_code(doc) for doc in cursor]), self.codes.count_documents({})

    def update(self, code_id, changes, now):
        """Set `changes` (never `uses`); the code after (None when gone). Raises CodeTaken."""
        changes = {name: value for name, value in _stored(changes).items() if name != "uses"}
        try:
            self.codes.update_one({"_id": object_id(code_id)}, {"$set": dict(changes, updated_at=now)})
        except DuplicateKeyError:
            raise CodeTaken()
        return self.get(code_id)

    def delete(self, code_id):
        oid = object_id(code_id)
        return bool(oid) and self.codes.delete_one({"_id": oid}).deleted_count == 1
