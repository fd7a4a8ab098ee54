"""`/api/v1/openapi.json`: the OpenAPI 3 document, generated from the Marshmallow schemas.

The table below names, for every endpoint, the schemas its route loads and
dumps; apispec turns those same schema classes into the document, so the
contract and the code cannot drift apart (a test checks every API route is here).
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields

from .addresses.schemas import (
    LIST_TEXT as ADDRESS_LIST_TEXT, AddressCreateSchema, AddressListArgs, AddressUpdateSchema, SavedAddressSchema,
)
from .auth.schemas import (
    AcceptedSchema, CredentialsSchema, CustomerListArgs, CustomerSchema, PasswordChangeSchema,
    PasswordResetRequestSchema, PasswordResetSchema, RegisterSchema, TokenSchema, UserSchema, UserUpdateSchema,
)
from .categories.schemas import CategoryCreateSchema, CategorySchema, CategoryUpdateSchema
from .discounts.schemas import DiscountCodeCreateSchema, DiscountCodeListArgs, DiscountCodeSchema, DiscountCodeUpdateSchema
from .orders.schemas import (
    CancelSchema, CardSchema, OrderListArgs, OrderSchema, PlaceOrderSchema, QuoteOutSchema, RefundResultSchema,
    RefundSchema, TransitionSchema,
)
from .products.schemas import (
    AdjustmentResultSchema, ImageSchema, LedgerArgs, LowStockArgs, LowStockItemSchema, MovementSchema,
    NewVariantSchema, ProductCreateSchema, ProductListArgs, ProductSchema, ProductUpdateSchema, StockAdjustmentSchema,
    VariantSchema, VariantUpdateSchema,
)
from .shipping.schemas import (
    ShippingMethodCreateSchema, ShippingMethodListArgs, ShippingMethodSchema, ShippingMethodUpdateSchema,
)
from .taxes.schemas import TaxRateCreateSchema, TaxRateListArgs, TaxRateSchema, TaxRateUpdateSchema
from .clock import utcnow
from .images.model import MAX_BYTES
from .images.schemas import ImageUpdateSchema, ImageUploadSchema
from .orders.model import DELIVERED, IDEMPOTENCY_KEY_PATTERN, SHIPPED
from .discounts.model import FIXED, PERCENT
from .pricing import BASIS_POINTS

bp = Blueprint("openapi", __name__)

# The operations that take an Idempotency-Key, and what a retry returns again.
IDEMPOTENT = {("/orders", "post"): "order", ("/orders/{order_id}/refunds", "post"): "refund"}


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)
    db = fields.String(required=True)


def _page_of(item_schema):
    name = item_schema.__name__.replace("Schema", "") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    })


ProductPage, MovementPage, OrderPage = _page_of(ProductSchema), _page_of(MovementSchema), _page_of(OrderSchema)
LowStockPage = _page_of(LowStockItemSchema)
ShippingMethodPage, TaxRatePage = _page_of(ShippingMethodSchema), _page_of(TaxRateSchema)
DiscountCodePage = _page_of(DiscountCodeSchema)
SavedAddressPage = _page_of(SavedAddressSchema)
CustomerPage = _page_of(CustomerSchema)
WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422]
OPTIONAL_BODIES = {CancelSchema}  # a v1 client cancels with no body at all
CATEGORY_TREE = "CategoryTree"  # the contract's bare list of top-level categories, not a page

# (path, method, summary, who, request body, query args, success status, response, error statuses)
# who: "anyone", "token" (bearer token), "admin", or "optional" (a token widens what is shown).
ENDPOINTS = [
    ("/auth/register", "post", "Create a customer account", "anyone", RegisterSchema, None, 201, UserSchema, [400, 409, 413, 415, 422]),
    ("/auth/tokens", "post", "Log in: exchange email and password for a bearer token", "anyone", CredentialsSchema, None, 201, TokenSchema, [400, 401, 413, 415, 422, 429]),
    ("/auth/tokens/current", "delete", "Log out: revoke this token", "token", None, None, 204, None, [401]),
    ("/auth/password-resets", "post", "E-mail a one-use link to set a new password (202 whether or not the email has an account, and over the limit, when nothing is sent)", "anyone", PasswordResetRequestSchema, None, 202, AcceptedSchema, [400, 413, 415, 422]),
    ("/auth/password-resets/{token}", "post", "Set a new password through the e-mailed link, once; every session and token of the account ends", "anyone", PasswordResetSchema, None, 204, None, [400, 404, 413, 415, 422]),
    ("/me", "get", "The token holder's account", "token", None, None, 200, UserSchema, [401]),
    ("/me/addresses", "get", ADDRESS_LIST_TEXT + ", the default marked", "token", None, AddressListArgs, 200, SavedAddressPage, [401, 422]),
    ("/me/addresses", "post", "Save an address (your first one is the default; 422 once the book is full)", "token", AddressCreateSchema, None, 201, SavedAddressSchema, [400, 401, 413, 415, 422]),
    ("/me/addresses/{address_id}", "get", "One of your saved addresses", "token", None, None, 200, SavedAddressSchema, [401, 404]),
    ("/me/addresses/{address_id}", "patch", "Change a saved address, or make it the default (the previous default no longer is)", "token", AddressUpdateSchema, None, 200, SavedAddressSchema, [400, 401, 404, 413, 415, 422]),
    ("/me/addresses/{address_id}", "delete", "Delete a saved address (orders keep their copy; the newest remaining one becomes the default)", "token", None, None, 204, None, [401, 404]),
    ("/me", "patch", "Change the token holder's name", "token", UserUpdateSchema, None, 200, UserSchema, [400, 401, 413, 415, 422]),
    ("/customers", "get", "The customers' accounts, newest first, each with how many orders it placed; q: the start of an e-mail or a name, any case", "admin", None, CustomerListArgs, 200, CustomerPage, [401, 403, 422]),
    ("/me/password", "post", "Change the password (422 on details.current_password when it is wrong); every other session and token ends, this token keeps working", "token", PasswordChangeSchema, None, 204, None, [400, 401, 413, 415, 422, 429]),
    ("/products", "get", "List, search, filter and sort products", "optional", None, ProductListArgs, 200, ProductPage, [401, 422]),
    ("/products", "post", "Add a product", "admin", ProductCreateSchema, None, 201, ProductSchema, [400, 401, 403, 409, 413, 415, 422]),
    # One path for GET, PATCH and DELETE: OpenAPI treats /products/{a} and /products/{b} as the same path.
    ("/products/{product_id}", "get", "One product by id or slug", "optional", None, None, 200, ProductSchema, [401, 404]),
    ("/products/{product_id}", "patch", "Change a product (never its stock)", "admin", ProductUpdateSchema, None, 200, ProductSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}", "delete", "Archive a product", "admin", None, None, 204, None, [401, 403, 404]),
    ("/products/{product_id}/stock-adjustments", "post", "Adjust stock with a reason", "admin", StockAdjustmentSchema, None, 201, AdjustmentResultSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}/stock-movements", "get", "The stock ledger of a product's variants (or one), newest first", "admin", None, LedgerArgs, 200, MovementPage, [401, 403, 404, 422]),
    ("/products/{product_id}/variants", "post", "Add a variant (a new combination of the options)", "admin", NewVariantSchema, None, 201, VariantSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}/variants/{variant_id}", "patch", "Change a variant's SKU, price or sale (never its stock)", "admin", VariantUpdateSchema, None, 200, VariantSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}/variants/{variant_id}", "delete", "Archive a variant", "admin", None, None, 204, None, [401, 403, 404]),
    ("/categories", "get", "Every category, as a tree of top-level categories with their subcategories", "anyone", None, None, 200, CATEGORY_TREE, []),
    ("/categories", "post", "Add a category (at the top, or under a parent)", "admin", CategoryCreateSchema, None, 201, CategorySchema, [400, 401, 403, 409, 413, 415, 422]),
    ("/categories/{category_id}", "get", "One category by id or slug, with its subcategories", "anyone", None, None, 200, CategorySchema, [404]),
    ("/categories/{category_id}", "patch", "Rename, re-slug, describe or move a category", "admin", CategoryUpdateSchema, None, 200, CategorySchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/categories/{category_id}", "delete", "Delete a category with no subcategories and no products (it is gone: 404 after)", "admin", None, None, 204, None, [401, 403, 404, 409]),
    ("/inventory/low-stock", "get", "Variants on sale at or under a stock threshold", "admin", None, LowStockArgs, 200, LowStockPage, [401, 403, 422]),
    # multipart/form-data: the upload's text fields are the schema's, beside a binary `file`.
    ("/products/{product_id}/images", "post", "Upload an image (JPEG, PNG or WebP, up to 10 MiB)", "admin", ImageUploadSchema, None, 201, ImageSchema, [401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}/images/{image_id}", "patch", "Change an image's alt text or position", "admin", ImageUpdateSchema, None, 200, ImageSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/products/{product_id}/images/{image_id}", "delete", "Remove an image and its files", "admin", None, None, 204, None, [401, 403, 404, 409]),
    ("/orders", "post", "Place an order (all or nothing)", "token", PlaceOrderSchema, None, 201, OrderSchema, [400, 401, 409, 413, 415, 422]),
    ("/orders/quote", "post", "The order this body would place now (totals, shipping, discount, taxes, short lines); nothing moves", "token", PlaceOrderSchema, None, 200, QuoteOutSchema, [400, 401, 413, 415, 422]),
    ("/orders", "get", "Your orders (admins: all), newest first", "token", None, OrderListArgs, 200, OrderPage, [401, 422]),
    ("/orders/{order_id}", "get", "One order", "token", None, None, 200, OrderSchema, [401, 404]),
    ("/orders/{order_id}/payments", "post", "Pay an order by card", "token", CardSchema, None, 200, OrderSchema, [400, 401, 402, 403, 404, 409, 413, 415, 422]),
    ("/orders/{order_id}/cancel", "post", "Cancel an order, with an optional reason (a body is optional); stock returns, payment is refunded", "token", CancelSchema, None, 200, OrderSchema, [400, 401, 404, 409, 413, 415, 422]),
    ("/orders/{order_id}/transitions", "post", "Ship (with an optional carrier and tracking number) or deliver an order", "admin", TransitionSchema, None, 200, OrderSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/orders/{order_id}/refunds", "post", "Refund money and take back units of a paid, shipped or delivered order (never more than was paid)", "admin", RefundSchema, None, 201, RefundResultSchema, [400, 401, 403, 404, 409, 413, 415, 422]),
    ("/shipping-methods", "get", "With country: the active methods serving it, cheapest first (anyone); without: every method (admins)", "optional", None, ShippingMethodListArgs, 200, ShippingMethodPage, [401, 403, 422]),
    ("/shipping-methods", "post", "Add a shipping method", "admin", ShippingMethodCreateSchema, None, 201, ShippingMethodSchema, [400, 401, 403, 413, 415, 422]),
    ("/shipping-methods/{method_id}", "get", "One shipping method (an inactive one: admins only)", "optional", None, None, 200, ShippingMethodSchema, [401, 404]),
    ("/shipping-methods/{method_id}", "patch", "Change a shipping method", "admin", ShippingMethodUpdateSchema, None, 200, ShippingMethodSchema, [400, 401, 403, 404, 413, 415, 422]),
    ("/shipping-methods/{method_id}", "delete", "Delete a shipping method (orders keep their copy)", "admin", None, None, 204, None, [401, 403, 404]),
    ("/tax-rates", "get", "Every tax rate, by country", "admin", None, TaxRateListArgs, 200, TaxRatePage, [401, 403, 422]),
    ("/tax-rates", "post", "Add a country's tax rate (409 when it has one)", "admin", TaxRateCreateSchema, None, 201, TaxRateSchema, [400, 401, 403, 409, 413, 415, 422]),
    ("/tax-rates/{rate_id}", "get", "One tax rate", "admin", None, None, 200, TaxRateSchema, [401, 403, 404]),
    ("/tax-rates/{rate_id}", "patch", "Change a tax rate or its country", "admin", TaxRateUpdateSchema, None, 200, TaxRateSchema, WRITE_ERRORS),
    ("/tax-rates/{rate_id}", "delete", "Delete a tax rate (its country is taxed at 0 after)", "admin", None, None, 204, None, [401, 403, 404]),
    ("/discount-codes", "get", "Every discount code, newest first", "admin", None, DiscountCodeListArgs, 200, DiscountCodePage, [401, 403, 422]),
    ("/discount-codes", "post", "Add a discount code (409 when one equal ignoring case exists)", "admin", DiscountCodeCreateSchema, None, 201, DiscountCodeSchema, [400, 401, 403, 409, 413, 415, 422]),
    ("/discount-codes/{code_id}", "get", "One discount code", "admin", None, None, 200, DiscountCodeSchema, [401, 403, 404]),
    ("/discount-codes/{code_id}", "patch", "Change a discount code (never its uses)", "admin", DiscountCodeUpdateSchema, None, 200, DiscountCodeSchema, WRITE_ERRORS),
    ("/discount-codes/{code_id}", "delete", "Delete a discount code (orders keep their copy)", "admin", None, None, 204, None, [401, 403, 404]),
]

ERROR_TEXT = {
    400: "Malformed JSON, or JSON that is not an object", 401: "No, bad, expired or revoked token",
    402: "The card was declined", 403: "Not allowed for this account", 404: "No such thing, or not yours",
    409: "Conflict: duplicate, insufficient stock, invalid transition, a delete that something depends on, or a change that raced another",
    413: "Body over 1 MiB (an image upload: the image over 10 MiB)",
    415: "Body is not application/json (an image upload: not multipart, or the file not a JPEG, PNG or WebP)", 422: "Validation error", 429: "Too many failed log-ins (Retry-After says when to try again)",
}


def build_spec(api_prefix="/api/v1"):
    spec = APISpec(
        title="shop", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The shop's JSON API. Money is integer minor units; errors share one shape."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.schema("Category", schema=CategorySchema)
    spec.components.schema(CATEGORY_TREE, {"type": "array", "items": {"$ref": "#/components/schemas/Category"}})
    spec.components.schema("ImageUpload", schema=ImageUploadSchema)
    paths = {}
    for path, method, summary, who, body, query, status, response, errors in ENDPOINTS:
        operation = {"summary": summary, "responses": {}}
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_names(path)
        ]
        if query:
            operation["parameters"].append({"in": "query", "schema": query})
        if (path, method) in IDEMPOTENT:
            operation["parameters"].append({
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
                "description": f"Retries with the same key and body return the first {IDEMPOTENT[path, method]} (200).",
            })
        if body is ImageUploadSchema:
            operation["requestBody"] = _upload_body()
        elif body:
            operation["requestBody"] = {"required": body not in OPTIONAL_BODIES,
                                        "content": {"application/json": {"schema": body}}}
        if who == "token" or who == "admin":
            operation["security"] = [{"bearer": []}]
        elif who == "optional":
            operation["security"] = [{}, {"bearer": []}]
        success = {"description": "OK"}
        if response:
            success["content"] = {"application/json": {"schema": response}}
        operation["responses"][str(status)] = success
        if (path, method) in IDEMPOTENT:
            operation["responses"]["200"] = {"description": "A replay of an earlier request with this Idempotency-Key",
                                             "content": {"application/json": {"schema": response}}}
        for code in errors + [500]:
            operation["responses"][str(code)] = {
                "description": ERROR_TEXT.get(code, "Unexpected error"),
                "content": {"application/json": {"schema": "Error"}},
            }
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=api_prefix + path, operations=operations)
    spec.path(path="/healthz", operations={"get": {
        "summary": "Liveness and database health",
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": HealthSchema}}},
                      "503": {"description": "The database does not answer",
                              "content": {"application/json": {"schema": HealthSchema}}}},
    }})
    document = spec.to_dict()
    _upload_schema(document)
    _rules_between_fields(document["components"]["schemas"])
    # A card that expired in an earlier year is refused, so the document says the year it starts
    # at, printed (26: 2000 + n) or in full (2026).
    year = utcnow().year
    document["components"]["schemas"]["Card"]["properties"]["exp_year"]["anyOf"] = [
        {"minimum": year - 2000, "maximum": 99}, {"minimum": year, "maximum": 2100}]
    return document


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
    """The image upload's multipart body; its schema is filled in by `_upload_schema`."""
    return {"required": True, "description": UPLOAD_TEXT, "content": {"multipart/form-data": {
        "schema": {}, "encoding": {"file": {"contentType": "image/jpeg, image/png, image/webp"}},
    }}}


def _upload_schema(document):
    """The upload schema's text fields (as apispec wrote them) with the binary `file` beside them."""
    text_fields = document["components"]["schemas"]["ImageUpload"]
    schema = {**text_fields, "properties": {**text_fields["properties"],
                                            "file": {"type": "string", "format": "binary", "maxLength": MAX_BYTES}},
              "required": sorted({*text_fields.get("required", []), "file"})}
    upload = document["paths"]["/api/v1/products/{product_id}/images"]["post"]["requestBody"]
    upload["content"]["multipart/form-data"]["schema"] = schema


def _path_names(path):
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@bp.get("/openapi.json")
def openapi_json():
    """This API's OpenAPI 3 document."""
    year, document = current_app.extensions.get("openapi_spec", (None, None))
    if year != utcnow().year:  # built again at New Year, for the card's expiry year
        year, document = current_app.extensions["openapi_spec"] = (utcnow().year, build_spec())
    return jsonify(document)
