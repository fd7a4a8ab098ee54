"""JSON in and out for discount codes. Rules between fields (a percent code's range, a fixed
code's currency, the dates' order) are the model's `rule_problems`, checked here on create and
by the service after a change is merged with what is stored."""
from marshmallow import ValidationError, fields, validate, validates_schema

from ..fields import MAX_MONEY, ObjectIdString, PageArgs, StrictBoolean, StrictInteger, TrimmedString, UtcDateTime, \
    currency, money, trimmed_pattern
from ..messages import ShopSchema
from .model import KINDS, rule_problems

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$"
CODE = {"label": "a code", "pattern": trimmed_pattern(CODE_PATTERN),
        "description": "1 to 50 letters, digits, '_' or '-', starting with a letter or digit; unique ignoring "
                       "case (409 for a duplicate). Shoppers may type it in any case."}
VALUE = {"label": "a value", "description": "percent: basis points, 1 to 10000 (1000 is 10%); fixed: minor units "
                                            "of the code's currency, 1 or more."}
CURRENCY = {"description": "Required for a fixed code (it serves only orders in it); refused for a percent code."}
LIMIT = {"description": "A positive number, or null for no limit."}
DATES = {"starts_at": {"label": "a start", "description": "ISO 8601 with a time zone; null: from now on."},
         "ends_at": {"label": "an end", "description": "ISO 8601 with a time zone, after starts_at; null: no end. "
                                                        "The code serves orders before this moment."}}


def _refuse_uses(value):
    raise ValidationError("Remove uses: it counts the orders that used the code, and only they change it.")


DATE_MESSAGES = {
    "invalid": "Enter a date and time such as 2026-12-24T08:00:00Z.",
    "invalid_awareness": "Give the time zone too, such as 2026-12-24T08:00:00Z or 2026-12-24T09:00:00+01:00.",
}


def _date(name, **kwargs):
    return fields.AwareDateTime(allow_none=True, metadata=DATES[name], error_messages=DATE_MESSAGES, **kwargs)


def _limit(name, **kwargs):
    return StrictInteger(allow_none=True, validate=validate.Range(min=1, max=1_000_000_000),
                         metadata={"label": f"the {name.replace('_', ' ')}", **LIMIT}, **kwargs)


class _CodeFields(ShopSchema):
    uses = fields.Raw(load_only=True, validate=_refuse_uses, metadata={"description": "Read-only: refused.",
                                                                        "not": {}})


class DiscountCodeCreateSchema(_CodeFields):
    code = TrimmedString(required=True, validate=validate.Regexp(CODE_PATTERN, error=CODE["description"]),
                         metadata=CODE)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    value = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_MONEY), metadata=VALUE)
    currency = currency(allow_none=True, load_default=None, metadata=CURRENCY)
    min_subtotal = money(load_default=0, metadata={"label": "a minimum subtotal", "description": (
        "In minor units of the order's currency: the subtotal before discount must reach it.")})
    starts_at = _date("starts_at", load_default=None)
    ends_at = _date("ends_at", load_default=None)
    max_uses = _limit("max_uses", load_default=None)
    max_uses_per_customer = _limit("max_uses_per_customer", load_default=None)
    active = StrictBoolean(load_default=True)

    @validates_schema
    def fields_agree(self, data, **kwargs):
        problems = rule_problems(data)
        if problems:
            raise ValidationError(problems)


class DiscountCodeUpdateSchema(_CodeFields):
    """Any of the fields; the result, merged with what is stored, must follow the same rules."""

    code = TrimmedString(validate=validate.Regexp(CODE_PATTERN, error=CODE["description"]), metadata=CODE)
    kind = fields.String(validate=validate.OneOf(KINDS))
    value = StrictInteger(validate=validate.Range(min=1, max=MAX_MONEY), metadata=VALUE)
    currency = currency(allow_none=True, metadata=CURRENCY)
    min_subtotal = money(metadata={"label": "a minimum subtotal"})
    starts_at = _date("starts_at")
    ends_at = _date("ends_at")
    max_uses = _limit("max_uses")
    max_uses_per_customer = _limit("max_uses_per_customer")
    active = StrictBoolean()


class DiscountCodeListArgs(PageArgs):
    pass


class DiscountCodeSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    code = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": list(KINDS)})
    value = fields.Integer(dump_only=True)
    currency = fields.String(dump_only=True, allow_none=True)
    min_subtotal = fields.Integer(dump_only=True)
    starts_at = UtcDateTime(dump_only=True, allow_none=True)
    ends_at = UtcDateTime(dump_only=True, allow_none=True)
    max_uses = fields.Integer(dump_only=True, allow_none=True)
    max_uses_per_customer = fields.Integer(dump_only=True, allow_none=True)
    active = fields.Boolean(dump_only=True)
    uses = fields.Integer(dump_only=True,
                          metadata={"description": "Orders that used it (cancelled ones give it back)."})
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
