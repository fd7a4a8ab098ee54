"""MongoDB ids as the API shows them: 24-character hex strings, in lower case.

One rule everywhere: an id is accepted in any case (in a path, a body or a query
argument) and used in lower case, the form the shop writes, so that an id typed
in upper case finds the same product, order or cart line.
"""
from bson import ObjectId
from werkzeug.routing import BaseConverter


def object_id(value):
    """The ObjectId that `value` spells, or None when it spells none."""
    if isinstance(value, str) and len(value) == 24 and ObjectId.is_valid(value):
        return ObjectId(value)
    return None


def canonical_id(text):
    """`text` in lower case when it spells an id; anything else unchanged (a slug, say)."""
    return text.lower() if object_id(text) is not None else text


class IdConverter(BaseConverter):
    """`<id:name>` in a route: an id (or a slug, for products) in its canonical case."""

    def to_python(self, value):
        return canonical_id(value)


class ObjectIdConverter(IdConverter):
    """`<oid:name>` in a route: an id and nothing else (no slug), so that a fixed path beside
    it (`/orders/quote`, `/orders/claim`) is never read as one."""
    regex = "[0-9a-fA-F]{24}"
