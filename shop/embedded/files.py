"""GridFS on the embedded store: pymongo's own GridFS over mongomock's documents, each call
under the store's lock."""
import gridfs
import mongomock
import mongomock.gridfs


# pymongo's gridfs checks `isinstance(db, Database)`; this widens that check to mongomock's
# classes (and only that), so GridFS runs on the embedded store's documents.
mongomock.gridfs.enable_gridfs_integration()


class _LockedFiles:
    """pymongo's GridFS on the embedded store: each call under the store's lock, and a
    file read whole inside it (a GridOut reads its chunks lazily, which would be outside)."""

    def __init__(self, database, collection):
        self._files = gridfs.GridFS(database._target, collection)
        self._lock = database._lock

    def put(self, data, **kwargs):
        with self._lock:
            return self._files.put(data, **kwargs)

    def get(self, file_id):
        with self._lock:
            stored = self._files.get(file_id)
            return _ReadFile(stored.read(), stored.metadata)

    def delete(self, file_id):
        with self._lock:
            self._files.delete(file_id)


class _ReadFile:
    """What `_LockedFiles.get` answers: a GridOut's `read()` and `metadata`, already read."""

    def __init__(self, data, metadata):
        self._data = data
        self.metadata = metadata

    def read(self):
        return self._data


def files(database, collection):
    """GridFS files in `collection` of an embedded database."""
    return _LockedFiles(database, collection)
