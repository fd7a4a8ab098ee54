"""JSON in and out for products (with their images), stock adjustments and the ledger."""
from marshmallow import ValidationError, fields, validate, validates_schema

from ..fields import (
    SLUG_PATTERN, ObjectIdString, PageArgs, StrictBoolean, StrictInteger, TrimmedString, UtcDateTime, currency, money,
    visible_text,
)
from ..messages import ShopSchema
from ..urls import absolute_url
from ..categories.model import MAX_PER_PRODUCT
from .model import ADJUSTMENT_REASONS, MAX_OPTIONS, MAX_REASON, MAX_VARIANTS, REASONS
from .repository import SORTS


class ImageSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    alt = fields.String(dump_only=True)
    width = fields.Integer(dump_only=True, metadata={"description": "The stored original's width, in pixels."})
    height = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True, metadata={"description": "0-based place in the product's list."})
    variant_id = ObjectIdString(dump_only=True, allow_none=True)
    urls = fields.Method("image_urls", dump_only=True, metadata={
        "type": "object", "additionalProperties": {"type": "string"},
        "description": "One URL per width (each of 320, 640, 1280 narrower than the original, and the original's).",
    })

    def image_urls(self, image):
        return {str(width): absolute_url("media.image_file", file_name=name)
                for width, name in image.files_by_width().items()}


SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MAX_STOCK = 1_000_000_000


def category_ids():
    """The categories a product is in, each an existing category's id (422 otherwise); repeats count once."""
    return fields.List(ObjectIdString(), validate=validate.Length(max=MAX_PER_PRODUCT), metadata={
        "label": "categories", "description": f"Up to {MAX_PER_PRODUCT} ids of existing categories (422 otherwise); "
                                               "in a PATCH, the whole new list."})


def _refuse_stock(value):
    raise ValidationError("Stock changes only through stock adjustments and orders.")


SKU_ERROR = "Enter an SKU of up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
OPTION_TEXT = r"^[^=|]*$"  # `=` and `|` join a combination into its index key


def sku(**kwargs):
    return fields.String(validate=validate.Regexp(SKU_PATTERN, error=SKU_ERROR), **kwargs)


def option_text(**kwargs):
    return TrimmedString(validate=[validate.Length(min=1, max=50),
                                   validate.Regexp(OPTION_TEXT, error="Leave out '=' and '|'.")], **kwargs)


class OptionSchema(ShopSchema):
    name = option_text(required=True)
    values = fields.List(option_text(), required=True, validate=validate.Length(min=1, max=MAX_VARIANTS))


def options_field():
    return fields.List(fields.Nested(OptionSchema), validate=validate.Length(max=MAX_OPTIONS), metadata={
        "description": "Up to 3 options, each with its values; names and each option's values are unique.",
    })


def combination(**kwargs):
    return fields.Dict(keys=option_text(), values=option_text(), metadata={
        "description": "One value of each of the product's options, by option name: {\"Size\": \"M\"}.",
    }, **kwargs)


class NewVariantSchema(ShopSchema):
    sku = sku(required=True)
    options = combination(required=True)
    price = money(metadata={"description": "In minor units; the product's price when left out."})
    stock = StrictInteger(validate=validate.Range(min=0, max=MAX_STOCK))


class VariantUpdateSchema(ShopSchema):
    sku = sku()
    price = money()
    active = StrictBoolean()
    stock = fields.Raw(load_only=True, validate=_refuse_stock, metadata={
        "description": "Refused: use stock adjustments.", "not": {},
    })


class ProductUpdateSchema(ShopSchema):
    name = TrimmedString(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    price = money(metadata={
        "description": "Only for a product with one variant (422 otherwise: prices are per variant)."})
    active = StrictBoolean()
    slug = fields.String(validate=validate.Regexp(SLUG_PATTERN, error="Lower-case letters, digits and single dashes."))
    category_ids = category_ids()
    stock = fields.Raw(load_only=True, validate=_refuse_stock, metadata={
        "description": "Refused: use stock adjustments.", "not": {},  # no value is valid
    })
    options = options_field()


class ProductCreateSchema(ShopSchema):
    sku = sku(metadata={"description": "Without options: the SKU of the product's one variant (required then)."})
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=200))
    price = money(required=True, metadata={"description": "In minor units; each variant's price unless it gives one."})
    description = fields.String(validate=validate.Length(max=5000))
    currency = currency()
    stock = StrictInteger(validate=validate.Range(min=0, max=MAX_STOCK),
                          metadata={"description": "Without options: the initial stock of its one variant."})
    active = StrictBoolean()
    slug = fields.String(validate=[
        validate.Length(max=100), validate.Regexp(SLUG_PATTERN, error="Lower-case letters, digits and single dashes.")])
    options = options_field()
    category_ids = category_ids()
    variants = fields.List(fields.Nested(NewVariantSchema), validate=validate.Length(min=1, max=MAX_VARIANTS),
                           metadata={"description": "With options (and only then): 1 to 100 variants, each one "
                                                    "combination of the options, in the order given."})

    @validates_schema
    def sku_or_variants(self, data, **kwargs):
        if data.get("options"):
            beside = {name: ["Give each variant its own SKU and stock instead."]
                      for name in ("sku", "stock") if name in data}
            if beside:
                raise ValidationError(beside)
            if not data.get("variants"):
                raise ValidationError({"variants": ["A product with options needs its variants."]})
        else:
            if "variants" in data:
                raise ValidationError({"variants": ["Variants need options: add them, or leave the variants out."]})
            if "sku" not in data:
                raise ValidationError({"sku": ["Enter an SKU."]})


class VariantSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    sku = fields.String(dump_only=True)
    options = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    price = fields.Integer(dump_only=True, metadata={"description": "In minor units (cents)."})
    stock = fields.Integer(dump_only=True)
    active = fields.Boolean(dump_only=True)


class PriceRangeSchema(ShopSchema):
    min = fields.Integer(dump_only=True)
    max = fields.Integer(dump_only=True)


class ProductSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    sku = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    price = fields.Integer(dump_only=True, metadata={"description": "In minor units (cents)."})
    currency = fields.String(dump_only=True)
    stock = fields.Integer(dump_only=True, metadata={"description": "The summed stock of the variants on sale."})
    active = fields.Boolean(dump_only=True)
    options = fields.List(fields.Nested(OptionSchema), dump_only=True)
    variants = fields.List(fields.Nested(VariantSchema), dump_only=True,
                           metadata={"description": "The variants on sale; admins see every one."})
    price_range = fields.Nested(PriceRangeSchema, dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    category_ids = fields.List(ObjectIdString(), dump_only=True)
    images = fields.List(fields.Nested(ImageSchema), dump_only=True, metadata={"description": "In position order."})


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
    category = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "label": "a category", "description": "A category's id or slug: its products and those of every category "
                                              "below it. An unknown category lists no products."})

    @validates_schema
    def min_price_at_most_max_price(self, data, **kwargs):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("Enter a minimum price no higher than the maximum price.", "min_price")


class StockAdjustmentSchema(ShopSchema):
    variant_id = ObjectIdString(metadata={"description": "Required when the product has more than one variant."})
    delta = StrictInteger(required=True, validate=[
        validate.Range(min=-MAX_STOCK, max=MAX_STOCK),
        validate.NoneOf([0], error="Must not be zero."),
    ], metadata={"not": {"enum": [0]}})
    reason = fields.String(required=True, validate=validate.OneOf(ADJUSTMENT_REASONS))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MovementSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    product_id = ObjectIdString(dump_only=True)
    variant_id = ObjectIdString(dump_only=True)
    sku = fields.String(dump_only=True)
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


class LedgerArgs(PageArgs):
    variant_id = ObjectIdString(metadata={"description": "One variant's movements; all the product's when left out."})


class LowStockItemSchema(ShopSchema):
    product_id = ObjectIdString(dump_only=True)
    variant_id = ObjectIdString(dump_only=True)
    sku = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    options = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    stock = fields.Integer(dump_only=True)


class ArchiveSchema(ShopSchema):
    """Why a product is archived (optional; kept in its history, shown in the back office)."""
    reason = TrimmedString(validate=[validate.Length(max=MAX_REASON), visible_text()])
