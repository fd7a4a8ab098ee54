"""`emails`: the outbox, one document per message to send, and its claims.

Queuing is one insert with a unique key per order event, so queuing twice (a
retry, the repair command) sends once. Delivery claims messages with a
conditional update before sending, so several processes can deliver from one
outbox; a message whose delivery fails stays queued and is tried again later.
Messages are claimed a batch at a time: one look and one claim per batch, not a
search of the outbox (on the embedded store, under its one lock) per message.
"""
from datetime import timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from .db import at_or_before

QUEUED, SENDING, SENT = "queued", "sending", "sent"
CLAIM_SECONDS = 120
MAX_BACKOFF_SECONDS = 3600
# Messages per claim: small enough that each store call is short (the embedded store runs
# every call under one lock, which request threads wait on), large enough that a burst of
# orders is drained in few round trips. See docs/PERFORMANCE.md.
BATCH = 50


class OutboxRepository:
    def __init__(self, db):
        self.emails = db.emails

    def enqueue(self, key, to, subject, body, now, secret=False):
        """Queue a message once per `key`. A `secret` one (a link that logs someone in) keeps
        its body only until it is sent."""
        doc = {
            "key": key, "to": to, "subject": subject, "body": body, "status": QUEUED,
            "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": None,
            **({"secret": True} if secret else {}),
        }
        try:
            self.emails.insert_one(doc)
        except DuplicateKeyError:
            pass  # queued before

    def claim_batch(self, now, size=BATCH):
        """Take up to `size` due messages, the longest waiting first; [] when none is due (or
        other senders took all that this one found).

        The due ids are read first, then claimed by one update whose filter every document
        must still pass when it is written: a message that another sender claimed meanwhile
        no longer is due, so it is not taken twice. The claim's own mark tells which it took.
        """
        due = {"status": {"$in": [QUEUED, SENDING]}, "next_attempt_at": at_or_before(now)}
        ids = [doc["_id"] for doc in self.emails.find(due, {"_id": 1}, sort=[("next_attempt_at", 1)], limit=size)]
        if not ids:
            return []
        claim = ObjectId()
        self.emails.update_many(
            {**due, "_id": {"$in": ids}},
            {"$set": {"status": SENDING, "next_attempt_at": now + timedelta(seconds=CLAIM_SECONDS), "claim": claim},
             "$inc": {"attempts": 1}},
        )
        taken = {doc["_id"]: doc for doc in self.emails.find({"_id": {"$in": ids}, "claim": claim})}
        return [taken[_id] for _id in ids if _id in taken]

    def mark_sent(self, message, now):
        update = {"$set": {"status": SENT, "sent_at": now}}
        if message.get("secret"):
            update["$unset"] = {"body": ""}
        self.emails.update_one({"_id": message["_id"], "status": SENDING}, update)

    def counts(self):
        """How many messages are in each state: {"queued": n, "sending": n, "sent": n}."""
        return {status: self.emails.count_documents({"status": status}) for status in (QUEUED, SENDING, SENT)}

    def mark_failed(self, message, error, now):
        backoff = min(MAX_BACKOFF_SECONDS, 30 * 2 ** (message["attempts"] - 1))
        self.emails.update_one(
            {"_id": message["_id"], "status": SENDING},
            {"$set": {"status": QUEUED, "next_attempt_at": now + timedelta(seconds=backoff), "last_error": error}},
        )
