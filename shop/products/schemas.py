"""JSON in and out for products, stock adjustments and the ledger."""
from marshmallow import ValidationError, fields, validate, validates_schema

from ..fields import (
    SLUG_PATTERN, ObjectIdString, PageArgs, StrictBoolean, StrictInteger, TrimmedString, UtcDateTime, currency, money,
)
from ..messages import ShopSchema
from .model import ADJUSTMENT_REASONS, REASONS
from .repository import SORTS

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MAX_STOCK = 1_000_000_000


def _refuse_stock(value):
    raise ValidationError("Stock changes only through stock adjustments and orders.")


class ProductUpdateSchema(ShopSchema):
    name = TrimmedString(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    price = money()
    active = StrictBoolean()
    slug = fields.String(validate=validate.Regexp(SLUG_PATTERN, error="Lower-case letters, digits and single dashes."))
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


class ProductListArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": (
        "Words, split on white space: a product matches when each occurs in its name, SKU or "
        "description as literal text, ignoring case and accents.")})
    in_stock = fields.Boolean()
    min_price = fields.Integer(validate=validate.Range(min=0, max=10**12), metadata={
        "description": "In minor units; at most max_price when both are given (422 on min_price otherwise)."})
    max_price = fields.Integer(validate=validate.Range(min=0, max=10**12), metadata={
        "description": "In minor units; at least min_price when both are given."})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(sorted(SORTS)), metadata={
        "description": "relevance (the default): with q, products whose name holds every word first, "
                       "then the others, each newest first; without q, newest first."})
    active = fields.String(validate=validate.OneOf(["true", "false", "all"]))

    @validates_schema
    def min_price_at_most_max_price(self, data, **kwargs):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("Enter a minimum price no higher than the maximum price.", "min_price")


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
