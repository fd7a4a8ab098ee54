"""JSON in and out for the address book, and an address's rules (AddressSchema): an order's
shipping address is loaded by the same schema, so a saved address can always ship an order."""
from marshmallow import fields, pre_load, validate

from ..countries import COUNTRY_CODES
from ..fields import PageArgs, StrictBoolean, TrimmedString, trimmed_pattern
from ..messages import ShopSchema
from .model import MAX_ADDRESSES

POSTAL_CODE = r"^[A-Za-z0-9][A-Za-z0-9 -]*$"


class AddressSchema(ShopSchema):
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=100))
    line1 = TrimmedString(required=True, validate=validate.Length(min=1, max=200))
    line2 = fields.String(validate=validate.Length(max=200))
    city = TrimmedString(required=True, validate=validate.Length(min=1, max=100))
    postal_code = TrimmedString(required=True, validate=[
        validate.Length(min=1, max=20),
        validate.Regexp(POSTAL_CODE, error="Enter a postal code of letters, digits, spaces and dashes."),
    ], metadata={"pattern": trimmed_pattern(POSTAL_CODE)})
    region = TrimmedString(validate=validate.Length(max=100), metadata={
        "description": "The state, province or county, when the address needs one; empty or left out when not."})
    country = fields.String(required=True, validate=validate.OneOf(
        sorted(COUNTRY_CODES), error="Enter a country by its two-letter code, such as US or DE."
    ), metadata={"description": "ISO 3166-1 alpha-2, such as US or DE."})
    phone = TrimmedString(validate=validate.Length(max=30), metadata={
        "label": "a phone number", "description": "For the carrier, when the shopper gives one; as typed."})

    @pre_load
    def upper_case_country(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = dict(data, country=data["country"].strip().upper())
        return data


DEFAULT_TEXT = ("Only true: it makes this the default address, and the previous default no longer is. There is "
                "always one default, so no address is made not the default: another one is made the default.")
ONLY_TRUE = "Send true to make this the default address; to change the default, make another address the default."


class AddressCreateSchema(AddressSchema):
    default = StrictBoolean(validate=validate.Equal(True, error=ONLY_TRUE), metadata={
        "description": DEFAULT_TEXT + " A shopper's first address is the default."})


class AddressUpdateSchema(AddressCreateSchema):
    """Any of a saved address's fields; those left out stay."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class SavedAddressSchema(ShopSchema):
    id = fields.String()
    name = fields.String()
    line1 = fields.String()
    line2 = fields.String(metadata={"description": "Empty when the address has no second line."})
    city = fields.String()
    postal_code = fields.String()
    region = fields.String(metadata={"description": "Empty when the address has none."})
    country = fields.String()
    phone = fields.String(metadata={"description": "Empty when the address has none."})
    default = fields.Boolean(metadata={"description": "Exactly one of a shopper's addresses is the default."})


class AddressListArgs(PageArgs):
    """A page of the shopper's addresses (at most MAX_ADDRESSES of them), oldest first."""


LIST_TEXT = f"Your saved addresses (at most {MAX_ADDRESSES}), in the order they were added"
