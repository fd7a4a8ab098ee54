"""The embedded store: mongomock in this process's memory, made atomic and indexed.

mongomock is not atomic across threads, so every operation runs under one lock (lock.py).
mongomock also answers every query by scanning and copying the whole collection, so this
store keeps the indexes that `ensure_indexes` declares (index.py) and answers a query from
the few documents they shortlist, copying only its page (planner.py); mongomock's copies and
date handling are made cheaper in its own modules (speed.py), and pymongo's GridFS runs on it
under the lock (files.py). The documents and the matching are still mongomock's own, so
answers are the same (tests/services/test_embedded_indexes.py compares them). Nothing here
runs against a real MongoDB; shop/db.py is its one user.
"""
from .files import files
from .lock import connect, is_embedded, uninterrupted
from .speed import keep_documents_out_of_full_collections

__all__ = ["connect", "files", "is_embedded", "keep_documents_out_of_full_collections", "uninterrupted"]
