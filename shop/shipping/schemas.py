"""JSON in and out for shipping methods."""
from marshmallow import fields, post_load, validate

from ..countries import COUNTRY_CODES
from ..fields import CountryCode, ObjectIdString, PageArgs, StrictBoolean, TrimmedString, UtcDateTime, currency, money
from ..messages import ShopSchema
from .model import EVERYWHERE, normal_countries


def countries(**kwargs):
    code = CountryCode(also=[EVERYWHERE], also_text=' Or "*" for every country.')
    return fields.List(code, validate=validate.Length(min=1, max=len(COUNTRY_CODES) + 1),
                       metadata={"label": "the countries it ships to",
                                 "description": 'ISO 3166-1 alpha-2 codes, or ["*"] for every country '
                                                '(a "*" among codes means every country too); repeats count once.'},
                       **kwargs)


FREE_OVER = {"description": "The subtotal after discount, in minor units, at or above which shipping costs 0; "
                            "null: never free.", "label": "the free shipping threshold"}


class _Normalized(ShopSchema):
    @post_load
    def normal(self, data, **kwargs):
        if "countries" in data:
            data["countries"] = normal_countries(data["countries"])
        return data


class ShippingMethodCreateSchema(_Normalized):
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=100))
    countries = countries(required=True)
    price = money(required=True, metadata={"description": "In minor units of the method's currency."})
    free_over = money(allow_none=True, load_default=None, metadata=FREE_OVER)
    currency = currency(load_default="USD", metadata={"description": "It serves only orders in it. USD by default."})
    active = StrictBoolean(load_default=True)


class ShippingMethodUpdateSchema(_Normalized):
    name = TrimmedString(validate=validate.Length(min=1, max=100))
    countries = countries()
    price = money()
    free_over = money(allow_none=True, metadata=FREE_OVER)
    currency = currency()
    active = StrictBoolean()


class ShippingMethodListArgs(PageArgs):
    country = CountryCode(metadata={"description": "Only the active methods that serve this country (anyone may "
                                                   "ask); without it the list is every method, for admins."})
    currency = currency(metadata={"description": "With country: only the methods in this currency."})


class ShippingMethodSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    name = fields.String(dump_only=True)
    countries = fields.List(fields.String(), dump_only=True)
    price = fields.Integer(dump_only=True, metadata={"description": "In minor units (cents)."})
    free_over = fields.Integer(dump_only=True, allow_none=True)
    currency = fields.String(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
