"""The embedded store's lock: every call on a client, database or collection of the embedded
store runs under one re-entrant lock per store, which makes mongomock atomic across threads (two
threads could both pass a `{"stock": {"$gte": q}}` filter): the same guarantee a real MongoDB
gives each single-document operation, and more. A collection's calls are answered by the
planner (shop/embedded/planner.py) from its index.
"""
import contextlib
import functools
import threading

import mongomock
from mongomock import helpers

from .index import _IndexedCollectionStore, _IndexedServerStore
from .planner import _count_documents, _ensure_uniques, _find, _find_one, _find_one_and_update, _get_dataset, \
    _iter_documents


# Calls that only read: what they scan is copied out, never changed in place.
_READS = frozenset({"find", "find_one", "count_documents", "estimated_document_count", "distinct", "aggregate"})


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
                return _wrap(self._call(name, attribute, args, kwargs), self._lock)

        return locked

    def _call(self, name, method, args, kwargs):
        return method(*args, **kwargs)

    def __getitem__(self, name):
        with self._lock:
            return _wrap(self._target[name], self._lock)


class _LockedDatabase(_Locked):
    """A database of the embedded store, whose collections are each wrapped once: mongomock
    makes `db.orders` again from the database's options on every access (12 us), and the
    repositories made for each request (the token's, the user's) access theirs every time."""

    def __init__(self, target, lock):
        super().__init__(target, lock)
        self._collections = {}

    def __getattr__(self, name):
        return self._collection(name, super().__getattr__)

    def __getitem__(self, name):
        return self._collection(name, super().__getitem__)

    def _collection(self, name, look_up):
        wrapped = self._collections.get(name)
        if wrapped is None:
            wrapped = look_up(name)
            if isinstance(wrapped, _LockedCollection):
                self._collections[name] = wrapped
        return wrapped


class _LockedCollection(_Locked):
    """A collection of the embedded store: locked, and served from its indexes."""

    def __init__(self, target, lock):
        super().__init__(target, lock)
        if "_iter_documents" not in vars(target):
            # mongomock's one scan, under every read, write, count and unique check, and its sort.
            target._iter_documents = functools.partial(_iter_documents, target)
            target._get_dataset = functools.partial(_get_dataset, target)
            target._ensure_uniques = functools.partial(_ensure_uniques, target)

    def _call(self, name, method, args, kwargs):
        index = self._target._store.index
        index.writing = name not in _READS
        try:
            if name == "find":
                return _find(self._target, *args, **kwargs)
            if name == "find_one":
                return _find_one(self._target, *args, **kwargs)
            if name == "count_documents":
                return _count_documents(self._target, *args, **kwargs)
            if name == "find_one_and_update":
                return _find_one_and_update(self._target, index, *args, **kwargs)
            if name == "create_indexes":
                # mongomock's would drop each index's partialFilterExpression: one at a time instead.
                return [self._call("create_index", self._target.create_index, (keys,), options)
                        for keys, options in map(_index_arguments, args[0])]
            if name == "create_index" and _index_exists(self._target, *args, **kwargs):
                # MongoDB makes re-creating an index a no-op. mongomock re-checks a unique
                # index over every document, ignoring its partial filter, so a second app
                # on one store (or a restart's ensure_indexes) would fail.
                return kwargs.get("name") or helpers.gen_index_name(helpers.create_index_list(args[0]))
            return method(*args, **kwargs)
        finally:
            index.writing = True


def _index_arguments(model):
    """A pymongo IndexModel as `create_index`'s keys and options."""
    options = dict(model.document)
    return list(options.pop("key").items()), options


def _index_exists(collection, key_or_list, **options):
    name = options.get("name") or helpers.gen_index_name(helpers.create_index_list(key_or_list))
    return name in collection._store.indexes


def _wrap(value, lock):
    if isinstance(value, mongomock.Collection) and isinstance(value._store, _IndexedCollectionStore):
        return _LockedCollection(value, lock)
    if isinstance(value, mongomock.Database):
        return _LockedDatabase(value, lock)
    if isinstance(value, mongomock.Collection):
        return _Locked(value, lock)
    if isinstance(value, (mongomock.collection.Cursor, mongomock.command_cursor.CommandCursor)):
        return iter(list(value))
    return value


def connect():
    """A new, empty embedded store (a MongoClient look-alike)."""
    return _Locked(mongomock.MongoClient(tz_aware=True, _store=_IndexedServerStore()), threading.RLock())


def is_embedded(client):
    return isinstance(client, _Locked)


def uninterrupted(target):
    """A context in which this thread's calls on `target` (a client, database or collection of
    the embedded store) run with no other thread's in between: the store's lock, held throughout.
    Anything else: no change."""
    return target._lock if isinstance(target, _Locked) else contextlib.nullcontext()
