"""Validation messages in the shop's voice: each names the field and says what to do
("Enter a quantity between 1 and 100."), for the API and the forms alike, while the
error codes stay the contract's. Marshmallow's own texts ("Missing data for required
field.", "Not a valid integer.") never reach a person.

`ShopSchema` (every schema's base) rewrites its fields' messages as it raises them;
a message the shop wrote itself (a card number, an expired card) passes unchanged.
"""
from marshmallow import Schema, ValidationError, fields, validate

from .money import format_amount, format_percent

LABELS = {
    "email": "an email address", "password": "a password", "name": "a name", "quantity": "a quantity",
    "product_id": "a product", "items": "items", "shipping_address": "a shipping address",
    "line1": "the street and number", "line2": "the second address line", "city": "a city",
    "postal_code": "a postal code", "region": "a region", "country": "a country",
    "card_number": "the card number", "exp_month": "the card's expiry month", "exp_year": "the card's expiry year",
    "cvc": "the card's security code (CVC)", "sku": "an SKU", "price": "a price", "stock": "a stock level",
    "delta": "a change in stock", "reason": "a reason", "note": "a note", "currency": "a currency",
    "description": "a description", "slug": "a slug", "active": "whether it is on sale", "status": "a status",
    "page": "a page number", "per_page": "a page size", "q": "search words", "min_price": "a minimum price",
    "max_price": "a maximum price", "in_stock": "in stock only", "sort": "an order", "user_id": "a customer",
    "threshold": "a stock level",
}
# What an API field's integers count (its metadata's `unit`), said with an example in its messages.
MINOR_UNITS, BASIS_POINTS = "minor units", "basis points"
EXAMPLES = {MINOR_UNITS: "1250 is 12.50", BASIS_POINTS: "1950 is 19.5%"}
# How a form types such a field: in hundredths of them (12.50 for 1250 minor units, 19.5 for 1950 basis points).
AMOUNT, PERCENT = "amount", "percent"
MAX_PERCENT = 10_000  # basis points: no percent the shop takes (tax rates, percent codes) goes past 100%
SCHEMA_MESSAGES = {
    "Unknown field.": "Remove this field: this request does not take it.",
    "Invalid input type.": "Give this as an object with its fields.",
}


def label(name, field):
    return field.metadata.get("label") or LABELS.get(name) or f"the {name.replace('_', ' ')}"


def say(name, field, message):
    """`message` (one of Marshmallow's) for a person: what to enter in this field."""
    what, unit = label(name, field), field.metadata.get("unit")
    kind = next((key for key, text in field.error_messages.items() if text == message), None)
    return (_missing(what, kind) or _wrong_type(what, field, kind, unit)
            or _broken_rule(what, field, message, unit) or _not_an_id(what, message) or message)


def _missing(what, kind):
    """Nothing given, or only spaces."""
    if kind in ("required", "null"):
        return f"Enter {what}."
    if kind == "blank":
        return f"Enter {what}: it cannot be only spaces."
    return None


def _wrong_type(what, field, kind, unit):
    """A value the field cannot read as its type: what to give instead."""
    if kind == "invalid" and isinstance(field, fields.Email):
        return "Enter an email address, such as ada@example.com."
    if kind in ("invalid", "too_large") and isinstance(field, fields.Integer):
        return f"Enter {what}{_in(unit)} as a whole number{_bounds(field)}{_example(unit)}."
    if kind == "invalid" and isinstance(field, fields.Boolean):
        return f"Answer true or false for {what}."
    if kind == "invalid" and isinstance(field, fields.String):
        return f"Enter {what} as text."
    if kind == "invalid" and isinstance(field, fields.List):
        return f"Give {what} as a list."
    if kind in ("invalid", "type") and isinstance(field, fields.Nested):
        return f"Give {what} as an object with its fields."
    return None


LENGTH_MESSAGES = ("Shorter than", "Longer than", "Length must")


def _broken_rule(what, field, message, unit):
    """A value of the right type that one of the field's validators refused: its range, length or choices."""
    for validator in field.validators:
        if isinstance(validator, validate.Range) and message.startswith("Must be "):
            return RangeMessage(what, validator.min, validator.max, unit)
        if isinstance(validator, validate.Length) and message.startswith(LENGTH_MESSAGES):
            return _length(what, validator, isinstance(field, fields.List))
        if isinstance(validator, validate.OneOf) and message.startswith("Must be one of"):
            return f"Choose {what}: one of {', '.join(str(choice) for choice in validator.choices)}."
    return None


def _not_an_id(what, message):
    if message == "Not a valid id.":
        return f"Enter {what} by its id (24 letters and digits)."
    return None


def _bounds(field):
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            return _between(validator.min, validator.max, str)
    return ""


def _between(low, high, show):
    if low is not None and high is not None:
        return f" between {show(low)} and {show(high)}"
    return f" of {show(low)} or more" if low is not None else f" of {show(high)} or less"


def _in(unit):
    return f" in {unit}" if unit else ""


def _example(unit):
    return f" ({EXAMPLES[unit]})" if unit else ""


class RangeMessage(str):
    """`Enter a price in minor units between 0 and 10000000000 (1250 is 12.50).`: a range as
    the API says it, in the integers it takes. A form that types the field in hundredths of
    them says it again in what was typed: `typed(AMOUNT)` is `Enter a price between 0.00 and
    100000000.00.` (SchemaForm does, for each field it read as an amount or a percent)."""

    def __new__(cls, what, low, high, unit=None):
        message = super().__new__(cls, f"Enter {what}{_in(unit)}{_between(low, high, str)}{_example(unit)}.")
        message.what, message.low, message.high, message.unit = what, low, high, unit
        return message

    def __getnewargs__(self):  # copied or pickled as itself, not as its text
        return self.what, self.low, self.high, self.unit

    def typed(self, kind):
        """The message for a field typed as an AMOUNT or a PERCENT."""
        if kind == PERCENT:
            high = MAX_PERCENT if self.high is None else min(self.high, MAX_PERCENT)
            return f"Enter {self.what}{_between(self.low, high, lambda value: format_percent(value) + '%')}."
        return f"Enter {self.what}{_between(self.low, self.high, format_amount)}."


def _length(what, validator, is_list):
    unit = "" if is_list else " characters"
    low, high = validator.min, validator.max
    if is_list:
        return f"Give {low or 0} to {high} {what}." if high else f"Give at least {low} {what}."
    if low and high:
        return f"Enter {what} of {low} to {high}{unit}."
    return f"Enter {what} of at most {high}{unit}." if high else f"Enter {what} of at least {low}{unit}."


def voice(schema, messages):
    """A schema's error messages, rewritten for people (nested schemas did their own)."""
    spoken = {}
    for name, problem in messages.items():
        field = schema.fields.get(name)
        if field is None:  # an unknown field, or the whole schema ("_schema")
            spoken[name] = _voice_schema(problem)
        else:
            spoken[name] = _voice_field(name, field, problem)
    return spoken


def _voice_schema(problem):
    if isinstance(problem, list):
        return [SCHEMA_MESSAGES.get(text, text) for text in problem]
    return problem


def _voice_field(name, field, problem):
    if isinstance(problem, list):
        return [say(name, field, text) if isinstance(text, str) else text for text in problem]
    if isinstance(problem, dict) and isinstance(field, fields.List) and not isinstance(field.inner, fields.Nested):
        return {index: _voice_field(name, field.inner, inner) for index, inner in problem.items()}
    return problem  # a nested schema's own messages, already spoken


class ShopSchema(Schema):
    """The base of every schema: its validation messages in the shop's voice."""

    def handle_error(self, error, data, **kwargs):
        raise ValidationError(voice(self, error.normalized_messages()), data=error.data, valid_data=error.valid_data)
