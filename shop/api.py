"""Helpers shared by the JSON endpoints: reading a body, query args, pages."""
from flask import jsonify, request
from marshmallow import EXCLUDE

from .errors import BadRequest, ShopError


class UnsupportedMediaType(ShopError):
    status, code, message = 415, "unsupported_media_type", "Send the body as application/json."


def json_body():
    """The request's JSON object, or the contract's 415/400."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not JSON we can read
        data = None
    if data is None:
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def load_body(schema):
    """Validate the JSON body with `schema` (a ValidationError becomes a 422)."""
    return schema.load(json_body())


def load_args(schema):
    """Validate query arguments; arguments the schema does not name are ignored."""
    return schema.load(request.args.to_dict(), unknown=EXCLUDE)


def page_response(schema, items, total, page, per_page):
    return jsonify(
        {"items": schema.dump(items, many=True), "page": page, "per_page": per_page, "total": total}
    )
