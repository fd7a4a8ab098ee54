"""A fault-injection harness for the database layer.

`FaultyClient` wraps the embedded store (the client `shop.db.connect(None)`
returns) and is handed to `create_app(mongo_client=...)`. It counts every
write and read the app sends; `Faults.arm()` makes the N-th one of a kind go
wrong in one of four ways:

- `error`: the operation raises AutoReconnect and does not happen;
- `lost`: the operation happens, then raises AutoReconnect (the answer was lost);
- `die`: the process is killed just before the operation (`Crash`, a
  BaseException nothing in the app catches);
- `die_after`: the process is killed just after it.

After a `Crash` the test goes on with the same store, as a freshly started
process would.
"""
import threading

from pymongo.errors import AutoReconnect

from shop import db as shop_db
from tests import stores
from tests.conftest import TEST_SETTINGS, started_app

WRITES = frozenset({
    "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one", "delete_many",
    "find_one_and_update", "find_one_and_delete", "find_one_and_replace", "bulk_write",
})
READS = frozenset({"find", "find_one", "count_documents", "aggregate", "distinct", "estimated_document_count"})
KINDS = ("error", "lost", "die", "die_after")
FAULT_TEXT = "injected fault: connection to the database lost"


def make_app(store, faults=None):
    """The app on `store`, through a FaultyClient that `faults` arms."""
    return started_app(dict(TEST_SETTINGS), mongo_client=FaultyClient(store, faults or Faults()))


def kinds_at(n):
    """The kinds of fault to try at the n-th operation: all four on the embedded store;
    on a server, where each try costs a database of its own and a round trip per
    operation, one of the four in turn, so that every point and every kind is still
    tried (each point with one kind)."""
    return KINDS if not stores.ON_SERVER else (KINDS[n % len(KINDS)],)


class Crash(BaseException):
    """The process was killed here: nothing in the app may catch it."""


class Faults:
    """Counts operations and fires the one armed fault, once."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.counts = {"write": 0, "read": 0}
            self.target = None
            self.fired = None
            self.log = []

    def arm(self, op, n, kind):
        """From now on, the `n`-th `op` ("write" or "read") fails as `kind`."""
        self.reset()
        self.target = (op, n, kind)

    def disarm(self):
        self.target = None

    def before(self, op, where):
        return self._check(op, where, when="before")

    def _check(self, op, where, when):
        with self._lock:
            if when == "before":
                self.counts[op] += 1
                self.log.append((op, where))
            if self.target is None or self.target[0] != op or self.target[1] != self.counts[op]:
                return
            kind = self.target[2]
            if (when == "before") != (kind in ("error", "die")):
                return
            self.target, self.fired = None, (op, self.counts[op], kind, where)
        if kind in ("die", "die_after"):
            raise Crash(f"killed at {op} {self.counts[op]} ({where})")
        raise AutoReconnect(FAULT_TEXT)

    def after(self, op, where):
        return self._check(op, where, when="after")


class FaultyCollection:
    def __init__(self, target, faults, name):
        self._target, self._faults, self._name = target, faults, name

    def __getattr__(self, name):
        attribute = getattr(self._target, name)
        op = "write" if name in WRITES else "read" if name in READS else None
        if op is None:
            return attribute

        def call(*args, **kwargs):
            where = f"{self._name}.{name}"
            self._faults.before(op, where)
            result = attribute(*args, **kwargs)
            self._faults.after(op, where)
            return result

        return call


class FaultyDatabase:
    def __init__(self, target, faults):
        self._target, self._faults = target, faults

    def __getattr__(self, name):
        if name.startswith("_") or name in ("command", "name", "client", "list_collection_names"):
            return getattr(self._target, name)
        return FaultyCollection(self._target[name], self._faults, name)

    def __getitem__(self, name):
        return FaultyCollection(self._target[name], self._faults, name)


class FaultyClient:
    def __init__(self, target, faults):
        self._target, self._faults = target, faults

    def __getitem__(self, name):
        return FaultyDatabase(self._target[name], self._faults)

    def __getattr__(self, name):
        return getattr(self._target, name)


def new_store():
    return shop_db.connect(None)


def clone_store(source, db_name="shop"):
    """A new embedded store holding a copy of every document of `source`."""
    copy = new_store()
    # Indexes first: mongomock ignores a partial index's filter when it indexes existing documents.
    shop_db.ensure_indexes(copy[db_name])
    for name in source[db_name].list_collection_names():
        docs = list(source[db_name][name].find())
        if docs:
            copy[db_name][name].insert_many(docs)
    return copy
