"""The embedded store: mongomock in this process's memory, made atomic and indexed.

mongomock is not atomic across threads (two threads can both pass a
`{"stock": {"$gte": q}}` filter), so every operation runs under one lock
(`_Locked`): the same guarantee a real MongoDB gives each single-document
operation, and more.

mongomock also answers every query by scanning and copying the whole
collection, so this store keeps the indexes that `ensure_indexes` declares
(see `_Index`): a query that pins an indexed field to a value is matched
against the few documents holding it, and a sorted, limited find copies only
its page. The documents and the matching are still mongomock's own, so answers
are the same (tests/services/test_embedded_indexes.py compares them).
Nothing here runs against a real MongoDB.
"""
import collections
import contextlib
import copy
import datetime
import functools
import gc
import itertools
import operator
import re
import threading

import gridfs
import mongomock
import mongomock.gridfs
from bson import ObjectId
from mongomock import filtering, helpers, store
from mongomock.collection import validate_ok_for_update
from pymongo import ReturnDocument

# pymongo's gridfs checks `isinstance(db, Database)`; this widens that check to mongomock's
# classes (and only that), so GridFS runs on the embedded store's documents.
mongomock.gridfs.enable_gridfs_integration()


def _deep_copy(value, memo=None):
    """copy.deepcopy for stored documents, without its memo for every dict, list and string:
    mongomock deep-copies each document it inserts and each one before it updates it, and
    that was the largest single cost of placing an order. Anything but plain dicts, lists
    and immutable values is left to copy.deepcopy."""
    kind = type(value)
    # A plain value inside a container is taken as it is, without a call for it.
    if kind is dict:
        return {key: item if type(item) in _IMMUTABLE else _deep_copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _IMMUTABLE else _deep_copy(item) for item in value]
    if kind in _IMMUTABLE or kind is datetime.datetime:
        return value
    return copy.deepcopy(value, memo)


class _FastCopy:
    """What mongomock's collection module sees as `copy`: `copy.copy`, and `_deep_copy`."""
    copy = staticmethod(copy.copy)
    deepcopy = staticmethod(_deep_copy)


mongomock.collection.copy = _FastCopy


class _RememberedVersions:
    """What mongomock's collection module sees as `packaging.version`: its `parse`, remembered
    (mongomock parses the same version strings again on every insert and every `$set`)."""
    parse = staticmethod(functools.lru_cache(maxsize=64)(mongomock.collection.version.parse))


mongomock.collection.version = _RememberedVersions

_mongomock_patch_datetimes = helpers.patch_datetime_awareness_in_document


def _patch_datetimes(value):
    """mongomock's `patch_datetime_awareness_in_document` (dates as MongoDB keeps them: naive
    UTC, to the millisecond), over every document inserted and every filter and update given,
    with plain values, dicts, lists and dates told apart by their exact type (mongomock
    tries a chain of isinstance checks on each value). Anything else is mongomock's."""
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    if kind is dict:
        return {key: item if type(item) in _IMMUTABLE else _patch_datetimes(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _IMMUTABLE else _patch_datetimes(item) for item in value]
    if kind is datetime.datetime:
        millisecond = (value.microsecond // 1000) * 1000
        if value.tzinfo:
            return (value - value.utcoffset()).replace(tzinfo=None, microsecond=millisecond)
        return value.replace(microsecond=millisecond)
    return _mongomock_patch_datetimes(value)


helpers.patch_datetime_awareness_in_document = _patch_datetimes

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


def _iter_documents(collection, spec):
    """mongomock's scan, over the documents the index shortlists when it can."""
    documents = collection._store
    if not isinstance(documents, _IndexedCollectionStore):  # renamed away: mongomock's own store
        return mongomock.Collection._iter_documents(collection, spec)
    documents.expire()
    keys, exact = documents.index.shortlist(spec)
    if keys is None:
        matches = mongomock.Collection._iter_documents(collection, spec)
    elif exact:
        matches = (documents.get(key) for key in keys)
    else:
        if not keys:
            filtering.filter_applies(spec, {})  # mongomock validates the filter even then
        met, rest = documents.index.settled(spec)
        if met is not None:  # the clauses the index answered exactly are not matched again
            keys, spec = [key for key in keys if key in met], rest
        checks, spec = _direct_checks(spec)
        candidates = [documents.get(key) for key in keys]
        matches = (doc for doc in candidates if doc is not None and all(check(doc) for check in checks)
                   and filtering.filter_applies(spec, doc))
    return documents.index.watch(matches)


def _ensure_uniques(collection, new_data):
    """mongomock's unique check after an insert or an update, as a read: the documents it
    scans are only compared, so they are not noted as changed (each would be re-read into
    the index before the next lookup, once per unique index of every write)."""
    documents = collection._store
    if not isinstance(documents, _IndexedCollectionStore):
        return mongomock.Collection._ensure_uniques(collection, new_data)
    documents.index.refresh()  # the written document, before the checks stop noting changes
    if all(documents.index.alone_under(new_data, fields, partial) for fields, partial in documents.index.unique_keys):
        return None
    writing, documents.index.writing = documents.index.writing, False
    try:
        return mongomock.Collection._ensure_uniques(collection, new_data)
    finally:
        documents.index.writing = writing


def _direct_checks(spec):
    """Checks for the top-level clauses of `spec` that are a plain value, a `$regex` or its
    `$not` (a catalogue page's and a search's), and `spec` without them. On a field of the
    clause's own type each is one comparison or one `re.search`; mongomock's matcher, which
    a check falls back to for any other value, walks its operator machinery per document and
    per clause."""
    checks, rest = [], {}
    for field, condition in spec.items():
        if not isinstance(field, str) or field.startswith("$") or "." in field:
            rest[field] = condition
        elif type(condition) in _KEY_TYPES or type(condition) is bool:
            checks.append(_equality_check(field, condition))
        elif _is_pattern(condition):
            checks.append(_pattern_check(field, condition, re.compile(condition["$regex"]), False))
        elif isinstance(condition, dict) and len(condition) == 1 and _is_pattern(condition.get("$not")):
            checks.append(_pattern_check(field, condition, re.compile(condition["$not"]["$regex"]), True))
        elif _is_range(condition):
            checks.append(_range_check(field, condition))
        elif _is_plain_in(condition):
            checks.append(_in_check(field, condition))
        else:
            rest[field] = condition
    return checks, rest


# Comparisons that a check makes directly when the document's value has the bound's own type
# (mongomock compares two values of one BSON type with the same operator).
_RANGES = {"$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt, "$gte": operator.ge}
_RANGE_TYPES = (int, str, datetime.datetime)


def _is_range(condition):
    """`{"$lt": bound, ...}` with range operators only, each bound a plain number, string or date
    (an outbox's "due by now", an expiry's "older than")."""
    return (isinstance(condition, dict) and condition and all(op in _RANGES for op in condition)
            and len({type(bound) for bound in condition.values()}) == 1
            and type(next(iter(condition.values()))) in _RANGE_TYPES)


def _range_check(field, condition):
    bounds = [(_RANGES[op], bound) for op, bound in condition.items()]
    kind = type(bounds[0][1])
    naive = kind is datetime.datetime and bounds[0][1].tzinfo is None

    def check(doc):
        value = doc.get(field, filtering.NOTHING)
        if type(value) is kind and (kind is not datetime.datetime or (value.tzinfo is None) == naive):
            return all(compare(value, bound) for compare, bound in bounds)
        return filtering.filter_applies({field: condition}, doc)
    return check


def _is_plain_in(condition):
    """`{"$in": [...]}` whose values are all strings, all integers or all ObjectIds."""
    values = condition.get("$in") if isinstance(condition, dict) and len(condition) == 1 else None
    return (isinstance(values, list) and bool(values) and len({type(value) for value in values}) == 1
            and type(values[0]) in _KEY_TYPES)


def _in_check(field, condition):
    values = frozenset(condition["$in"])
    kind = type(condition["$in"][0])

    def check(doc):
        value = doc.get(field, filtering.NOTHING)
        if type(value) is kind:
            return value in values
        return filtering.filter_applies({field: condition}, doc)
    return check


def _is_pattern(condition):
    return isinstance(condition, dict) and len(condition) == 1 and isinstance(condition.get("$regex"), str)


def _equality_check(field, wanted):
    kind = type(wanted)

    def check(doc):
        value = doc.get(field, filtering.NOTHING)
        if type(value) is kind:
            return value == wanted
        return filtering.filter_applies({field: wanted}, doc)
    return check


def _pattern_check(field, condition, pattern, negated):
    def check(doc):
        value = doc.get(field, filtering.NOTHING)
        if type(value) is str:
            return (pattern.search(value) is None) if negated else (pattern.search(value) is not None)
        return filtering.filter_applies({field: condition}, doc)
    return check


def _get_dataset(collection, spec, sort, fields, as_class):
    """mongomock's sorted read; when each sort field holds values of one plain type, Python sorts
    them directly (mongomock compares the same values with the same `<`, through BSON wrappers)."""
    if sort and not isinstance(sort, dict):
        docs = list(collection._iter_documents(spec))
        if _sort_natively(docs, sort):
            return (collection._copy_only_fields(doc, fields, as_class) for doc in docs)
    return mongomock.Collection._get_dataset(collection, spec, sort, fields, as_class)


_NATIVE_ORDER = {10, 15, 35, 40, 45}  # BSON compare types: number, string, ObjectId, bool, date


_COMPARE_TYPES = {int: 10, float: 10, str: 15, ObjectId: 35, bool: 40, datetime.datetime: 45}


def _sort_value(field, doc):
    # What mongomock's resolve_key finds, without its generality for a top-level field.
    return doc.get(field, filtering.NOTHING) if "." not in field else filtering.resolve_key(field, doc)


def _compare_type(value):
    if type(value) in _COMPARE_TYPES:
        return _COMPARE_TYPES[type(value)]
    if value is filtering.NOTHING or isinstance(value, (list, tuple, dict)):
        return None  # missing, or an array (sorted by its first element): mongomock's way
    try:
        return filtering._get_compare_type(value)
    except NotImplementedError:
        return None


def _sort_natively(docs, sort):
    """Sort `docs` in place as mongomock would (a stable pass per key, last key first); False if unsure."""
    if not all(isinstance(field, str) and not field.startswith("$") and direction in (1, -1)
               for field, direction in sort):
        return False
    rows = [([_sort_value(field, doc) for field, _ in sort], doc) for doc in docs]
    for position in range(len(sort)):
        kinds = {_compare_type(values[position]) for values, _ in rows}
        if len(kinds) > 1 or not kinds <= _NATIVE_ORDER:
            return False
    try:
        for position in reversed(range(len(sort))):
            rows.sort(key=lambda row: row[0][position], reverse=sort[position][1] < 0)
    except TypeError:  # e.g. naive and aware datetimes: let mongomock say so
        return False
    docs[:] = [doc for _, doc in rows]
    return True


def _find(collection, filter=None, projection=None, *args, sort=None, skip=0, limit=0, **kwargs):
    """A find that copies out only what it returns, once: the matching documents are picked
    (and sorted, and paged) from the store's own, then each is copied with its projection and
    its datetimes made aware in one pass. mongomock would copy every match, then walk each copy
    again for its datetimes; anything this does not handle exactly is left to mongomock."""
    copy_out = _copier(projection)
    if (args or kwargs or copy_out is None or not collection.codec_options.tz_aware
            or not isinstance(collection._store, _IndexedCollectionStore)
            or not _is_read(filter, sort, skip, limit)):
        return collection.find(filter, projection, *args, sort=sort, skip=skip, limit=limit, **kwargs)
    keys = _matches(collection, helpers.patch_datetime_awareness_in_document(filter or {}), sort)
    if keys is None:
        return collection.find(filter, projection, sort=sort, skip=skip, limit=limit)
    documents = collection._store
    return iter([copy_out(documents.get(key)) for key in keys[skip:skip + limit if limit else None]])


def _matches(collection, spec, sort):
    """The store keys of the documents matching `spec`, in `sort` order (None when mongomock
    must sort them).

    The answer is remembered until the collection's next write (`_Index.answers`): the
    catalogue's pages and searches are read far more often than products are written."""
    documents = collection._store
    documents.expire()
    documents.index.refresh()
    question = (repr(spec), repr(sort))
    keys = documents.index.recall(question)
    if keys is None:
        docs = list(collection._iter_documents(spec))
        if sort and not _sort_natively(docs, sort):
            return None
        keys = [_store_key(doc["_id"]) for doc in docs]
        documents.index.remember(question, keys)
    return keys


def _find_one(collection, filter=None, *args, **kwargs):
    """mongomock's find_one is the first of a find: this store's find, limited to one."""
    if "limit" in kwargs:
        return collection.find_one(filter, *args, **kwargs)
    if filter is None:
        filter = {}
    if not isinstance(filter, dict):
        filter = {"_id": filter}
    return next(_find(collection, filter, *args, limit=1, **kwargs), None)


def _count_documents(collection, filter, **kwargs):
    """A count is the number of matches, remembered as finds' are (`_matches`)."""
    if kwargs or not isinstance(filter, dict) or not isinstance(collection._store, _IndexedCollectionStore):
        return collection.count_documents(filter, **kwargs)
    return len(_matches(collection, helpers.patch_datetime_awareness_in_document(filter), None))


def _is_read(filter, sort, skip, limit):
    return (isinstance(filter, (dict, type(None)))
            and (sort is None or isinstance(sort, list) and all(isinstance(key, tuple) and len(key) == 2 for key in sort))
            and type(skip) is int and skip >= 0 and type(limit) is int and limit >= 0)


def _copier(projection):
    """A function copying a stored document out as mongomock's find returns it, for a
    projection naming top-level fields only (or none); None for any other projection."""
    if projection is None or projection == {}:
        return _copy_out
    if not isinstance(projection, dict) or not all(
            isinstance(field, str) and "." not in field and not field.startswith("$")
            and type(flag) in (int, bool) and flag in (0, 1) for field, flag in projection.items()):
        return None
    fields = {field: bool(flag) for field, flag in projection.items() if field != "_id"}
    keep_id = bool(projection.get("_id", 1))
    if len(set(fields.values())) > 1:
        return None  # mixing inclusion and exclusion: mongomock raises, so let it
    including = next(iter(fields.values()), keep_id)  # only `_id` named: `{_id: 1}` keeps only it
    if including:
        def copy_out(doc):
            found = {field: _copy_out(doc[field]) for field in doc if field in fields}
            if keep_id and "_id" in doc:
                found["_id"] = doc["_id"]
            return found
    else:
        def copy_out(doc):
            return {field: _copy_out(value) for field, value in doc.items()
                    if field not in fields and (keep_id or field != "_id")}
    return copy_out


def _copy_out(value):
    """A stored value as pymongo reads it back: fresh containers, datetimes in UTC."""
    if isinstance(value, dict):
        return {key: item if type(item) in _IMMUTABLE else _copy_out(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [item if type(item) in _IMMUTABLE else _copy_out(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=helpers.utc)
    return value if type(value) in _IMMUTABLE else copy.copy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None), ObjectId, bytes})


def _page_ids(collection, filter, sort, skip, limit):
    """The `_id`s of a sorted page, read from the store's own documents when they sort natively."""
    docs = list(collection._iter_documents(helpers.patch_datetime_awareness_in_document(filter or {})))
    if _sort_natively(docs, sort):
        return [doc["_id"] for doc in docs[skip:skip + limit]]
    return [doc["_id"] for doc in collection.find(filter, {"_id": 1}, sort=sort, skip=skip, limit=limit)]


def _find_one_and_update(collection, index, filter, update, projection=None, sort=None, upsert=False,
                         return_document=ReturnDocument.BEFORE, **kwargs):
    """mongomock finds the document (copying every match, when sorted), updates it, then finds
    it again for the answer, copying it each time: this picks it from the store's own
    documents and copies out only the answer, once. An upsert, other options, and a
    projection that `_copier` cannot copy or that drops `_id` (then mongomock updates by the
    filter again) are left to mongomock."""
    copy_out = _copier(projection)
    if (upsert or kwargs or copy_out is None or (projection and not projection.get("_id", 1))
            or not isinstance(filter, dict) or not _is_read(filter, sort, 0, 1)
            or not collection.codec_options.tz_aware or not isinstance(collection._store, _IndexedCollectionStore)):
        return collection.find_one_and_update(filter, update, projection, sort, upsert, return_document, **kwargs)
    validate_ok_for_update(update)
    key = _first_match(collection, index, filter, sort)
    if key is None:
        return None
    documents = collection._store
    before = None if return_document is ReturnDocument.AFTER else copy_out(documents.get(key))
    collection._update({"_id": documents.get(key)["_id"]}, update)
    return copy_out(documents.get(key)) if return_document is ReturnDocument.AFTER else before


def _first_match(collection, index, filter, sort):
    """The store key of the first document `filter` matches (in `sort` order), or None; a read."""
    index.writing = False
    try:
        if sort:
            first = _page_ids(collection, filter, sort, 0, 1)
            return _store_key(first[0]) if first else None
        doc = next(iter(collection._iter_documents(helpers.patch_datetime_awareness_in_document(filter))), None)
        return None if doc is None else _store_key(doc["_id"])
    finally:
        index.writing = True


# The embedded store's indexes ----------------------------------------------

# Values kept in the index. Python's equality on these is what mongomock's matcher
# uses (True == 1 and 1 == Int64(1) share an entry, as they match each other there);
# floats (NaN), documents, None and other types stay with the unindexed documents.
_KEY_TYPES = (str, int, ObjectId)
_PLAIN_KEYS = frozenset(_KEY_TYPES)  # exactly these types (not bool, nor another int)
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
        return [self.unindexed[field]] + [keys for value, keys in self.entries[field].items()
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


def keep_documents_out_of_full_collections():
    """Move what is alive now out of the garbage collector's full passes (`gc.freeze`).

    The embedded store's documents live in this process as long as it runs, a million
    objects at 20,000 orders, and Python's full collection walks every one of them: 0.9 s
    with the interpreter held, every time the heap grew by a quarter (measured in-process:
    placing an order cost 2.07 ms of CPU on such a store, 1.48 ms with them frozen). Frozen
    objects are still freed when nothing refers to them; only a reference cycle that dies
    later is never collected, so the young generations are collected first, which is where
    a request's short-lived cycles are."""
    gc.collect(1)
    gc.freeze()
