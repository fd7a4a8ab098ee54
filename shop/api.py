"""Helpers shared by the JSON endpoints: reading a body, query args, pages."""
from flask import jsonify, request
from marshmallow import EXCLUDE

from .errors import BadRequest, ShopError
from .input_rules import read_json


class UnsupportedMediaType(ShopError):
    status, code, message = 415, "unsupported_media_type", "Send the body as application/json."


def json_body():
    """The request's JSON object, or the contract's 415, 400 (unreadable, or not an
    object) or 422 (text that is not Unicode)."""
    if not request.is_json:
        raise UnsupportedMediaType()
    data = read_json()
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def load_body(schema):
    """Validate the JSON body with `schema` (a ValidationError becomes a 422)."""
    return schema.load(json_body())


def load_args(schema):
    """Validate query arguments; arguments the schema does not name are ignored."""
    return schema.load(request.args.to_dict(), unknown=EXCLUDE)


def page_response(schema, items, total, page, per_page, dump=None):
    """A page of the list in the contract's shape; `dump` (one item to its dict, as
    `dumping.dumper` makes) stands for `schema.dump` where that is the hot path."""
    dumped = [dump(item) for item in items] if dump else schema.dump(items, many=True)
    return jsonify({"items": dumped, "page": page, "per_page": per_page, "total": total})
