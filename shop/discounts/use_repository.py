"""`discount_uses`: one document per order that uses a code, in a numbered slot.

A code's limits are unique indexes, not counters: a use takes the lowest free slot
below `max_uses` (unique per code) and, when the code limits each customer, the
lowest free slot below `max_uses_per_customer` for that customer (unique per code
and customer), in one insert. However many orders race for the last use, MongoDB
lets one insert have a slot, so a code is never used more than its limits allow.
Giving a use back deletes that order's document: only one delete can find it, so a
use goes back once, whoever tries (a cancel, the expiry, the repair).
"""
from pymongo.errors import DuplicateKeyError

from ..ids import object_id

MAX_ATTEMPTS = 50


class UsedUp(Exception):
    """No slot is free: `which` is "code" (max_uses) or "customer" (max_uses_per_customer)."""

    def __init__(self, which):
        super().__init__(which)
        self.which = which


def customer_key(email):
    """Whom a per-customer limit counts: an account's orders and a guest's, by e-mail."""
    return email.strip().casefold()


class DiscountUseRepository:
    def __init__(self, db):
        self.uses = db.discount_uses

    def take(self, code, order_id, customer, now):
        """Give `order_id` a use of `code` (a DiscountCode), within its limits; the same order
        asking again keeps its one use. Raises UsedUp when no slot is left.

        The insert comes first (an order asks once, as it is placed): only when it fails, or
        no slot looks free, is the order's own use looked for."""
        code_id = object_id(code.id)
        for _ in range(MAX_ATTEMPTS):
            doc = {"_id": order_id, "code_id": code_id, "customer": customer, "created_at": now}
            try:
                if code.max_uses is not None:
                    doc["slot"] = self._free_slot({"code_id": code_id}, "slot", code.max_uses, "code")
                if code.max_uses_per_customer is not None:
                    doc["customer_slot"] = self._free_slot({"code_id": code_id, "customer": customer},
                                                           "customer_slot", code.max_uses_per_customer, "customer")
                self.uses.insert_one(doc)
                return
            except (UsedUp, DuplicateKeyError) as refused:
                if self.uses.find_one({"_id": order_id}, {"_id": 1}):
                    return  # this order holds its use already
                if isinstance(refused, UsedUp):
                    raise
                # another order took that slot: look again
        raise UsedUp("code")

    def _free_slot(self, mongo_filter, field, limit, which):
        taken = {doc[field] for doc in self.uses.find(dict(mongo_filter, **{field: {"$exists": True}}), {field: 1})}
        free = next((slot for slot in range(limit) if slot not in taken), None)
        if free is None:
            raise UsedUp(which)
        return free

    def give_back(self, order_id):
        """The order's use goes back (once); False when it held none."""
        return self.uses.delete_one({"_id": order_id}).deleted_count == 1

    def count(self, code_id):
        return self.uses.count_documents({"code_id": object_id(code_id)})

    def count_by_customer(self, code_id, customer):
        return self.uses.count_documents({"code_id": object_id(code_id), "customer": customer})
