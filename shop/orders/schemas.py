"""JSON in and out for orders, payments and status changes."""
import re

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ..clock import utcnow
from ..countries import COUNTRY_CODES
from ..fields import ObjectIdString, PageArgs, StrictInteger, TrimmedString, UtcDateTime, trimmed_pattern
from ..messages import ShopSchema
from .model import DELIVERED, MAX_LINES, MAX_QUANTITY, SHIPPED, VISIBLE
from .payments import luhn_valid


class OrderItemSchema(ShopSchema):
    product_id = ObjectIdString(required=True)
    variant_id = ObjectIdString(metadata={"description": "Required when the product has more than one variant."})
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))


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
    country = fields.String(required=True, validate=validate.OneOf(
        sorted(COUNTRY_CODES), error="Enter a country by its two-letter code, such as US or DE."
    ), metadata={"description": "ISO 3166-1 alpha-2, such as US or DE."})

    @pre_load
    def upper_case_country(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = dict(data, country=data["country"].strip().upper())
        return data


class PlaceOrderSchema(ShopSchema):
    items = fields.List(fields.Nested(OrderItemSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES), metadata={
                            "description": "Each product (and variant) must exist and be on sale. A variant on "
                                           "several lines is one line with their quantities added up: at most "
                                           f"{MAX_QUANTITY} in all.",
                        })
    shipping_address = fields.Nested(AddressSchema, metadata={
        "description": "Where to ship; or give `address_id` instead (exactly one of the two)."})
    address_id = ObjectIdString(metadata={
        "description": "One of your saved addresses (GET /me/addresses), instead of `shipping_address`: the order "
                       "keeps a copy of it, which later edits of the address book never change."})
    shipping_method_id = ObjectIdString(metadata={
        "description": "Required when the shop has an active shipping method; it must serve the address's country "
                       "and the order's currency (GET /shipping-methods?country=XX lists them)."})
    discount_code = TrimmedString(validate=validate.Length(min=1, max=64), metadata={
        "description": "A discount code, case-insensitive; it must be usable by this order now."})
    expected_total = StrictInteger(validate=validate.Range(min=0), metadata={
        "description": "The total the shopper was shown (a quote's `total`): if the total differs now, nothing is "
                       "placed and the answer is 409 `quote_changed` with the new quote."})

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def one_address(self, data, original, **kwargs):
        """Exactly one of `shipping_address` and `address_id`, as sent (also beside other
        fields' errors); a schema made with `only` other fields (the checkout's terms) checks neither."""
        if "shipping_address" not in self.fields or not isinstance(original, dict):
            return
        given = [name for name in ("shipping_address", "address_id") if name in original]
        if len(given) != 1:
            message = ("Give either shipping_address or address_id, not both." if given
                       else "Give a shipping_address, or the address_id of one of your saved addresses.")
            raise ValidationError({"shipping_address": [message], "address_id": [message]})


class GuestEmailSchema(ShopSchema):
    """A guest's e-mail at the HTML checkout (the API takes no guest orders)."""
    email = fields.Email(required=True, validate=validate.Length(max=254),
                         error_messages={"invalid": "Enter your e-mail address, such as ada@example.com."})


# 12 to 19 digits, one space or dash allowed between any two ("4242 4242 4242 4242").
CARD_NUMBER = r"^[0-9](?:[ -]?[0-9]){11,18}$"


class CardSchema(ShopSchema):
    card_number = fields.String(required=True, load_only=True, metadata={
        "pattern": trimmed_pattern(CARD_NUMBER),
        "description": "12 to 19 digits, with a space or dash allowed between any two, that pass the Luhn check "
                       "(the card's check digit).",
    })
    exp_month = StrictInteger(required=True, load_only=True, validate=validate.Range(min=1, max=12))
    # The OpenAPI document's minimum is the current year (openapi.py): an earlier one has expired.
    exp_year = StrictInteger(required=True, load_only=True, validate=validate.Range(min=2000, max=2100), metadata={
        "description": "With exp_month, not before the current month (UTC).",
    })
    cvc = fields.String(required=True, load_only=True,
                        validate=validate.Regexp(r"^[0-9]{3,4}$", error="Enter the card's security code (CVC): three or four digits."))

    @validates_schema
    def check_card(self, data, **kwargs):
        typed = data.get("card_number", "").strip()
        number = re.sub(r"[ -]", "", typed)
        if not re.fullmatch(CARD_NUMBER, typed) or not luhn_valid(number):
            raise ValidationError("Check the card number: it is not a valid one.", "card_number")
        data["card_number"] = number
        now = utcnow()
        if "exp_year" in data and "exp_month" in data and (data["exp_year"], data["exp_month"]) < (now.year, now.month):
            raise ValidationError("This card has expired: check its expiry date, or use another card.", "exp_year")


class TransitionSchema(ShopSchema):
    status = fields.String(required=True, validate=validate.OneOf([SHIPPED, DELIVERED]))


class OrderListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(VISIBLE))
    user_id = ObjectIdString()


class OrderLineSchema(ShopSchema):
    product_id = fields.String()
    variant_id = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    sku = fields.String()
    name = fields.String()
    unit_price = fields.Integer()
    quantity = fields.Integer()
    line_total = fields.Integer()
    discount = fields.Integer(metadata={"description": "This line's share of the order's discount."})
    tax = fields.Integer(metadata={"description": "The tax in this line's total after its discount (or on it, "
                                                  "when prices exclude tax)."})


class ShippingOutSchema(ShopSchema):
    method_id = fields.String(allow_none=True)
    name = fields.String()
    amount = fields.Integer()
    tax = fields.Integer()


class DiscountOutSchema(ShopSchema):
    code = fields.String()
    amount = fields.Integer()


class ShortLineSchema(ShopSchema):
    product_id = fields.String()
    variant_id = fields.String()
    requested = fields.Integer()
    available = fields.Integer()


class AddressOutSchema(ShopSchema):
    name = fields.String()
    line1 = fields.String()
    line2 = fields.String()
    city = fields.String()
    postal_code = fields.String()
    country = fields.String()


class PaymentOutSchema(ShopSchema):
    status = fields.String(metadata={"enum": ["processing", "paid", "declined", "refunded", "failed"]})
    brand = fields.String()
    last4 = fields.String()
    amount = fields.Integer()
    paid_at = UtcDateTime()
    refunded_at = UtcDateTime()


class HistoryEntrySchema(ShopSchema):
    status = fields.String()
    at = UtcDateTime()
    by = fields.String(metadata={"description": "The user id who made the change, or `system`."})
    note = fields.String()


class QuoteSchema(ShopSchema):
    """An order's totals: total = subtotal - discount.amount + shipping.amount + (0 if prices_include_tax
    else tax_total)."""
    items = fields.List(fields.Nested(OrderLineSchema))
    subtotal = fields.Integer()
    shipping = fields.Nested(ShippingOutSchema)
    discount = fields.Nested(DiscountOutSchema, allow_none=True)
    tax_total = fields.Integer()
    prices_include_tax = fields.Boolean()
    total = fields.Integer()
    currency = fields.String()
    shipping_address = fields.Nested(AddressOutSchema)


class QuoteOutSchema(QuoteSchema):
    short = fields.List(fields.Nested(ShortLineSchema), metadata={
        "description": "The lines that could not be served now (empty when all can)."})


class OrderSchema(QuoteSchema):
    id = fields.String()
    number = fields.String()
    user_id = fields.String()
    status = fields.String(metadata={"enum": list(VISIBLE)})
    payment = fields.Nested(PaymentOutSchema, allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    expires_at = UtcDateTime(metadata={"description": "When an unpaid order is cancelled."})
