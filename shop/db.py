"""The one door to the database.

`connect()` gives a pymongo MongoClient for a `mongodb://` URI, or the embedded
store: a mongomock client, in this process's memory, whose operations are made
atomic across threads here (mongomock's are not: two threads can both pass a
`{"stock": {"$gte": q}}` filter). Everything else in the app writes to pymongo's
API and relies only on what a real MongoDB server does the same way:
single-document atomic updates, conditional filters and unique indexes.
"""
import threading

import mongomock
import pymongo
from flask import current_app

EMBEDDED = "embedded"


class _Locked:
    """Runs every call of the wrapped mongomock object under one re-entrant lock.

    A real MongoDB applies each single-document operation atomically; one lock
    per embedded store gives mongomock the same (and more) guarantee. Cursors
    are read to the end inside the lock, so no read sees a half-applied write.
    """

    def __init__(self, target, lock):
        self._target = target
        self._lock = lock

    def __getattr__(self, name):
        attribute = getattr(self._target, name)
        # Collections and databases are callable objects too: wrap them, don't call them.
        if not callable(attribute) or isinstance(attribute, (mongomock.Database, mongomock.Collection)):
            return _wrap(attribute, self._lock)

        def locked(*args, **kwargs):
            with self._lock:
                return _wrap(attribute(*args, **kwargs), self._lock)

        return locked

    def __getitem__(self, name):
        with self._lock:
            return _wrap(self._target[name], self._lock)

    def __eq__(self, other):
        return isinstance(other, _Locked) and other._target == self._target

    def __hash__(self):
        return hash(self._target)


def _wrap(value, lock):
    if isinstance(value, (mongomock.Database, mongomock.Collection)):
        return _Locked(value, lock)
    if isinstance(value, (mongomock.collection.Cursor, mongomock.command_cursor.CommandCursor)):
        return iter(list(value))
    return value


def connect(uri=None):
    """A MongoClient for `uri`, or the embedded store when there is none."""
    if uri:
        return pymongo.MongoClient(uri, tz_aware=True)
    return _Locked(mongomock.MongoClient(tz_aware=True), threading.RLock())


def is_embedded(client):
    return isinstance(client, _Locked)


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
    db.products.create_index([("active", 1), ("created_at", -1)])
    db.products.create_index([("active", 1), ("name", 1)])
    db.products.create_index([("active", 1), ("price", 1)])
    db.products.create_index([("active", 1), ("stock", 1)])
    db.products.create_index("pending.created_at")
    db.stock_movements.create_index([("product_id", 1), ("seq", -1)], unique=True)
    db.stock_movements.create_index([("order_id", 1), ("product_id", 1), ("reason", 1)])
    db.orders.create_index("number", unique=True)
    db.orders.create_index(
        [("user_id", 1), ("idempotency_key", 1)],
        unique=True,
        partialFilterExpression={"idempotency_key": {"$exists": True}},
    )
    db.orders.create_index([("user_id", 1), ("created_at", -1)])
    db.orders.create_index([("status", 1), ("created_at", -1)])
    db.orders.create_index([("status", 1), ("expires_at", 1)])
    db.orders.create_index([("pending_actions", 1), ("updated_at", 1)])
    db.orders.create_index("created_at")
    db.emails.create_index([("status", 1), ("next_attempt_at", 1)])
    db.emails.create_index("key", unique=True)
    db.carts.create_index("owner", unique=True)
    db.carts.create_index("expires_at", expireAfterSeconds=0)
