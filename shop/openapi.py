"""`/api/v1/openapi.json`: the OpenAPI 3 document, generated from the views and their Marshmallow schemas.

Each API view says what it takes and answers with `@operation` (shop/operations.py, as flask-smorest's
`@blp.arguments` / `@blp.response` do): its summary, who may call it, the schemas of its
body, query args and answer, and the errors its rules add. `build_spec` walks the app's
routes and reads what the views recorded, and apispec turns the same schema classes the
views load and dump into the document, so the contract and the code cannot drift apart
(a test checks every API route is documented).
"""
import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields

from .clock import utcnow
from .discounts.model import FIXED, PERCENT
from .images.model import MAX_BYTES
from .orders.model import DELIVERED, IDEMPOTENCY_KEY_PATTERN, SHIPPED
from .operations import ADMIN, ANYONE, TOKEN_HOLDER, TOKEN_OPTIONAL
from .pricing import BASIS_POINTS

bp = Blueprint("openapi", __name__)

class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)
    db = fields.String(required=True)


@cache
def _page_of(item_schema):
    """The schema of a page of `item_schema`, one class per item schema."""
    name = item_schema.__name__.replace("Schema", "") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    })


ERROR_TEXT = {
    400: "Malformed JSON, or JSON that is not an object", 401: "No, bad, expired or revoked token",
    402: "The card was declined", 403: "Not allowed for this account", 404: "No such thing, or not yours",
    409: "Conflict: duplicate, insufficient stock, invalid transition, a delete that something depends on, "
         "or a change that raced another",
    413: "Body over 1 MiB (an image upload: the image over 10 MiB)",
    415: "Body is not application/json (an image upload: not multipart, or the file not a JPEG, PNG or WebP)",
    422: "Validation error", 429: "Too many failed log-ins (Retry-After says when to try again)",
}
JSON_BODY_ERRORS = {400, 413, 415, 422}  # unreadable, too large, not JSON, invalid
UPLOAD_ERRORS = {413, 415, 422}  # too large, not an image, invalid
HEALTH = {"get": {
    "summary": "Liveness and database health",
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": HealthSchema}}},
                  "503": {"description": "The database does not answer",
                          "content": {"application/json": {"schema": HealthSchema}}}},
}}


def build_spec(app):
    """The document of every route of `app` whose view says what it is with `@operation`."""
    spec = APISpec(
        title="shop", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The shop's JSON API. Money is integer minor units; errors share one shape."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    operations = sorted(_documented_operations(app), key=lambda found: found[:2])
    _register_named_schemas(spec, [recorded for _, _, recorded in operations])
    paths = {}
    for path, method, recorded in operations:
        paths.setdefault(path, {})[method] = _operation_object(path, recorded)
    for path, methods in paths.items():
        spec.path(path=path, operations=methods)
    spec.path(path="/healthz", operations=HEALTH)
    document = spec.to_dict()
    for path, method, recorded in operations:
        if recorded.upload:
            _fill_upload_schema(document, document["paths"][path][method], recorded.upload)
    _rules_between_fields(document["components"]["schemas"])
    _card_years(document["components"]["schemas"])
    return document


def _documented_operations(app):
    """(OpenAPI path, method, Operation) for each route whose view records one."""
    for rule in app.url_map.iter_rules():
        recorded = getattr(app.view_functions[rule.endpoint], "openapi_operation", None)
        if recorded is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield path, method.lower(), recorded


def _register_named_schemas(spec, operations):
    """The components that the operations name rather than reach through a schema: the items
    of a bare list, and an upload's text fields (copied into its multipart body)."""
    lists = {recorded.many: recorded.answer for recorded in operations if recorded.many}
    uploads = [recorded.upload for recorded in operations if recorded.upload]
    for schema in dict.fromkeys([*lists.values(), *uploads]):
        spec.components.schema(_schema_name(schema), schema=schema)
    for name, item in lists.items():
        spec.components.schema(name, {"type": "array", "items": {"$ref": f"#/components/schemas/{_schema_name(item)}"}})


def _schema_name(schema):
    """A schema's component name, as apispec gives it: the class name without `Schema`."""
    return schema.__name__.removesuffix("Schema")


def _operation_object(path, recorded):
    operation = {"summary": recorded.summary, "parameters": _parameters(path, recorded)}
    if recorded.upload:
        operation["requestBody"] = _upload_body()
    elif recorded.body:
        operation["requestBody"] = {"required": recorded.body_required,
                                    "content": {"application/json": {"schema": recorded.body}}}
    if recorded.who in (TOKEN_HOLDER, ADMIN):
        operation["security"] = [{"bearer": []}]
    elif recorded.who == TOKEN_OPTIONAL:
        operation["security"] = [{}, {"bearer": []}]
    operation["responses"] = _responses(path, recorded)
    return operation


def _parameters(path, recorded):
    found = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
             for name in _path_names(path)]
    if recorded.args:
        found.append({"in": "query", "schema": recorded.args})
    if recorded.idempotent:
        found.append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
            "description": f"Retries with the same key and body return the first {recorded.idempotent} (200).",
        })
    return found


def _responses(path, recorded):
    answer = recorded.many or (_page_of(recorded.answer) if recorded.page else recorded.answer)
    success = {"description": "OK"}
    if answer:
        success["content"] = {"application/json": {"schema": answer}}
    found = {str(recorded.status): success}
    if recorded.idempotent:
        found["200"] = {"description": "A replay of an earlier request with this Idempotency-Key",
                        "content": {"application/json": {"schema": answer}}}
    for code in _error_statuses(path, recorded):
        found[str(code)] = {"description": ERROR_TEXT.get(code, "Unexpected error"),
                            "content": {"application/json": {"schema": "Error"}}}
    return found


def _error_statuses(path, recorded):
    """An operation's errors: those its own rules add, and those its shape implies. A body can
    be refused (an upload is not JSON, so never malformed), query args invalid, a call without
    a token unauthorized and one without an admin's forbidden, a thing its path names not
    found, and anything can fail unexpectedly."""
    statuses = set(recorded.errors)
    if recorded.upload:
        statuses |= UPLOAD_ERRORS
    elif recorded.body:
        statuses |= JSON_BODY_ERRORS
    if recorded.args:
        statuses.add(422)
    if recorded.who != ANYONE:
        statuses.add(401)
    if recorded.who == ADMIN:
        statuses.add(403)
    if _path_names(path):
        statuses.add(404)
    return sorted(statuses) + [500]


def _path_names(path):
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _card_years(schemas):
    """A card that expired in an earlier year is refused, so the document says the year it
    starts at, printed (26: 2000 + n) or in full (2026)."""
    year = utcnow().year
    schemas["Card"]["properties"]["exp_year"]["anyOf"] = [
        {"minimum": year - 2000, "maximum": 99}, {"minimum": year, "maximum": 2100}]


def _rules_between_fields(schemas):
    """What the schemas' own checks say about fields together, as JSON Schema says it. Rules that
    depend on what is stored (a code's kind when a PATCH leaves it out, a product's options) or
    compare two values (a price range, a code's dates) stay in the descriptions."""
    # An order names its address one way: typed out, or as one of the caller's saved addresses.
    schemas["PlaceOrder"]["oneOf"] = [{"required": ["shipping_address"]}, {"required": ["address_id"]}]
    # A percent code is at most 100% and serves every currency; a fixed code is in its own currency.
    percent = {"properties": {"kind": {"enum": [PERCENT]}, "value": {"maximum": BASIS_POINTS},
                              "currency": {"enum": [None]}}, "required": ["kind"]}
    fixed = {"properties": {"kind": {"enum": [FIXED]}, "currency": {"type": "string"}}, "required": ["kind"]}
    schemas["DiscountCodeCreate"]["oneOf"] = [percent, {**fixed, "required": ["kind", "currency"]}]
    # A change that names no kind is checked with the stored one.
    schemas["DiscountCodeUpdate"]["oneOf"] = [percent, fixed, {"not": {"required": ["kind"]}}]
    # Variants come with options, and then the variants carry the SKUs and stock; without options
    # the product is its one variant, with the body's own SKU.
    schemas["ProductCreate"]["oneOf"] = [
        {"properties": {"options": {"minItems": 1}}, "required": ["options", "variants"],
         "not": {"anyOf": [{"required": ["sku"]}, {"required": ["stock"]}]}},
        {"properties": {"options": {"maxItems": 0}}, "required": ["sku"], "not": {"required": ["variants"]}},
    ]
    # A refund says how much, or which units, or both.
    schemas["Refund"]["anyOf"] = [{"required": ["amount"]}, {"required": ["lines"]}]
    # A carrier and a tracking number come only with shipping.
    schemas["Transition"]["oneOf"] = [
        {"properties": {"status": {"enum": [SHIPPED]}}},
        {"properties": {"status": {"enum": [DELIVERED]}},
         "not": {"anyOf": [{"required": ["carrier"]}, {"required": ["tracking_number"]}]}},
    ]


UPLOAD_TEXT = (
    "`file`: the image's bytes, a JPEG, PNG or WebP by its content (its name and declared type are not "
    "read), of up to 10 MiB (413 above), that decodes (422 for a damaged image) into at most 50 megapixels "
    "(422 above). Any other content is 415. `variant_id`, when given, is one of the product's variants "
    "(a product without options has one, whose id is the product's own), else 422. `position` past the "
    "end puts the image last."
)


def _upload_body():
    """The image upload's multipart body; its schema is filled in by `_fill_upload_schema`."""
    return {"required": True, "description": UPLOAD_TEXT, "content": {"multipart/form-data": {
        "schema": {}, "encoding": {"file": {"contentType": "image/jpeg, image/png, image/webp"}},
    }}}


def _fill_upload_schema(document, operation, upload):
    """The upload schema's text fields (as apispec wrote them) with the binary `file` beside them."""
    text_fields = document["components"]["schemas"][_schema_name(upload)]
    schema = {**text_fields, "properties": {**text_fields["properties"],
                                            "file": {"type": "string", "format": "binary", "maxLength": MAX_BYTES}},
              "required": sorted({*text_fields.get("required", []), "file"})}
    operation["requestBody"]["content"]["multipart/form-data"]["schema"] = schema


@bp.get("/openapi.json")
def openapi_json():
    """This API's OpenAPI 3 document."""
    year, document = current_app.extensions.get("openapi_spec", (None, None))
    if year != utcnow().year:  # built again at New Year, for the card's expiry year
        year, document = current_app.extensions["openapi_spec"] = (utcnow().year, build_spec(current_app))
    return jsonify(document)
