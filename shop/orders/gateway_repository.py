"""`sandbox_charges`: the built-in payment gateway, which behaves like a card processor's test
mode, and keeps its charges in the shop's database.

It approves 4242 4242 4242 4242, declines 4000 0000 0000 0002 and any other
valid number, and keeps its own record of each charge by attempt id (as a real
processor does by idempotency key), so that a charge can be looked up after a
crash and a refund is applied once. The full card number and the CVC are never
stored: only the brand and the last four digits.
"""
from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from .cards import card_brand

APPROVED_TEST_CARD = "4242424242424242"


@dataclass
class Charge:
    attempt_id: str
    approved: bool
    brand: str
    last4: str
    amount: int
    currency: str


class SandboxGateway:
    def __init__(self, db):
        self.charges = db.sandbox_charges

    def charge(self, attempt_id, amount, currency, card_number):
        """Charge once per attempt id; a repeated call answers with the first result."""
        doc = {
            "_id": attempt_id, "approved": card_number == APPROVED_TEST_CARD, "brand": card_brand(card_number),
            "last4": card_number[-4:], "amount": amount, "currency": currency, "refunded": False,
        }
        try:
            self.charges.insert_one(doc)
        except DuplicateKeyError:
            doc = self.charges.find_one({"_id": attempt_id})
        return _charge(doc)

    def lookup(self, attempt_id):
        doc = self.charges.find_one({"_id": attempt_id})
        return _charge(doc) if doc else None

    def refund(self, attempt_id, refund_id, amount):
        """Give back `amount` of a charge, once per `refund_id` (as a processor's refund is once
        per idempotency key): a repeated call changes nothing. Never more than was charged.
        Returns the charge's refunded total."""
        for _ in range(10):
            doc = self.charges.find_one({"_id": attempt_id})
            if doc is None or not doc["approved"]:
                raise ValueError(f"no approved charge {attempt_id} to refund")
            if any(done["id"] == refund_id for done in doc.get("refunds", ())):
                return doc["refunded_amount"]
            if doc["refunded"] and "refunded_amount" not in doc:  # refunded in full before partial refunds
                return doc["amount"]
            refunded = doc.get("refunded_amount", 0)
            if refunded + amount > doc["amount"]:
                raise ValueError(f"refund {refund_id} would take charge {attempt_id} above what was charged")
            seen = {"refunded_amount": refunded if "refunded_amount" in doc else {"$exists": False}}
            changed = self.charges.update_one(dict(seen, _id=attempt_id), {
                "$inc": {"refunded_amount": amount}, "$push": {"refunds": {"id": refund_id, "amount": amount}},
                "$set": {"refunded": refunded + amount == doc["amount"]}})
            if changed.matched_count:
                return refunded + amount
        raise RuntimeError(f"charge {attempt_id} kept changing while refund {refund_id} was made")


def _charge(doc):
    return Charge(
        attempt_id=doc["_id"], approved=doc["approved"], brand=doc["brand"], last4=doc["last4"],
        amount=doc["amount"], currency=doc["currency"],
    )
