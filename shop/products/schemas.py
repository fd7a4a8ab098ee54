"""JSON in and out for products, stock adjustments and the ledger."""
from marshmallow import ValidationError, fields, validate

from ..fields import (
    SLUG_PATTERN, ObjectIdString, PageArgs, StrictBoolean, StrictInteger, TrimmedString, UtcDateTime, currency, money,
)
from ..messages import ShopSchema
from ..categories.model import MAX_PER_PRODUCT
from .model import ADJUSTMENT_REASONS, REASONS
from .repository import SORTS

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MAX_STOCK = 1_000_000_000


def category_ids():
    """The categories a product is in, each an existing category's id (422 otherwise); repeats count once."""
    return fields.List(ObjectIdString(), validate=validate.Length(max=MAX_PER_PRODUCT), metadata={
        "label": "categories", "description": f"Up to {MAX_PER_PRODUCT} ids of existing categories (422 otherwise); "
                                               "in a PATCH, the whole new list."})


def _refuse_stock(value):
    raise ValidationError("Stock changes only through stock adjustments and orders.")


class ProductUpdateSchema(ShopSchema):
    name = TrimmedString(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    price = money()
    active = StrictBoolean()
    slug = fields.String(validate=validate.Regexp(SLUG_PATTERN, error="Lower-case letters, digits and single dashes."))
    category_ids = category_ids()
    stock = fields.Raw(load_only=True, validate=_refuse_stock, metadata={
        "description": "Refused: use stock adjustments.", "not": {},  # no value is valid
    })


class ProductCreateSchema(ShopSchema):
    sku = fields.String(required=True, validate=validate.Regexp(SKU_PATTERN, error="Enter an SKU of up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."))
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=200))
    price = money(required=True)
    description = fields.String(validate=validate.Length(max=5000))
    currency = currency()
    stock = StrictInteger(validate=validate.Range(min=0, max=MAX_STOCK))
    active = StrictBoolean()
    slug = fields.String(validate=[validate.Length(max=100), validate.Regexp(SLUG_PATTERN, error="Lower-case letters, digits and single dashes.")])
    category_ids = category_ids()


class ProductSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    sku = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    price = fields.Integer(dump_only=True, metadata={"description": "In minor units (cents)."})
    currency = fields.String(dump_only=True)
    stock = fields.Integer(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    category_ids = fields.List(ObjectIdString(), dump_only=True)


class ProductListArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=200))
    in_stock = fields.Boolean()
    min_price = fields.Integer(validate=validate.Range(min=0, max=10**12))
    max_price = fields.Integer(validate=validate.Range(min=0, max=10**12))
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(sorted(SORTS)))
    active = fields.String(validate=validate.OneOf(["true", "false", "all"]))
    category = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "label": "a category", "description": "A category's id or slug: its products and those of every category "
                                              "below it. An unknown category lists no products."})


class StockAdjustmentSchema(ShopSchema):
    delta = StrictInteger(required=True, validate=[
        validate.Range(min=-MAX_STOCK, max=MAX_STOCK),
        validate.NoneOf([0], error="Must not be zero."),
    ], metadata={"not": {"enum": [0]}})
    reason = fields.String(required=True, validate=validate.OneOf(ADJUSTMENT_REASONS))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MovementSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    product_id = ObjectIdString(dump_only=True)
    delta = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True, metadata={"enum": list(REASONS)})
    order_id = fields.String(dump_only=True, allow_none=True)
    actor_id = fields.String(dump_only=True, allow_none=True)
    stock_after = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class AdjustmentResultSchema(ShopSchema):
    movement = fields.Nested(MovementSchema, dump_only=True)
    product = fields.Nested(ProductSchema, dump_only=True)


class LowStockArgs(PageArgs):
    threshold = fields.Integer(load_default=5, validate=validate.Range(min=0, max=MAX_STOCK))
