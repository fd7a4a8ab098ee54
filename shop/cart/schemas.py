"""The cart's input: a line's new quantity, as an order line takes it, or 0 to remove the line."""
from marshmallow import validate

from ..fields import StrictInteger
from ..messages import ShopSchema
from ..orders.model import MAX_QUANTITY


class CartLineSchema(ShopSchema):
    quantity = StrictInteger(required=True, validate=validate.Range(min=0, max=MAX_QUANTITY))
