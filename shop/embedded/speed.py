"""The embedded store's speed patches: mongomock's copies and date handling made cheaper, and
its documents kept out of the garbage collector's full passes.

mongomock deep-copies each document it inserts and each one before it updates it, parses the
same version strings on every write and walks every value for its dates; these replace those
steps, inside mongomock's own modules, with ones that give the same answers faster. Importing
this module applies them (shop.embedded does).
"""
import copy
import datetime
import functools
import gc

import mongomock
from bson import ObjectId
from mongomock import helpers


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


_IMMUTABLE = frozenset({str, int, float, bool, type(None), ObjectId, bytes})


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
