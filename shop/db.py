"""The one door to the database.

`connect()` gives a pymongo MongoClient for a `mongodb://` URI, or the embedded
store (shop/embedded/: mongomock in this process's memory, made atomic across
threads and indexed). Everything else in the app writes to pymongo's API and
relies only on what a real MongoDB server does the same way: single-document
atomic updates, conditional filters and unique indexes. This module knows
collections and their indexes, not business rules.
"""
from datetime import timedelta

import gridfs
import pymongo
from flask import current_app

from . import embedded

# Any failure of the store, for the code above the repositories that must outlive one (a step
# it leaves for the repair): what pymongo raises, named for what it means there.
StoreError = pymongo.errors.PyMongoError
# The errors that mean the store did not answer in time (a 503 `unavailable`, not a 500).
STORE_UNAVAILABLE = (pymongo.errors.ConnectionFailure, pymongo.errors.ExecutionTimeout)

# What an operation's deadline leaves of MONGO_TIMEOUT_SECONDS: pymongo looks for a server again
# only every half second (MIN_HEARTBEAT_INTERVAL), so a wait for one ends up to that long after
# its deadline, and the 503 itself takes a moment to make. With the whole timeout as the
# deadline, a stopped database was answered after 5.3 s of a 5 s timeout.
ANSWER_SECONDS = 1.0


def client_options(timeout_seconds, max_pool_size):
    """pymongo's options, such that a database that does not answer is a 503 `unavailable`
    within `timeout_seconds` of the request, instead of pymongo's default 30 s.

    `timeoutMS` is one deadline for each operation as a whole: finding a server, waiting for
    a pooled connection, connecting, the reply, and the driver's one retry of a read or write
    whose connection failed. Separate timeouts for each would add up: against a paused server a
    read waited for its reply, then again on its retry (12 s with each at 4 s). They are set
    too, for what the driver does outside an operation (closing the client ends its sessions
    on the server: 30 s against a stopped one without them)."""
    deadline_ms = int(max(timeout_seconds - ANSWER_SECONDS, timeout_seconds / 2) * 1000)
    return {"tz_aware": True, "maxPoolSize": max_pool_size, "timeoutMS": deadline_ms,
            **{option: deadline_ms for option in ("serverSelectionTimeoutMS", "connectTimeoutMS", "socketTimeoutMS",
                                                   "waitQueueTimeoutMS")}}


def connect(uri=None, timeout_seconds=5, max_pool_size=100):
    """A MongoClient for `uri` (see client_options), or the embedded store when there is none.
    The client reconnects by itself when the server is back."""
    if uri:
        return pymongo.MongoClient(uri, **client_options(timeout_seconds, max_pool_size))
    return embedded.connect()


def is_embedded(client):
    return embedded.is_embedded(client)


def settle_memory(client):
    """On the embedded store, whose documents are this process's memory: keep what is stored
    out of the garbage collector's full passes (embedded.keep_documents_out_of_full_collections).
    A MongoDB's documents are the server's, so there is nothing to do."""
    if is_embedded(client):
        embedded.keep_documents_out_of_full_collections()


def uninterrupted(collection):
    """Operations on the store of `collection` that no other thread of this process interleaves
    with, on the embedded store (its one lock, held across them); on a MongoDB, no change.

    Never what makes them correct: each is a conditional write that is safe interleaved, as it
    is between processes on a MongoDB. It spares the retries of a read-then-guarded-write that
    another thread's write got between: with 32 buyers of one variant, each order's stock
    update lost that race 1.6 times on average, and every loss cost the update and a read
    again. Held across all of placing an order, it also spares the threads' hand-offs of the
    lock between its calls (docs/PERFORMANCE.md). Nothing inside may wait for another thread
    (no sleep on a condition, no I/O): that thread would wait for the lock this one holds."""
    return embedded.uninterrupted(collection)


def init_app(app, client):
    app.extensions["mongo_client"] = client
    app.extensions["mongo_db"] = client[app.config["MONGO_DB_NAME"]]


def close(app):
    """Close the app's client (its pool and monitor threads). The app is unusable after."""
    client = app.extensions.pop("mongo_client", None)
    app.extensions.pop("mongo_db", None)
    if client is not None:
        client.close()


def at_most(number):
    """`<= number` on an integer field, as `< number + 1`: the same on MongoDB, and it avoids
    the test server's `$lte` bug on compound indexes (docs/TESTING.md, "Where the test server
    differs from MongoDB")."""
    return {"$lt": number + 1}


def at_or_before(moment):
    """`<= moment` on a date field: BSON dates count milliseconds, so `< moment + 1 ms`
    is the same, and avoids the same `$lte` bug."""
    return {"$lt": moment + timedelta(milliseconds=1)}


def files(db, collection):
    """pymongo's GridFS in `collection` (`<collection>.files` and `.chunks`), on either store:
    the embedded one runs it under its lock. Its two indexes are made by `ensure_indexes`."""
    if isinstance(db, pymongo.database.Database):
        return gridfs.GridFS(db, collection)
    return embedded.files(db, collection)


def get_db():
    return current_app.extensions["mongo_db"]


def ping(db):
    db.command("ping")


def _drop_index(collection, name):
    """Drop an index of an older version, if it is there (another process may drop it first)."""
    if name in collection.index_information():
        try:
            collection.drop_index(name)
        except pymongo.errors.OperationFailure as error:
            if error.code != 27:  # IndexNotFound: dropped by the other process
                raise


# Every index the app's queries and guarantees rely on, by collection (`ensure_indexes`).
INDEXES = {}


def _index(collection, keys, **options):
    INDEXES.setdefault(collection, []).append(pymongo.IndexModel(keys, **options))


_index("users", "email", unique=True)
_index("users", [("role", 1), ("created_at", -1), ("_id", -1)])  # the back office's customers, newest first
_index("tokens", "token_hash", unique=True)
_index("tokens", "expires_at", expireAfterSeconds=0)
_index("tokens", "user_id")  # a password change ends every session and token of a user
_index("login_failures", "key", unique=True)
_index("login_failures", "expires_at", expireAfterSeconds=0)
_index("reset_requests", "key", unique=True)
_index("reset_requests", "expires_at", expireAfterSeconds=0)
# Password reset links: found by their token's hash, all of a user's ended at once.
_index("password_resets", "token_hash", unique=True)
_index("password_resets", "user_id")
_index("password_resets", "expires_at", expireAfterSeconds=0)
_index("products", "slug", unique=True)
# The catalogue's sorts (repository.SORTS) end with _id, so that pages never overlap;
# each index serves one of them (forwards or backwards) after `active`.
_index("products", [("active", 1), ("created_at", -1), ("_id", -1)])
_index("products", [("active", 1), ("sort_name", 1), ("_id", 1)])
_index("products", [("active", 1), ("price_min", 1), ("_id", 1)])
_index("products", [("active", 1), ("price_max", 1), ("_id", 1)])
_index("products", "summary_stale_since", sparse=True)
# A category's products (`?category=`, category pages): one index per catalogue sort, after
# the categories and `active`; category_ids first, so the embedded store narrows by it.
for _sort in ([("created_at", -1), ("_id", -1)], [("sort_name", 1), ("_id", 1)], [("price_min", 1), ("_id", 1)],
              [("price_max", 1), ("_id", 1)]):
    _index("products", [("category_ids", 1), ("active", 1), *_sort])
_index("categories", "slug", unique=True)
_index("variants", "sku", unique=True)
_index("variants", [("product_id", 1), ("options_key", 1)], unique=True)
_index("variants", [("active", 1), ("stock", 1), ("_id", 1)])
_index("variants", "pending.created_at")
# v1's ledger counted per product; it counts per variant now. Entries written before
# the migration gave them a variant_id are outside this index until it does.
_index("stock_movements", [("variant_id", 1), ("seq", -1)], unique=True,
       partialFilterExpression={"variant_id": {"$exists": True}})
_index("stock_movements", [("variant_id", 1), ("created_at", -1), ("seq", -1), ("_id", -1)])
_index("stock_movements", [("product_id", 1), ("variant_id", 1)])
_index("stock_movements", [("order_id", 1), ("variant_id", 1), ("reason", 1)])
# Search (products/search.py): a word's trigrams narrow the scan, the literal match decides.
_index("products", "search_grams")
_index("products", "search_version")  # the start-up backfill finds what it must fold
_index("products", "old_slugs")  # a product page's previous addresses
_index("orders", "number", unique=True)
_index("orders", [("user_id", 1), ("idempotency_key", 1)], unique=True,
       partialFilterExpression={"idempotency_key": {"$exists": True}})
_index("orders", [("user_id", 1), ("created_at", -1), ("_id", -1)])
_index("orders", [("customer_email", 1), ("created_at", -1), ("_id", -1)])  # the back office's search
_index("orders", [("status", 1), ("created_at", -1), ("_id", -1)])
_index("orders", [("status", 1), ("expires_at", 1)])
_index("orders", [("pending_actions", 1), ("updated_at", 1)])
_index("orders", "created_at")
# The repair job's payments that never came back; few at any time.
_index("orders", [("payment.status", 1), ("payment.started_at", 1)],
       partialFilterExpression={"payment.status": "processing"})
# A code's uses: one document per order, in a numbered slot unique per code (max_uses) and
# per code and customer (max_uses_per_customer): the limits are these indexes (shop/discounts/use_repository.py).
_index("discount_uses", [("code_id", 1), ("slot", 1)], unique=True,
       partialFilterExpression={"slot": {"$exists": True}})
_index("discount_uses", [("code_id", 1), ("customer", 1), ("customer_slot", 1)], unique=True,
       partialFilterExpression={"customer_slot": {"$exists": True}})
_index("discount_uses", [("code_id", 1), ("customer", 1)])  # a code's uses, a customer's (counts)
_index("emails", [("status", 1), ("next_attempt_at", 1)])
_index("emails", "key", unique=True)
_index("csv_imports", "expires_at", expireAfterSeconds=0)  # a checked import waits an hour
# GridFS's own indexes for the images' files, made here as GridFS would make them on
# its first write (mongomock's index store does not take GridFS's form of them).
_index("images.files", [("filename", 1), ("uploadDate", 1)])
_index("images.chunks", [("files_id", 1), ("n", 1)], unique=True)
_index("carts", "owner", unique=True)
# Checkout settings: the methods serving a country (cheapest first), one tax rate per
# country, and one discount code per text ignoring case (the folded `code_key`).
_index("shipping_methods", [("price", 1), ("name", 1), ("_id", 1)])
_index("shipping_methods", [("active", 1), ("countries", 1), ("price", 1), ("name", 1), ("_id", 1)])
_index("shipping_methods", [("active", 1), ("currency", 1), ("price", 1), ("name", 1), ("_id", 1)])
_index("shipping_methods", [("active", 1), ("price", 1), ("name", 1), ("_id", 1)])  # the home page: is shipping free?
_index("tax_rates", "country", unique=True)
_index("discount_codes", "code_key", unique=True)
_index("discount_codes", [("created_at", -1), ("_id", -1)])
_index("carts", "expires_at", expireAfterSeconds=0)
# The address book (shop/addresses/repository.py): a shopper's addresses in the order added,
# and at most MAX_ADDRESSES of them, each in its own slot (the cap is this unique index).
_index("addresses", [("user_id", 1), ("created_at", 1), ("_id", 1)])
_index("addresses", [("user_id", 1), ("slot", 1)], unique=True)


# Indexes of an older version, dropped before the current ones are made.
DROPPED = {"products": ["sku_1"],  # v1: the SKU moved to the variants
           "stock_movements": ["product_id_1_seq_-1"]}  # v1: the ledger counted per product


def ensure_indexes(db):
    """Every index of `INDEXES`, one `createIndexes` per collection (an index that is already
    there is left as it is). Safe to re-run, and by several processes at once."""
    for collection, names in DROPPED.items():
        for name in names:
            _drop_index(db[collection], name)
    for collection, models in INDEXES.items():
        db[collection].create_indexes(models)
