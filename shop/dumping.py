"""Fast dumps for the hottest answers, made from their Marshmallow schemas.

`schema.dump` walks every field through Marshmallow's generic machinery (a few
microseconds each); a page of 20 products with their variants is about 300
fields, close to half of what answering it costs. `dumper(schema)` reads the
schema once and returns a plain function that builds the same dict: the schema
stays the one place that says what an answer holds (and the OpenAPI document
is still made from it). It handles only the field kinds those answers use and
refuses any other when it is built, so a new kind of field cannot be dumped
wrong. tests/unit/test_dumping.py checks it against `schema.dump` on real
catalogue products.
"""
from marshmallow import fields

from .clock import isoformat
from .fields import ObjectIdString, TrimmedString, UtcDateTime

_MISSING = object()


def dumper(schema):
    """A function `obj -> dict` equal to `schema.dump(obj)`; TypeError now for a field it
    cannot dump exactly."""
    steps = [(field.data_key or name, field.attribute or name, _converter(field, schema),
              isinstance(field, fields.Method)) for name, field in schema.dump_fields.items()]

    def dump(obj):
        out = {}
        read = obj.get if isinstance(obj, dict) else (lambda attr, default: getattr(obj, attr, default))
        for key, attr, convert, of_whole in steps:
            if of_whole:  # a Method field is made from the whole object
                out[key] = convert(obj)
                continue
            value = read(attr, _MISSING)
            if value is _MISSING:
                continue
            out[key] = None if value is None else convert(value)
        return out

    return dump


def _converter(field, schema):
    """What the field's own `_serialize` does to a value that is not None."""
    kind = type(field)
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind is fields.Integer and not field.as_string:
        return int
    if kind is fields.Boolean:
        return _boolean(field)
    if kind is fields.Method:
        return getattr(schema, field.serialize_method_name)
    if kind is fields.Nested:
        nested = dumper(field.schema)
        return (lambda values: [nested(value) for value in values]) if field.many else nested
    if kind is fields.List:
        inner = _converter(field.inner, schema)
        return lambda values: [None if value is None else inner(value) for value in values]
    if kind is fields.Dict and type(field.key_field) in _PLAIN and type(field.value_field) in _PLAIN:
        keys, values = _PLAIN[type(field.key_field)], _PLAIN[type(field.value_field)]
        return lambda mapping: {keys(key): None if value is None else values(value) for key, value in mapping.items()}
    raise TypeError(f"no fast dump for a {kind.__name__} field: dump {type(schema).__name__} with Marshmallow")


# Fields whose dump of a value is one function of it: a String's (and our subclasses', which
# change only how they load) is `str`, our UtcDateTime's is `clock.isoformat`.
_PLAIN = {fields.String: str, TrimmedString: str, ObjectIdString: str, UtcDateTime: isoformat}


def _boolean(field):
    """Marshmallow's Boolean dump: its truthy and falsy sets, else `bool`."""
    truthy, falsy = field.truthy, field.falsy

    def convert(value):
        try:
            if value in truthy:
                return True
            if value in falsy:
                return False
        except TypeError:  # an unhashable value
            pass
        return bool(value)

    return convert
