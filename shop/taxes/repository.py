"""`tax_rates`: documents in, models out. A unique index on `country` keeps one rate per
country, also when two requests add one at once."""
from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from ..ids import object_id
from .model import NO_RATE, TaxRate


class CountryTaken(Exception):
    """The country has a rate already."""


def _rate(doc):
    if doc is None:
        return None
    return TaxRate(id=str(doc["_id"]), country=doc["country"], rate_bp=doc["rate_bp"], created_at=doc["created_at"],
                   updated_at=doc["updated_at"])


class TaxRateRepository:
    def __init__(self, db):
        self.rates = db.tax_rates

    def add(self, fields):
        """Insert a rate. Raises CountryTaken."""
        doc = dict(fields, _id=ObjectId())
        try:
            self.rates.insert_one(doc)
        except DuplicateKeyError:
            raise CountryTaken()
        return _rate(doc)

    def get(self, rate_id):
        oid = object_id(rate_id)
        return _rate(self.rates.find_one({"_id": oid})) if oid else None

    def rate_for(self, country):
        """The country's rate in basis points; 0 when it has none."""
        doc = self.rates.find_one({"country": country}, {"rate_bp": 1})
        return doc["rate_bp"] if doc else NO_RATE

    def page(self, page, per_page):
        """(rates, total), by country."""
        cursor = self.rates.find({}, sort=[("country", ASCENDING)], skip=(page - 1) * per_page, limit=per_page)
        return [_rate(doc) for doc in cursor], self.rates.count_documents({})

    def update(self, rate_id, changes, now):
        """Set `changes`; the rate after (None when gone). Raises CountryTaken."""
        try:
            self.rates.update_one({"_id": object_id(rate_id)}, {"$set": dict(changes, updated_at=now)})
        except DuplicateKeyError:
            raise CountryTaken()
        return self.get(rate_id)

    def delete(self, rate_id):
        oid = object_id(rate_id)
        return bool(oid) and self.rates.delete_one({"_id": oid}).deleted_count == 1
