"""The embedded store's indexes: for each collection, its indexed fields' values -> the
documents holding them, kept in step with mongomock's documents (`_IndexedCollectionStore`).

mongomock answers every query by scanning the whole collection; `_Index` shortlists the few
documents a filter may match, which mongomock's matcher then decides (shop/embedded/planner.py).
"""
import collections
import datetime
import itertools
import operator

from bson import ObjectId
from mongomock import helpers, store


# Comparisons that a check makes directly when the document's value has the bound's own type
# (mongomock compares two values of one BSON type with the same operator).
_RANGES = {"$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt, "$gte": operator.ge}


_RANGES = {"$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt, "$gte": operator.ge}
_RANGE_TYPES = (int, str, datetime.datetime)


def _is_range(condition):
    """`{"$lt": bound, ...}` with range operators only, each bound a plain number, string or date
    (an outbox's "due by now", an expiry's "older than")."""
    return (isinstance(condition, dict) and condition and all(op in _RANGES for op in condition)
            and len({type(bound) for bound in condition.values()}) == 1
            and type(next(iter(condition.values()))) in _RANGE_TYPES)


# Values kept in the index. Python's equality on these is what mongomock's matcher
# uses (True == 1 and 1 == Int64(1) share an entry, as they match each other there);
# floats (NaN), documents, None and other types stay with the unindexed documents.
_KEY_TYPES = (str, int, ObjectId)


_KEY_TYPES = (str, int, ObjectId)
_PLAIN_KEYS = frozenset(_KEY_TYPES)  # exactly these types (not bool, nor another int)


_PLAIN_KEYS = frozenset(_KEY_TYPES)  # exactly these types (not bool, nor another int)
_ANSWERS_KEPT = 256  # per collection


_ANSWERS_KEPT = 256  # per collection
_UNINDEXED = object()


class _Index:
    """Equality lookups on one collection: for each indexed field, value -> store keys
    (and `$all`, as the documents listed under every value: the search's trigram index).

    A shortlist is a superset of the documents a filter matches, in store order;
    mongomock's matcher then decides. So a document whose indexed field holds an
    array is listed under each element; one whose value is not a plain string,
    integer or ObjectId is listed as unindexed and always shortlisted.
    Documents that a write scanned are re-read before the next lookup, because
    mongomock updates documents in place.
    """

    def __init__(self, fields):
        self.fields = set(fields) | {"_id"}
        self.entries = {field: {} for field in self.fields}  # field -> value -> set of keys
        self.unindexed = {field: set() for field in self.fields}  # keys whose value is not indexable
        self.present = {field: set() for field in self.fields}  # keys of documents that have the field
        self.values = {}  # key -> {field: frozenset of indexed values, or _UNINDEXED}
        self.order = {}  # key -> position in the store
        self.counter = itertools.count()
        self.dirty = set()
        self.writing = True
        self.unique_keys = ()  # (fields, partial filter) of each unique index
        self.documents = None
        # Reads' answers, (filter, sort) -> store keys in order; forgotten at any change.
        self.answers = collections.OrderedDict()

    def recall(self, question):
        keys = self.answers.get(question)
        if keys is not None:
            self.answers.move_to_end(question)
        return keys

    def remember(self, question, keys):
        self.answers[question] = keys
        if len(self.answers) > _ANSWERS_KEPT:
            self.answers.popitem(last=False)

    def forget(self):
        if self.answers:
            self.answers.clear()

    def add(self, key, doc):
        self.forget()  # an insert, or a document a write touched (re-read by `refresh`)
        if key not in self.order:
            self.order[key] = next(self.counter)
        found = {}
        for field in self.fields:
            # Every write re-reads each indexed field of what it wrote: a plain top-level value
            # is looked up and listed without `_lookup`'s and `_indexable`'s generality.
            value = doc.get(field, _MISSING) if "." not in field else _lookup(doc, field)
            if value is not _MISSING:
                found[field] = frozenset((value,)) if type(value) in _PLAIN_KEYS else _indexable(value)
        listed = self.values.get(key)
        if listed == found:
            return
        self.values[key] = found
        listed = listed or {}
        for field in self.fields:  # a write changes few indexed fields: only theirs are listed again
            before, after = listed.get(field, _MISSING), found.get(field, _MISSING)
            if before is not after and before != after:
                self._unlist(field, key, before)
                self._list(field, key, after)

    def remove(self, key):
        self.forget()
        for field, values in self.values.pop(key, {}).items():
            self._unlist(field, key, values)
        self.order.pop(key, None)

    def _list(self, field, key, values):
        if values is _MISSING:
            return
        self.present[field].add(key)
        if values is _UNINDEXED:
            self.unindexed[field].add(key)
            return
        for value in values:
            self.entries[field].setdefault(value, set()).add(key)

    def _unlist(self, field, key, values):
        if values is _MISSING:
            return
        self.present[field].discard(key)
        if values is _UNINDEXED:
            self.unindexed[field].discard(key)
            return
        for value in values:
            keys = self.entries[field][value]
            keys.discard(key)
            if not keys:
                del self.entries[field][value]

    def watch(self, documents):
        """Pass `documents` through, noting the ones a write may change in place."""
        if not self.writing:
            return documents
        return (self._touched(doc) for doc in documents)

    def _touched(self, doc):
        self.dirty.add(_store_key(doc["_id"]))
        return doc

    def alone_under(self, doc, fields, partial):
        """Whether mongomock's unique check of `doc` on this index (a find of the documents
        holding its values of `fields` that pass `partial`) can find no other document: at
        most one is listed under every one of its plain values, and none holds an unindexed
        value in any of these fields (a float, a null, a document may match a plain value)."""
        listed = []
        for field in fields:
            if field not in self.fields or self.unindexed[field]:
                return False
            value = doc.get(field, _MISSING) if "." not in field else _lookup(doc, field)
            if value is _MISSING and "." not in field and partial.get(field) == {"$exists": True}:
                return True  # mongomock looks for a null there, among documents that have the field
            if type(value) not in _PLAIN_KEYS:
                return False
            listed.append(self.entries[field].get(value, _NONE))
        listed.sort(key=len)
        return len(listed[0]) <= 1 or len(listed[0].intersection(*listed[1:])) <= 1

    def refresh(self):
        while self.dirty:
            key = self.dirty.pop()
            doc = self.documents.get(key)
            if doc is not None:
                self.add(key, doc)

    def shortlist(self, spec):
        """(store keys, in store order, of the documents that may match `spec`, whether all of
        them do); (None, False) to scan them all."""
        self.refresh()
        if not isinstance(spec, dict):
            return None, False
        keys = exact = self._exact(spec)
        if keys is None:
            found = self._candidates(spec)
            keys = None if found is None else set().union(*found)
        if keys is None:
            return None, False
        return sorted(keys, key=self.order.__getitem__), exact is not None

    def settled(self, spec):
        """The keys of the documents that meet every top-level `$all` of `spec` on an indexed
        field whose documents are all indexed (exactly: a search's trigrams), and `spec`
        without those clauses; (None, spec) when there is none. mongomock would otherwise
        compare each candidate's whole trigram list with every trigram asked for."""
        met, rest = None, dict(spec)
        for field, condition in spec.items():
            if (field in self.fields and not self.unindexed[field] and isinstance(condition, dict)
                    and len(condition) == 1 and _all_indexable(condition.get("$all"))):
                keys = self._entries(field, condition)[1]
                met = set(keys) if met is None else met & keys
                del rest[field]
        return met, rest

    def _exact(self, spec):
        """The documents `spec` matches, when it only pins indexed fields (none holding an
        unindexable value) to plain values: then the index alone is the answer."""
        fields = []
        for field, condition in spec.items():
            if field not in self.fields or self.unindexed[field]:
                return None
            if isinstance(condition, dict) and len(condition) != 1:
                return None
            entries = self._entries(field, condition)
            if entries is None:
                return None
            fields.append(entries)
        if not fields:
            return None
        # Walk the smallest field's documents; test the others by membership, never copying them.
        fields.sort(key=_size)
        first, others = fields[0], fields[1:]
        if not others:
            return set().union(*first)
        return {key for entry in first for key in entry
                if all(any(key in other for other in entries) for entries in others)}

    def _candidates(self, spec):
        """Index entries whose union holds every document `spec` may match (the smallest
        such choice), or None."""
        best = None
        for field, condition in spec.items():
            if field == "$and" and isinstance(condition, list):
                options = [self._candidates(clause) for clause in condition if isinstance(clause, dict)]
            elif field in self.fields:
                options = [self._entries(field, condition) or self._range_entries(field, condition)]
            else:
                continue
            for entries in options:
                if entries is not None and (best is None or _size(entries) < _size(best)):
                    best = entries
        return best

    def _range_entries(self, field, condition):
        """For a range (`_is_range`'s) with a plain string, integer or ObjectId bound, the
        entries that may hold a match: every value but those of the bound's own type outside
        it, and the unindexed documents (the repair's "has any pending action"); else None.
        Not an exact answer: mongomock's matcher still decides."""
        if not _is_range(condition) or type(next(iter(condition.values()))) not in _PLAIN_KEYS:
            return None
        kind = type(next(iter(condition.values())))
        bounds = [(_RANGES[op], bound) for op, bound in condition.items()]
        return [self.unindexed[field]] + [
            keys for value, keys in self.entries[field].items()
            if type(value) is not kind or all(compare(value, bound) for compare, bound in bounds)]

    def _entries(self, field, condition):
        """The index entries (sets of keys, read and never changed by the callers) whose union
        is every document that may match `condition` on `field`; None if the index cannot say."""
        if isinstance(condition, dict) and condition.get("$exists") is True and len(condition) == 1:
            return [self.present[field]]
        if isinstance(condition, dict) and len(condition) == 1 and _all_indexable(condition.get("$all")):
            # Every value must be there (a search's trigrams): the documents listed under all of them.
            listed = sorted((self.entries[field].get(value, _NONE) for value in condition["$all"]), key=len)
            return [self.unindexed[field], listed[0].intersection(*listed[1:])]
        wanted = _wanted(condition)
        if wanted is None:
            return None
        return [self.unindexed[field]] + [self.entries[field].get(value, _NONE) for value in wanted]


def _size(entries):
    return sum(map(len, entries))


_MISSING = object()


_MISSING = object()
_NONE = frozenset()


def _lookup(doc, field):
    """The value at a (dotted) field, _MISSING, or _UNINDEXED past an array."""
    value = doc
    for part in field.split("."):
        if isinstance(value, list):
            return _UNINDEXED
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _indexable(value):
    """The values a document is listed under for this field, or _UNINDEXED."""
    if value is _UNINDEXED:
        return _UNINDEXED
    values = value if isinstance(value, list) else [value]
    if all(isinstance(item, _KEY_TYPES) for item in values):
        return frozenset(values)
    return _UNINDEXED


def _all_indexable(values):
    return isinstance(values, list) and bool(values) and all(isinstance(value, _KEY_TYPES) for value in values)


def _wanted(condition):
    """The values an equality condition accepts, or None when it is not one the index answers."""
    if isinstance(condition, dict):
        if "$eq" in condition:
            condition = condition["$eq"]
        elif isinstance(condition.get("$in"), list):
            values = condition["$in"]
            return values if all(isinstance(value, _KEY_TYPES) for value in values) else None
        else:
            return None
    return [condition] if isinstance(condition, _KEY_TYPES) else None


def _store_key(_id):
    return helpers.hashdict(_id) if isinstance(_id, dict) else _id


class _IndexedCollectionStore(store.CollectionStore):
    """mongomock's documents of one collection, with an `_Index` kept in step with them."""

    def __init__(self, name):
        super().__init__(name)
        self._reindex()

    def _reindex(self):
        fields = set()
        for index in self.indexes.values():
            # The first field serves queries (as in MongoDB); every field of a unique
            # index is looked up by mongomock's uniqueness check on each write.
            keys = list(index["key"]) if index.get("unique") else list(index["key"])[:1]
            fields.update(field for field, _ in keys)
        self.index = _Index(fields)
        self.index.documents = self._documents
        self._note_unique_indexes()
        for key, doc in self._documents.items():
            self.index.add(key, doc)

    def _note_unique_indexes(self):
        self.index.unique_keys = [([field for field, _ in index["key"]], index.get("partialFilterExpression") or {})
                                  for index in self.indexes.values() if index.get("unique")]

    def get(self, key):
        return self._documents.get(key)

    def expire(self):
        self._remove_expired_documents()

    def __setitem__(self, key, val):
        super().__setitem__(key, val)
        self.index.add(key, val)

    def __delitem__(self, key):
        super().__delitem__(key)
        self.index.remove(key)
        self.index.dirty.discard(key)

    def drop(self):
        super().drop()
        self._reindex()

    def create_index(self, index_name, index_dict):
        super().create_index(index_name, index_dict)
        if any(field not in self.index.fields for field, _ in index_dict["key"]):
            self._reindex()
        self._note_unique_indexes()


class _IndexedDatabaseStore(store.DatabaseStore):
    def __getitem__(self, col_name):
        if col_name not in self._collections:
            self._collections[col_name] = _IndexedCollectionStore(col_name)
        return self._collections[col_name]


class _IndexedServerStore(store.ServerStore):
    def __getitem__(self, db_name):
        if db_name not in self._databases:
            self._databases[db_name] = _IndexedDatabaseStore()
        return self._databases[db_name]
