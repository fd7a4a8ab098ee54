"""JSON in and out for the address book. An address's rules are an order's shipping
address's (orders.schemas.AddressSchema), so a saved address can always ship an order."""
from marshmallow import fields, validate

from ..fields import PageArgs, StrictBoolean
from ..messages import ShopSchema
from ..orders.schemas import AddressSchema
from .model import MAX_ADDRESSES

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
