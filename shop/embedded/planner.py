"""How the embedded store answers a read or a conditional write: from the documents its index
shortlists (shop/embedded/index.py), checked directly where a clause is a plain value, sorted
natively where the values allow, and copied out once; anything it cannot answer exactly is
left to mongomock, so the answers are mongomock's (tests/services/test_embedded_indexes.py).
"""
import copy
import datetime
import re

import mongomock
from bson import ObjectId
from mongomock import filtering, helpers
from mongomock.collection import validate_ok_for_update
from pymongo import ReturnDocument

from .index import _KEY_TYPES, _RANGES, _IndexedCollectionStore, _is_range, _store_key
from .speed import _IMMUTABLE


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
            and (sort is None
                 or isinstance(sort, list) and all(isinstance(key, tuple) and len(key) == 2 for key in sort))
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
