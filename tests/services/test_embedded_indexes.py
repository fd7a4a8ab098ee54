"""The embedded store's indexes change how fast it answers, never what it answers.

The same random operations run against the embedded store (`db.connect()`) and
against a plain mongomock client with the same indexes; every answer, every
duplicate-key refusal and the final contents must be identical.
"""
import random
import sys
from datetime import datetime, timedelta, timezone

import mongomock
import pytest
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from shop import embedded
from shop.embedded import speed

FIELDS = ["sku", "tags", "owner", "meta.kind"]
SKUS = ["A", "B", "C", 1, True, 1.0, None]
CODES = ["k", "m", 3, None]
TAGS = [["x"], ["x", "y"], [], "x", ["y", ["x"]], {"x": 1}]
START = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
OWNERS = [ObjectId("6500000000000000000000a1"), ObjectId("6500000000000000000000a2"), "a1", 7]


def _setup(database):
    database.things.create_index("sku", unique=True, partialFilterExpression={"sku": {"$type": "string"}})
    database.things.create_index([("tags", 1), ("n", 1)], unique=True, partialFilterExpression={"n": {"$gt": 2}})
    database.things.create_index([("owner", 1), ("n", -1)])
    database.things.create_index("meta.kind")
    # A code once per owner, among the documents that have one (a null one too): the orders' idempotency keys.
    database.things.create_index([("owner", 1), ("code", 1)], unique=True,
                                 partialFilterExpression={"code": {"$exists": True}})
    database.things.create_index([("n", 1), ("code", 1)], unique=True)  # no code: a null one, for every document
    return database.things


def _value(rng, choices):
    return rng.choice(choices)


def _document(rng, n):
    doc = {"n": n, "sku": _value(rng, SKUS + [f"S{n}"]), "owner": _value(rng, OWNERS),
           "at": START + timedelta(minutes=rng.randrange(60))}
    if rng.random() < 0.7:
        doc["tags"] = _value(rng, TAGS)
    if rng.random() < 0.4:
        doc["code"] = _value(rng, CODES)
    meta = rng.choice([None, {}, {"kind": "k1"}, {"kind": "k2"}, [{"kind": "k1"}], {"kind": ["k1", "k3"]}])
    if meta is not None:
        doc["meta"] = meta
    doc["_id"] = rng.choice([n, float(n), f"id{n}", ObjectId(rng.randbytes(12))])
    return doc


def _filter(rng):
    field = rng.choice(FIELDS + ["_id", "n"])
    values = {"sku": SKUS, "tags": ["x", "y", "z"], "owner": OWNERS, "meta.kind": ["k1", "k2", "k3"],
              "_id": [1, 2.0, "id3", 4], "n": [1, 2, 3]}[field]
    shape = rng.randrange(11)
    if shape >= 7:
        return _unindexed_filter(rng, shape)
    if shape == 6:
        return {field: rng.choice(values), "at": {"$lte": START + timedelta(minutes=rng.randrange(60))}}
    if shape == 0:
        condition = rng.choice(values)
    elif shape == 1:
        condition = {"$in": rng.sample(values, k=min(2, len(values)))}
    elif shape == 2:
        condition = {"$exists": rng.random() < 0.5}
    elif shape == 3:
        condition = {"$eq": rng.choice(values)}
    elif shape == 4:
        return {"$and": [{field: rng.choice(values)}, {"n": {"$gte": rng.randrange(5)}}]}
    else:
        condition = {"$ne": rng.choice(values)}
    return {field: condition}


def _unindexed_filter(rng, shape):
    """Shapes 7 to 10: an indexed field shortlists, a clause on other fields decides."""
    if shape == 9:  # a range on a field of mixed types (the outbox's "due by now" is one)
        bound = rng.choice([2, "S3", START, START.replace(tzinfo=None)])
        return {"owner": {"$in": OWNERS}, rng.choice(["n", "sku", "at", "tags"]): {
            op: bound for op in rng.sample(["$lt", "$lte", "$gt", "$gte"], k=rng.randint(1, 2))}}
    if shape == 10:  # `$in` of one plain type, on fields holding other types, lists or nothing
        return {"owner": {"$in": OWNERS}, rng.choice(["sku", "tags", "n", "meta"]): {
            "$in": rng.choice([["A", "B"], [1, 2], ["x"], [OWNERS[0]]])}}
    if shape == 7:  # the search's clauses, on fields holding strings, lists, numbers or nothing
        pattern = {"$regex": rng.choice(["^S", "1", "x", "^(?=[\\s\\S]*k)"])}
        clause = {rng.choice(["sku", "tags", "meta", "n"]): pattern if rng.random() < 0.5 else {"$not": pattern}}
        return dict(clause, owner={"$in": OWNERS})  # an indexed field shortlists, the clause decides
    if shape == 8:  # plain values on fields that are not indexed: True is not 1 there
        return {"owner": {"$in": OWNERS}, rng.choice(["n", "at", "sku"]): rng.choice([1, True, 2, "S3", START])}


def _projection(rng):
    return rng.choice([None, {}, {"sku": 1}, {"sku": 0}, {"_id": 0}, {"_id": 1}, {"sku": 1, "_id": 0},
                       {"meta": 0, "tags": 0}, {"meta.kind": 1}, {"sku": 1, "tags": 0}])


def _apply(rng, things, step):
    """One random operation; returns what it answered (or the error it raised)."""
    kind = rng.randrange(9)
    try:
        if kind <= 1:
            doc = _document(rng, step)
            things.insert_one(doc)
            return ("inserted", doc.get("_id"))
        if kind == 2:
            return list(things.find(_filter(rng), _projection(rng)))
        if kind == 3:
            return things.find_one(_filter(rng), _projection(rng))
        if kind == 4:
            return things.count_documents(_filter(rng))
        if kind == 5:
            change = rng.choice([{"$set": {"sku": _value(rng, SKUS)}}, {"$set": {"tags": _value(rng, TAGS)}},
                                 {"$unset": {"owner": ""}}, {"$push": {"tags": "z"}}, {"$set": {"meta.kind": "k2"}},
                                 {"$inc": {"n": 1}}, {"$unset": {"code": ""}}, {"$set": {"code": _value(rng, CODES)}}])
            result = things.update_one(_filter(rng), change)
            return (result.matched_count, result.modified_count)
        if kind == 6:
            change = rng.choice([{"$set": {"owner": _value(rng, OWNERS)}}, {"$set": {"sku": _value(rng, SKUS)}},
                                 {"$inc": {"n": 1}}, {"$push": {"tags": "x"}}])
            return things.find_one_and_update(
                _filter(rng), change, _projection(rng), sort=rng.choice([None, [("n", -1)], [("sku", 1)]]),
                return_document=rng.choice([ReturnDocument.BEFORE, ReturnDocument.AFTER]),
            )
        if kind == 7:
            sort = rng.choice([[("n", 1)], [("n", -1)], [("sku", 1)], [("owner", -1), ("n", 1)], [("meta.kind", 1)],
                               [("at", -1), ("_id", 1)]])
            return list(things.find(_filter(rng), _projection(rng), sort=sort, skip=rng.randrange(3),
                                    limit=rng.randrange(0, 4)))
        return things.delete_one(_filter(rng)).deleted_count
    except DuplicateKeyError:
        return "duplicate"
    except Exception as error:  # the same refusal from both is the same answer
        return ("error", type(error).__name__)


@pytest.mark.parametrize("seed", range(12))
def test_the_indexed_embedded_store_answers_exactly_as_mongomock_does(seed):
    indexed = _setup(embedded.connect()["shop"])
    plain = _setup(mongomock.MongoClient(tz_aware=True)["shop"])
    rng_a, rng_b = random.Random(seed), random.Random(seed)

    for step in range(400):
        answer = _apply(rng_a, indexed, step)
        expected = _apply(rng_b, plain, step)
        assert answer == expected, f"step {step}"

    assert list(indexed.find()) == list(plain.find())


def test_a_lookup_by_an_indexed_field_does_not_scan_the_collection(monkeypatch):
    things = embedded.connect()["shop"].things
    things.create_index("sku", unique=True)
    things.insert_many([{"sku": f"S{n}", "n": n} for n in range(2000)])
    scanned = []
    real = mongomock.filtering.filter_applies
    monkeypatch.setattr(mongomock.filtering, "filter_applies", lambda spec, doc: scanned.append(doc) or real(spec, doc))

    assert things.find_one({"sku": "S1500"})["n"] == 1500
    assert things.update_one({"sku": "S7"}, {"$set": {"sku": "S7b"}}).modified_count == 1
    assert things.find_one({"sku": "S7"}) is None and things.find_one({"sku": "S7b"})["n"] == 7

    assert len(scanned) < 10


def test_a_remembered_answer_never_outlives_a_write():
    """Reads' answers are kept until the collection's next write: every kind of write, even
    one changing only a field no index holds, is seen by the same read right after it."""
    indexed = embedded.connect()["shop"].things
    indexed.create_index("sku", unique=True)
    plain = mongomock.MongoClient(tz_aware=True)["shop"].things
    for things in (indexed, plain):
        things.insert_many([{"sku": f"S{n}", "n": n % 3} for n in range(9)])

    def read(things):
        return ([doc["sku"] for doc in things.find({"n": 1}, sort=[("sku", 1)])], things.count_documents({"n": 1}),
                (things.find_one({"n": 1}, {"_id": 0}) or {}).get("sku"))

    writes = [("update_one", {"sku": "S1"}, {"$set": {"n": 2}}), ("update_many", {"n": 2}, {"$inc": {"n": -1}}),
              ("find_one_and_update", {"sku": "S4"}, {"$set": {"n": 0}}),
              ("replace_one", {"sku": "S0"}, {"sku": "S0", "n": 1}),
              ("insert_one", {"sku": "S9", "n": 1}), ("delete_one", {"sku": "S7"}), ("delete_many", {"n": 1})]
    for method, *arguments in writes:
        read(indexed)  # remembered now
        for things in (indexed, plain):
            getattr(things, method)(*arguments)
        assert read(indexed) == read(plain), f"after {method}"


def test_dates_and_values_are_stored_as_mongomock_stores_them():
    """The embedded store's copy of mongomock's date patching, value by value (mongomock's
    own, which it calls for what is inside a document, is the reference at the top level)."""
    plus_two = timezone(timedelta(hours=2))
    leaves = [START, START.replace(microsecond=123456), datetime(2026, 1, 1, 23, 30, 0, 999999, tzinfo=plus_two),
              datetime(2026, 1, 1, 0, 0, 0, 4999), "text", 7, 7.5, True, None, ObjectId(), b"bytes"]
    for value in leaves:
        patched = speed._patch_datetimes(value)
        assert patched == speed._mongomock_patch_datetimes(value)
        assert type(patched) is type(speed._mongomock_patch_datetimes(value))
        assert getattr(patched, "tzinfo", None) is None
    nested = {"at": [START, {"until": START.replace(microsecond=987654)}], "n": (1, 2)}
    assert speed._patch_datetimes(nested) == {
        "at": [START.replace(tzinfo=None), {"until": START.replace(tzinfo=None, microsecond=987000)}], "n": [1, 2]}


@pytest.mark.parametrize("seed", range(6))
def test_unique_checks_on_plain_values_refuse_what_mongomock_refuses(seed, monkeypatch):
    """Where the unique fields hold plain strings and integers, the embedded store settles a
    write's unique check from its index when only that document is listed under its values;
    the same writes are refused as by mongomock."""
    monkeypatch.setattr(sys.modules[__name__], "SKUS", ["A", "B", "C", 1, 2])
    monkeypatch.setattr(sys.modules[__name__], "TAGS", ["x", "y", ["x"], ["x", "y"]])
    monkeypatch.setattr(sys.modules[__name__], "CODES", ["k", "m", 3])
    test_the_indexed_embedded_store_answers_exactly_as_mongomock_does(seed)
