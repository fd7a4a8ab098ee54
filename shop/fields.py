"""Marshmallow fields and schemas shared by every feature's JSON and forms."""
import re

from bson import ObjectId
from marshmallow import ValidationError, fields, validate

from .clock import isoformat
from .messages import MINOR_UNITS, ShopSchema

MAX_MONEY = 100_000_000_00  # 100 million in major units: far past any real price

# ISO 4217 codes this shop accepts; all of them have two-digit minor units, so
# "minor units" means cents everywhere and no conversion table is needed.
CURRENCIES = frozenset(
    "USD EUR GBP CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN MXN BRL ZAR SGD HKD INR CNY".split()
)


class StrictInteger(fields.Integer):
    """An integer that refuses floats, numeric strings and booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class ObjectIdString(fields.String):
    """A MongoDB id as its 24-character hex string."""

    def __init__(self, **kwargs):
        # Documented in the OpenAPI schema, so that clients (and fuzzers) know the shape.
        metadata = {"pattern": "^[0-9a-fA-F]{24}$", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not ObjectId.is_valid(text) or len(text) != 24:
            raise ValidationError("Not a valid id.")
        return text.lower()  # the one id rule (shop/ids.py): any case in, lower case used

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class UtcDateTime(fields.DateTime):
    """Dumps as ISO 8601 UTC with a `Z`."""

    def _serialize(self, value, attr, obj, **kwargs):
        return isoformat(value)


def money(**kwargs):
    """An amount in minor units (cents), as its messages say; a form that types it as an
    amount (12.50) says them in amounts (shop/forms.py)."""
    metadata = {"unit": MINOR_UNITS, **kwargs.pop("metadata", {})}
    return StrictInteger(validate=validate.Range(min=0, max=MAX_MONEY), metadata=metadata, **kwargs)


def currency(**kwargs):
    return fields.String(
        validate=validate.OneOf(sorted(CURRENCIES),
                                error="Choose a currency by its three-letter code, such as USD or EUR."),
        **kwargs,
    )


# One character that str.strip() keeps, for the OpenAPI document (JSON Schema's `\S`
# differs from Python's: it allows \x1c-\x1f and \x85, and refuses \ufeff).
NOT_BLANK = r"[^\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


WHITE_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def trimmed_pattern(pattern):
    """The OpenAPI pattern of a TrimmedString whose stripped value must match `pattern`
    (anchored, `^...$`): the same, with white space allowed around it."""
    return f"^{WHITE_SPACE}*(?:{pattern.removeprefix('^').removesuffix('$')}){WHITE_SPACE}*$"


def _not_blank_pattern(kwargs):
    """The documented pattern of a TrimmedString that refuses blank text (required, or with a
    minimum length: " " passes minLength 1 but is empty once trimmed), or None: at least one
    character that strip() keeps, and the field's own anchored pattern, if any, too (a document
    shows one pattern per field)."""
    rules = kwargs.get("validate")
    rules = rules if isinstance(rules, (list, tuple)) else [rules]
    if not kwargs.get("required") and not any(isinstance(rule, validate.Length) and (rule.min or 0) >= 1
                                              for rule in rules):
        return None
    own = next((rule.regex.pattern for rule in rules if isinstance(rule, validate.Regexp)), None)
    if own is None or not own.startswith("^"):
        return NOT_BLANK
    return f"^(?=[\\s\\S]*{NOT_BLANK}){own.removeprefix('^')}"


class TrimmedString(fields.String):
    """A string with surrounding white space removed; empty after that is refused."""

    default_error_messages = {"blank": "Must not be blank."}

    def __init__(self, **kwargs):
        pattern = _not_blank_pattern(kwargs)
        if pattern:
            kwargs["metadata"] = {"pattern": pattern, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        sent = super()._deserialize(value, attr, data, **kwargs)
        # The documented maxLength is of what is sent (JSON Schema cannot trim), so white space
        # around the text counts towards it too.
        for rule in self.validators:
            if isinstance(rule, validate.Length) and rule.max is not None and len(sent) > rule.max:
                raise ValidationError(rule.message_max.format(input=sent, min=rule.min, max=rule.max))
        text = sent.strip()
        if not text and self.required:
            raise self.make_error("blank")
        return text


# Text a person reads back (a tracking number, a reason): no control characters.
VISIBLE_TEXT = r"^[^\x00-\x1f\x7f]*$"


def visible_text():
    return validate.Regexp(VISIBLE_TEXT,
                           error="Use letters, digits, spaces and punctuation only (no control characters).")


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PageArgs(ShopSchema):
    """`?page=1&per_page=20` (per_page 1..100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false` only: no `"yes"`, `1` or `"on"`."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class CountryCode(fields.String):
    """An ISO 3166-1 alpha-2 code (shop/countries.py), in any case and with spaces around it;
    used in upper case. `also` names other values it takes (a shipping method's "*")."""

    def __init__(self, also=(), also_text="", **kwargs):
        from .countries import COUNTRY_CODES

        message = "Enter a country by its two-letter code, such as US or DE." + also_text
        super().__init__(validate=validate.OneOf(sorted(COUNTRY_CODES) + list(also), error=message), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip().upper()
