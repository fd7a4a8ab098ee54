"""Which store the suite runs on: one setting, `TEST_MONGO_URI`.

Unset, every app a test builds gets a new embedded store (mongomock made atomic,
in memory). Set to a `mongodb://` URI (the README's `make test` starts a
SecantusDB server on loopback and sets it for its second pass), every app
connects to that server through the app's own `shop.db.connect`, with its real
timeouts, and gets a database of its own. `connect` keeps the embedded store's
meaning on both: each call is a new, empty store. Every client and database a
test opened is closed and dropped when the test ends.
"""
import itertools
import os
import uuid

SERVER_URI = os.environ.get("TEST_MONGO_URI") or None
ON_SERVER = SERVER_URI is not None
STORE_NAME = "server" if ON_SERVER else "embedded"


class OwnDatabaseClient:
    """A pymongo client that answers every database name with one database of its own,
    as a new embedded store is empty whatever the app names its database."""

    def __init__(self, client, db_name):
        self._client = client
        self.own_db_name = db_name
        self.closed = False

    def __getitem__(self, name):
        return self._client[self.own_db_name]

    def close(self):
        """Drop the database and close the client (once; the test's end does it otherwise)."""
        if not self.closed:
            self.closed = True
            try:
                self._client.drop_database(self.own_db_name)
            finally:
                self._client.close()

    def __getattr__(self, name):
        return getattr(self._client, name)


class Stores:
    """The clients and databases one test opened on the server, to close and drop."""

    _counter = itertools.count()
    _run = uuid.uuid4().hex[:8]

    def __init__(self, real_connect):
        self.real_connect = real_connect
        self.opened = []

    def connect(self, uri=None, *args, **kwargs):
        if not ON_SERVER:
            return self.real_connect(uri, *args, **kwargs)
        client = self.real_connect(uri or SERVER_URI, *args, **kwargs)
        scoped = OwnDatabaseClient(client, f"t{self._run}_{next(self._counter)}")
        self.opened.append(scoped)
        return scoped

    def close_all(self):
        for scoped in self.opened:
            scoped.close()
        self.opened.clear()

