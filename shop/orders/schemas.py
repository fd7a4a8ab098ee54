"""JSON in and out for orders, payments and status changes."""
import re

from marshmallow import ValidationError, fields, validate, validates_schema

from ..addresses.schemas import AddressSchema
from ..clock import utcnow
from ..fields import ObjectIdString, PageArgs, StrictInteger, TrimmedString, UtcDateTime, trimmed_pattern, visible_text
from ..messages import MINOR_UNITS, ShopSchema
from .model import DELIVERED, MAX_LINES, MAX_QUANTITY, MAX_REASON, SHIPPED, VISIBLE
from .cards import luhn_valid


class OrderItemSchema(ShopSchema):
    product_id = ObjectIdString(required=True)
    variant_id = ObjectIdString(metadata={"description": "Required when the product has more than one variant."})
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))


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
CARD_YEAR = "Enter the card's expiry year as printed on it (30) or in full (2030)."
PRINTED_YEARS, FULL_YEARS = (0, 99), (2000, 2100)  # a printed year n is 2000 + n


def card_year(value):
    if not any(low <= value <= high for low, high in (PRINTED_YEARS, FULL_YEARS)):
        raise ValidationError(CARD_YEAR)


class CardSchema(ShopSchema):
    card_number = fields.String(required=True, load_only=True, metadata={
        "pattern": trimmed_pattern(CARD_NUMBER),
        "description": "12 to 19 digits, with a space or dash allowed between any two, that pass the Luhn check "
                       "(the card's check digit).",
    })
    exp_month = StrictInteger(required=True, load_only=True, validate=validate.Range(min=1, max=12))
    # The OpenAPI document's minimum is the current year (openapi.py): an earlier one has expired.
    exp_year = StrictInteger(required=True, load_only=True, validate=card_year, metadata={
        "description": "The year as printed on the card (0 to 99, meaning 2000 + n) or in full (2000 to 2100); "
                       "with exp_month, not before the current month (UTC).",
    })
    cvc = fields.String(required=True, load_only=True,
                        validate=validate.Regexp(r"^[0-9]{3,4}$",
                                                 error="Enter the card's security code (CVC): three or four digits."))

    @validates_schema
    def check_card(self, data, **kwargs):
        typed = data.get("card_number", "").strip()
        number = re.sub(r"[ -]", "", typed)
        if not re.fullmatch(CARD_NUMBER, typed) or not luhn_valid(number):
            raise ValidationError("Check the card number: it is not a valid one.", "card_number")
        data["card_number"] = number
        if data.get("exp_year", FULL_YEARS[0]) <= PRINTED_YEARS[1]:
            data["exp_year"] += 2000
        now = utcnow()
        if "exp_year" in data and "exp_month" in data and (data["exp_year"], data["exp_month"]) < (now.year, now.month):
            raise ValidationError("This card has expired: check its expiry date, or use another card.", "exp_year")


class RefundLineSchema(ShopSchema):
    product_id = ObjectIdString(required=True)
    variant_id = ObjectIdString(metadata={
        "description": "Required when the order has several variants of the product."})
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    restock = fields.Boolean(required=True, metadata={
        "description": "Whether these units come back into stock (ledger reason `returned`)."})


class RefundSchema(ShopSchema):
    amount = StrictInteger(validate=validate.Range(min=1), metadata={
        "unit": MINOR_UNITS,
        "description": "Minor units to refund. Without it, what the `lines`' units were paid for (their share of "
                       "the line's total after its discount, plus its tax when prices exclude tax, rounded half up "
                       "unit by unit); shipping is refunded only by an amount."})
    lines = fields.List(fields.Nested(RefundLineSchema), validate=validate.Length(min=1, max=MAX_LINES), metadata={
        "description": "Units given back, each line of the order once; with an `amount`, they say what is "
                       "restocked and the amount is what is refunded."})
    reason = TrimmedString(validate=[validate.Length(max=MAX_REASON), visible_text()], metadata={
        "label": "a reason", "description": f"Why, up to {MAX_REASON} characters: kept in the refund and the order's "
                                            "history, and told to the shopper. Blank is no reason."})

    @validates_schema(pass_original=True, skip_on_field_errors=False)  # said with any other error too
    def amount_or_lines(self, data, original, **kwargs):
        # What was sent, not what passed: an amount of -5 is told its own rule, not to give one.
        if "amount" not in original and not original.get("lines"):
            message = "Give an amount, lines, or both."
            raise ValidationError({"amount": [message], "lines": [message]})


class TransitionSchema(ShopSchema):
    status = fields.String(required=True, validate=validate.OneOf([SHIPPED, DELIVERED]))
    carrier = TrimmedString(validate=[validate.Length(min=1, max=100), visible_text()], metadata={
        "label": "a carrier", "description": "Only with `shipped`: who carries the parcel, such as DHL."})
    tracking_number = TrimmedString(validate=[validate.Length(min=1, max=100), visible_text()], metadata={
        "label": "a tracking number", "description": "Only with `shipped`: the carrier's tracking number."})

    @validates_schema
    def only_when_shipping(self, data, **kwargs):
        if data.get("status") == DELIVERED:
            for name in ("carrier", "tracking_number"):
                if name in data:
                    raise ValidationError("Give a carrier and tracking number only when shipping the order.", name)


class CancelSchema(ShopSchema):
    """The optional body of a cancel: why (kept in the order's history)."""
    reason = TrimmedString(validate=[validate.Length(max=MAX_REASON), visible_text()], metadata={
        "label": "a reason", "description": f"Why the order is cancelled, up to {MAX_REASON} characters; "
                                            "kept in its history. Blank is no reason."})


class OrderListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(VISIBLE))
    user_id = ObjectIdString()
    number = TrimmedString(validate=validate.Length(min=1, max=20), metadata={
        "label": "an order number", "description": "Only the order with this number, in any case, with or "
                                                  "without its dash (`k7m2q9xd` finds `K7M2-Q9XD`)."})
    email = TrimmedString(validate=validate.Length(min=1, max=254), metadata={
        "label": "an e-mail address", "description": "Only orders placed with this e-mail (any case), by "
                                                    "guests and by accounts (admins)."})


class OrderSearchArgs(PageArgs):
    """The back office's order search (its page's query; not the API's)."""
    status = fields.String(validate=validate.OneOf(VISIBLE))
    number = TrimmedString(validate=validate.Length(min=1, max=20))
    customer = TrimmedString(validate=validate.Length(min=1, max=254))


class RefundedLineSchema(ShopSchema):
    product_id = fields.String()
    variant_id = fields.String()
    quantity = fields.Integer()
    restock = fields.Boolean()
    amount = fields.Integer(metadata={"description": "What these units were paid for."})


class RefundOutSchema(ShopSchema):
    id = fields.String()
    amount = fields.Integer()
    lines = fields.List(fields.Nested(RefundedLineSchema))
    reason = fields.String()
    created_at = UtcDateTime()


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
    refunded = fields.Integer(metadata={"description": "Units of this line refunded so far."})
    restocked = fields.Integer(metadata={"description": "Of those, units taken back into stock."})


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
    region = fields.String(metadata={"description": "Absent (or empty) when the address has none."})
    country = fields.String()
    phone = fields.String(metadata={"description": "Absent (or empty) when the address has none."})


class PaymentOutSchema(ShopSchema):
    status = fields.String(metadata={"enum": ["processing", "paid", "partially_refunded", "refunded", "declined",
                                               "failed"]})
    brand = fields.String()
    last4 = fields.String()
    amount = fields.Integer()
    refunded_amount = fields.Integer(metadata={"description": "How much of `amount` was refunded (once paid)."})
    paid_at = UtcDateTime()
    refunded_at = UtcDateTime()


class HistoryEntrySchema(ShopSchema):
    status = fields.String()
    at = UtcDateTime()
    by = fields.String(metadata={"description": "The user id who made the change, or `system`."})
    note = fields.String()
    reason = fields.String(metadata={
        "description": "Why it was cancelled or refunded, when the admin or shopper said."})
    refund_id = fields.String(metadata={"description": "On a refund's entry (its status is the order's, unchanged)."})


class FulfilmentSchema(ShopSchema):
    carrier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    shipped_at = UtcDateTime()


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
    refunds = fields.List(fields.Nested(RefundOutSchema))
    fulfilment = fields.Nested(FulfilmentSchema, allow_none=True, metadata={
        "description": "Null until the order ships; then the carrier and tracking number given (or null) and when."})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    expires_at = UtcDateTime(metadata={"description": "When an unpaid order is cancelled."})


class RefundResultSchema(ShopSchema):
    refund = fields.Nested(RefundOutSchema)
    order = fields.Nested(OrderSchema)
