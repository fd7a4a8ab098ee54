"""The one door to the database.

`connect()` gives a pymongo MongoClient for a `mongodb://` URI, or the embedded
store (shop/embedded.py: mongomock in this process's memory, made atomic across
threads and indexed). Everything else in the app writes to pymongo's API and
relies only on what a real MongoDB server does the same way: single-document
atomic updates, conditional filters and unique indexes. This module knows
collections and their indexes, not business rules.
"""
import pymongo
from flask import current_app

from . import embedded

def connect(uri=None):
    """A MongoClient for `uri`, or the embedded store when there is none."""
    if uri:
        return pymongo.MongoClient(uri, tz_aware=True)
    return embedded.connect()


def is_embedded(client):
    return embedded.is_embedded(client)


def init_app(app, client):
    app.extensions["mongo_client"] = client
    app.extensions["mongo_db"] = client[app.config["MONGO_DB_NAME"]]


def get_db():
    return current_app.extensions["mongo_db"]


def ping(db):
    db.command("ping")


def ensure_indexes(db):
    """Every index the app's queries and guarantees rely on. Safe to re-run."""
    db.users.create_index("email", unique=True)
    db.tokens.create_index("token_hash", unique=True)
    db.tokens.create_index("expires_at", expireAfterSeconds=0)
    db.tokens.create_index("user_id")
    db.login_failures.create_index("key", unique=True)
    db.login_failures.create_index("expires_at", expireAfterSeconds=0)
    db.products.create_index("sku", unique=True)
    db.products.create_index("slug", unique=True)
    # The catalogue's sorts (repository.SORTS) end with _id, so that pages never overlap;
    # each index serves one of them (forwards or backwards) after `active`.
    db.products.create_index([("active", 1), ("created_at", -1), ("_id", -1)])
    db.products.create_index([("active", 1), ("sort_name", 1), ("_id", 1)])
    db.products.create_index([("active", 1), ("price", 1), ("_id", 1)])
    db.products.create_index([("active", 1), ("stock", 1), ("_id", 1)])
    db.products.create_index("pending.created_at")
    db.stock_movements.create_index([("product_id", 1), ("seq", -1)], unique=True)
    db.stock_movements.create_index([("order_id", 1), ("product_id", 1), ("reason", 1)])
    db.orders.create_index("number", unique=True)
    db.orders.create_index(
        [("user_id", 1), ("idempotency_key", 1)],
        unique=True,
        partialFilterExpression={"idempotency_key": {"$exists": True}},
    )
    db.orders.create_index([("user_id", 1), ("created_at", -1), ("_id", -1)])
    db.orders.create_index([("status", 1), ("created_at", -1), ("_id", -1)])
    db.orders.create_index([("status", 1), ("expires_at", 1)])
    db.orders.create_index([("pending_actions", 1), ("updated_at", 1)])
    db.orders.create_index("created_at")
    db.orders.create_index(  # the repair job's payments that never came back; few at any time
        [("payment.status", 1), ("payment.started_at", 1)],
        partialFilterExpression={"payment.status": "processing"},
    )
    db.emails.create_index([("status", 1), ("next_attempt_at", 1)])
    db.emails.create_index("key", unique=True)
    db.carts.create_index("owner", unique=True)
    db.carts.create_index("expires_at", expireAfterSeconds=0)
