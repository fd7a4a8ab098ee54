"""`shipping_methods`: documents in, models out."""
from bson import ObjectId
from pymongo import ASCENDING

from ..ids import object_id
from .model import EVERYWHERE, ShippingMethod

ORDER = [("price", ASCENDING), ("name", ASCENDING), ("_id", ASCENDING)]  # cheapest first


def _method(doc):
    if doc is None:
        return None
    return ShippingMethod(id=str(doc["_id"]), name=doc["name"], countries=tuple(doc["countries"]), price=doc["price"],
                          free_over=doc.get("free_over"), currency=doc["currency"], active=doc["active"],
                          created_at=doc["created_at"], updated_at=doc["updated_at"])


def _serving(country, currency):
    wanted = {"active": True, "countries": {"$in": [country, EVERYWHERE]}}
    return wanted if currency is None else dict(wanted, currency=currency)


class ShippingMethodRepository:
    def __init__(self, db):
        self.methods = db.shipping_methods

    def add(self, fields):
        doc = dict(fields, _id=ObjectId())
        self.methods.insert_one(doc)
        return _method(doc)

    def get(self, method_id):
        """The method by id (active or not), or None."""
        oid = object_id(method_id)
        return _method(self.methods.find_one({"_id": oid})) if oid else None

    def page(self, page, per_page, country=None, currency=None):
        """(methods, total): every method, or with `country` the active ones serving it (in `currency`)."""
        query = {} if country is None else _serving(country, currency)
        cursor = self.methods.find(query, sort=ORDER, skip=(page - 1) * per_page, limit=per_page)
        return [_method(doc) for doc in cursor], self.methods.count_documents(query)

    def active_for(self, country, currency):
        """Every active method that serves `country` in `currency`, cheapest first."""
        return [_method(doc) for doc in self.methods.find(_serving(country, currency), sort=ORDER)]

    def active(self):
        """Every active method, cheapest first."""
        return [_method(doc) for doc in self.methods.find({"active": True}, sort=ORDER)]

    def has_active(self):
        """Whether any method is active (with none, shipping is free and no method is asked for)."""
        return self.methods.find_one({"active": True}, {"_id": 1}) is not None

    def update(self, method_id, changes, now):
        """Set `changes`; the method after, or None when there is none by that id."""
        oid = object_id(method_id)
        if oid is None:
            return None
        self.methods.update_one({"_id": oid}, {"$set": dict(changes, updated_at=now)})
        return self.get(method_id)

    def delete(self, method_id):
        """Delete it; False when there was none."""
        oid = object_id(method_id)
        return bool(oid) and self.methods.delete_one({"_id": oid}).deleted_count == 1
