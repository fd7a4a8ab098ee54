"""JSON in and out for tax rates."""
from marshmallow import fields, validate

from ..fields import CountryCode, ObjectIdString, PageArgs, StrictInteger, UtcDateTime
from ..messages import BASIS_POINTS, ShopSchema
from .model import MAX_RATE_BP

COUNTRY = {"description": "ISO 3166-1 alpha-2, such as DE; one rate per country (409 for a second)."}
RATE = {"label": "a rate", "unit": BASIS_POINTS, "description": "Basis points, 0 to 10000: 2000 is 20%."}


def rate_bp(**kwargs):
    return StrictInteger(validate=validate.Range(min=0, max=MAX_RATE_BP), metadata=RATE, **kwargs)


class TaxRateCreateSchema(ShopSchema):
    country = CountryCode(required=True, metadata=COUNTRY)
    rate_bp = rate_bp(required=True)


class TaxRateUpdateSchema(ShopSchema):
    country = CountryCode(metadata=COUNTRY)
    rate_bp = rate_bp()


class TaxRateListArgs(PageArgs):
    pass


class TaxRateSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    country = fields.String(dump_only=True)
    rate_bp = fields.Integer(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
