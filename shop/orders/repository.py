"""`orders`: documents in, models out, and status changes as conditional updates.

Every status change names the statuses it may start from in its filter, so
two racing changes (two cancels, a cancel and a payment) cannot both happen.
The same write records what still has to follow it (`pending_actions`:
restock, refund, e-mail), so that a crash right after it leaves a to-do list
that the repair command finishes.
"""
import re

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..db import at_or_before
from ..errors import Conflict
from ..ids import object_id
from .model import CANCELLED, PAID, PENDING, PLACED, REJECTED, RESTOCK, VISIBLE, Order, OrderLine, new_number
from .refunds import PARTIALLY_REFUNDED, REFUNDABLE, REFUNDED, Refund


# What an order placed since v1.1 stores of its quote; a v1 order has none (Order's defaults).
_TOTALS = ("shipping", "discount", "tax_total", "prices_include_tax", "total")
_MONEY_TAKEN = ("paid", PARTIALLY_REFUNDED, REFUNDED)


# A payment the gateway is charging: nothing else may start, and the order does not expire.
PROCESSING = "processing"
# Tries at a free order number before giving up: two draws of the same 8 characters are rare.
NUMBER_DRAWS = 5


class DuplicateIdempotencyKey(Exception):
    pass


def _order(doc):
    if doc is None:
        return None
    return Order(
        id=str(doc["_id"]), number=doc["number"], user_id=doc["user_id"], status=doc["status"],
        items=[OrderLine(**line) for line in doc["items"]], currency=doc["currency"],
        shipping_address=doc["shipping_address"], payment=_payment(doc.get("payment")), history=doc["history"],
        created_at=doc["created_at"], updated_at=doc["updated_at"], expires_at=doc.get("expires_at"),
        customer_email=doc.get("customer_email"), pending_actions=doc.get("pending_actions", []),
        refunds=[Refund.from_doc(refund) for refund in doc.get("refunds", ())],
        fulfilment=doc.get("fulfilment"),
        **{name: doc[name] for name in _TOTALS if name in doc},
    )


def _attempt(payment):
    """The guard that holds while the order's payment is still this attempt's."""
    return {"payment.attempt_id": payment["attempt_id"]}


def _payment(payment):
    """The payment with its `refunded_amount` (stored since refunds exist; before, a refunded
    payment was refunded in full, on a cancel)."""
    if payment and payment.get("status") in _MONEY_TAKEN and "refunded_amount" not in payment:
        payment = dict(payment, refunded_amount=payment["amount"] if payment["status"] == REFUNDED else 0)
    return payment


class OrderRepository:
    def __init__(self, db):
        self.orders = db.orders

    @property
    def collection(self):
        """The collection, for the store's own helpers (shop.db) that work on one."""
        return self.orders

    def new_id(self):
        return str(ObjectId())

    def add_pending(self, fields):
        """Store a new order as `pending`, with a number drawn for it. Raises
        DuplicateIdempotencyKey for a used key, Conflict when no free number was drawn."""
        for _ in range(NUMBER_DRAWS):
            doc = dict(fields, number=new_number(), status=PENDING, history=[], pending_actions=[])
            if doc.get("idempotency_key") is None:
                doc.pop("idempotency_key", None)
            try:
                self.orders.insert_one(doc)
            except DuplicateKeyError:
                if "idempotency_key" in doc and self.by_key(doc["user_id"], doc["idempotency_key"])[0]:
                    raise DuplicateIdempotencyKey()
                continue  # the drawn number was taken: draw again
            return _order(doc)
        raise Conflict("Could not number the order; please retry.")

    def has_guest_orders(self, email):
        """Whether any order a shopper can see was placed as a guest with `email`."""
        return self.orders.find_one({"customer_email": email, "user_id": None, "status": {"$in": list(VISIBLE)}},
                                    {"_id": 1}) is not None

    def give_guest_orders_to(self, email, user_id, now):
        """Every order placed as a guest with `email` becomes `user_id`'s; how many."""
        result = self.orders.update_many({"user_id": None, "customer_email": email},
                                         {"$set": {"user_id": user_id, "updated_at": now}})
        return result.modified_count

    def by_key(self, user_id, key):
        """(order, request fingerprint) stored under this idempotency key, or (None, None)."""
        doc = self.orders.find_one({"user_id": user_id, "idempotency_key": key})
        return (_order(doc), doc["request_hash"]) if doc else (None, None)

    def get(self, order_id, include_hidden=False):
        oid = object_id(order_id)
        if oid is None:
            return None
        mongo_filter = {"_id": oid}
        if not include_hidden:
            mongo_filter["status"] = {"$in": list(VISIBLE)}
        return _order(self.orders.find_one(mongo_filter))

    def page(self, user_id, status, page, per_page, number=None, email=None):
        """A page of orders, newest first: of `user_id` (None: everyone's), with `status`, the
        `number` and the `customer_email` given (each None: any)."""
        mongo_filter = {"status": {"$in": [status] if status else list(VISIBLE)}}
        if user_id:
            mongo_filter["user_id"] = user_id
        if number:
            mongo_filter["number"] = number
        if email:
            mongo_filter["customer_email"] = email
        return self._page(mongo_filter, page, per_page)

    def search(self, status, page, per_page, number_start=None, customer=None, user_ids=()):
        """A page of everyone's orders, newest first, with `status` (None: any visible one),
        whose number starts with `number_start` (as stored: `9R54-Q`), and whose customer
        matches `customer`: part of the e-mail, the start of the shipping address's name (any
        case), or an account among `user_ids`. Typed text is matched literally."""
        mongo_filter = {"status": {"$in": [status] if status else list(VISIBLE)}}
        if number_start:
            # Anchored and case-sensitive on the upper-case stored number: the unique index's range.
            mongo_filter["number"] = {"$regex": "^" + re.escape(number_start)}
        if customer:
            mongo_filter["$or"] = [
                {"customer_email": {"$regex": re.escape(customer.lower())}},  # stored lower-cased
                {"shipping_address.name": {"$regex": "^" + re.escape(customer), "$options": "i"}},
                {"user_id": {"$in": list(user_ids)}},
            ]
        return self._page(mongo_filter, page, per_page)

    def _page(self, mongo_filter, page, per_page):
        total = self.orders.count_documents(mongo_filter)
        docs = self.orders.find(
            mongo_filter, sort=[("created_at", -1), ("_id", -1)], skip=(page - 1) * per_page, limit=per_page
        )
        return [_order(doc) for doc in docs], total

    def count_by_user(self, user_ids):
        """{user_id: how many orders they can see} for these users (those with none left out)."""
        rows = self.orders.aggregate([
            {"$match": {"user_id": {"$in": list(user_ids)}, "status": {"$in": list(VISIBLE)}}},
            {"$group": {"_id": "$user_id", "count": {"$sum": 1}}},
        ])
        return {row["_id"]: row["count"] for row in rows}

    def change_status(self, order_id, sources, target, entry, now, actions=(), extra=None, guard=None):
        """Move the order from one of `sources` to `target` in one conditional write.

        Returns the changed order, or None when it was not in one of `sources`."""
        mongo_filter = dict(guard or {}, _id=object_id(order_id), status={"$in": list(sources)})
        update = {
            "$set": dict(extra or {}, status=target, updated_at=now),
            "$push": {"history": dict(entry, status=target, at=now)},
        }
        if actions:
            update["$addToSet"] = {"pending_actions": {"$each": list(actions)}}
        doc = self.orders.find_one_and_update(mongo_filter, update, return_document=ReturnDocument.AFTER)
        return _order(doc)

    def reject(self, order_id, now, sources=(PENDING,)):
        """An order that could not be placed: rejected, with its units' return to do
        (`restock`), its idempotency key freed for a retry. None unless it was in `sources`."""
        doc = self.orders.find_one_and_update(
            {"_id": object_id(order_id), "status": {"$in": list(sources)}},
            {"$set": {"status": REJECTED, "updated_at": now}, "$unset": {"idempotency_key": ""},
             "$addToSet": {"pending_actions": RESTOCK}},
            return_document=ReturnDocument.AFTER,
        )
        return _order(doc)

    def expire_if_due(self, order_id, entry, now, actions):
        """Cancel a placed order whose payment window has passed (no payment in progress)."""
        guard = {"expires_at": at_or_before(now), "payment.status": {"$ne": PROCESSING}}
        return self.change_status(order_id, [PLACED], CANCELLED, entry, now, actions=actions, guard=guard)

    def cancel_as_read(self, order, entry, now, actions, refund_payment=False):
        """Cancel `order` from the status it was read in, only if no refund was added since;
        with `refund_payment`, its payment is recorded refunded in full by the same write.
        The order after, or None when it moved on."""
        extra = {}
        if refund_payment:
            extra = {"payment.status": REFUNDED, "payment.refunded_amount": order.payment["amount"],
                     "payment.refunded_at": now}
        return self.change_status(order.id, [order.status], CANCELLED, entry, now, actions=actions, extra=extra,
                                  guard=self._refunds_as_read(order))

    # Paying ---------------------------------------------------------------

    def start_payment(self, order, now):
        """Mark a placed, unexpired order's payment `processing`, unless one is already: the
        new attempt's id (the gateway charges once per attempt), or None when it may not start."""
        attempt_id = str(ObjectId())
        processing = {"status": PROCESSING, "attempt_id": attempt_id, "amount": order.total, "started_at": now}
        guard = {"status": PLACED, "payment.status": {"$ne": PROCESSING}, "expires_at": {"$gt": now}}
        return attempt_id if self._set_payment(order.id, processing, guard, now) else None

    def decline_payment(self, order_id, card, now):
        """Record the gateway's refusal of the attempt `card` names (its attempt id, brand, last
        four digits and amount), if that attempt is still the order's."""
        self._set_payment(order_id, dict(card, status="declined", declined_at=now), _attempt(card), now)

    def settle_payment(self, order_id, payment, actor_id, now):
        """The order paid with `payment` (its attempt still the order's), in the one write that
        moves it from placed; None if it was no longer placed or that attempt's."""
        return self.change_status(order_id, [PLACED], PAID, {"by": actor_id}, now, actions=["email:paid"],
                                  extra={"payment": payment}, guard=_attempt(payment))

    def void_payment(self, order_id, payment, now):
        """Record `payment` refunded in full (charged after the order was cancelled)."""
        refunded = dict(payment, status=REFUNDED, refunded_amount=payment["amount"], refunded_at=now)
        self._set_payment(order_id, refunded, _attempt(payment), now)

    def fail_payment(self, order, now):
        """A processing payment that never reached the gateway failed: the shopper may pay again."""
        failed = dict(order.payment, status="failed", failed_at=now)
        self._set_payment(order.id, failed, _attempt(order.payment), now)

    def statuses(self, order_ids):
        """{order_id: status} for these ids (hidden orders included)."""
        oids = [oid for oid in map(object_id, order_ids) if oid]
        return {str(doc["_id"]): doc["status"] for doc in self.orders.find({"_id": {"$in": oids}}, {"status": 1})}

    def _set_payment(self, order_id, payment, guard, now):
        """Record a payment state when `guard` still holds. True if it did."""
        result = self.orders.update_one(
            dict(guard, _id=object_id(order_id)), {"$set": {"payment": payment, "updated_at": now}}
        )
        return result.matched_count == 1

    def action_done(self, order_id, action):
        self.orders.update_one({"_id": object_id(order_id)}, {"$pull": {"pending_actions": action}})

    def with_actions_since(self, older_than):
        # Any action at all (a refund's are named after it): every one is a non-empty string,
        # and a range on the array's elements is a bounded scan of its index.
        docs = self.orders.find({"pending_actions": {"$gt": ""}, "updated_at": at_or_before(older_than)})
        return [_order(doc) for doc in docs]

    @staticmethod
    def _refunds_as_read(order):
        """The guard that holds while no refund was added since `order` was read."""
        return {"refund_count": len(order.refunds)} if order.refunds else {"refund_count": {"$exists": False}}

    def add_refund(self, order, refund, payment_status, now, actions):
        """Record `refund` on `order` in one write, only if no other refund (nor a cancel) came
        since `order` was read: the order's refund count and status are the guard, so two
        racing refunds are never both counted against the same money. The units it takes
        back count on their lines. Returns the order after, or None when it moved on."""
        mongo_filter = dict(self._refunds_as_read(order), _id=object_id(order.id), status={"$in": list(REFUNDABLE)})
        increments = {"payment.refunded_amount": refund.amount, "refund_count": 1}
        for line in refund.lines:
            index = next(i for i, item in enumerate(order.items) if item.variant_id == line.variant_id)
            increments[f"items.{index}.refunded"] = line.quantity
            if line.restock:
                increments[f"items.{index}.restocked"] = line.quantity
        # A refund changes no status: its entry keeps the status and names the refund.
        entry = {"status": order.status, "at": now, "by": refund.by, "note": refund.note(order.currency),
                 "reason": refund.reason, "refund_id": refund.id}
        update = {"$inc": increments, "$set": {"payment.status": payment_status, "updated_at": now},
                  "$push": {"refunds": refund.doc(), "history": entry}}
        if actions:
            update["$addToSet"] = {"pending_actions": {"$each": list(actions)}}
        doc = self.orders.find_one_and_update(mongo_filter, update, return_document=ReturnDocument.AFTER)
        return _order(doc)

    def stale_pending(self, older_than):
        docs = self.orders.find({"status": PENDING, "created_at": at_or_before(older_than)})
        return [_order(doc) for doc in docs]

    def stale_payments(self, older_than):
        docs = self.orders.find({"payment.status": PROCESSING, "payment.started_at": at_or_before(older_than)})
        return [_order(doc) for doc in docs]

    def expired_unpaid(self, now, limit=100):
        docs = self.orders.find(
            {"status": PLACED, "expires_at": at_or_before(now), "payment.status": {"$ne": PROCESSING}},
            sort=[("expires_at", 1)], limit=limit,
        )
        return [_order(doc) for doc in docs]

    def claim_for_repair(self, order_id, now, lease_until):
        """Take a time-limited claim on an order, for one repairer at a time. True if taken."""
        field = "repair_lease"
        result = self.orders.update_one(
            {"_id": object_id(order_id), "$or": [{field: {"$exists": False}}, {field: at_or_before(now)}]},
            {"$set": {field: lease_until}},
        )
        return result.matched_count == 1

    def placed_between(self, start, end):
        """Orders shoppers can see that were placed in [start, end)."""
        return [_order(doc) for doc in self.orders.find(
            {"created_at": {"$gte": start, "$lt": end}, "status": {"$in": list(VISIBLE)}})]
