"""The back office's discount code form. Its rules are the discount code schemas.

The value is typed as a percent for a percent code (12.5, 12,5 or 12.5%: basis points) and
as an amount for a fixed one (5.00 or 5,00: minor units). Dates are `datetime-local` inputs,
read as UTC.
"""
from datetime import datetime, timezone

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..fields import CURRENCIES
from ..forms import SchemaForm, typed_integer
from ..money import format_amount, format_percent
from .model import FIXED, PERCENT

LOCAL = "%Y-%m-%dT%H:%M"
NO_CURRENCY = ""


def typed_moment(text):
    """`2026-12-24T08:00` (a datetime-local input) as that moment in UTC, in ISO 8601; empty
    is None; anything else is passed on as typed, for the schema to refuse."""
    text = (text or "").strip()
    if not text:
        return None
    for layout in (LOCAL, LOCAL + ":%S"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=timezone.utc).isoformat()
        except ValueError:
            continue
    return text


def local_text(moment):
    return "" if moment is None else moment.astimezone(timezone.utc).strftime(LOCAL)


def optional_integer(text):
    return None if not (text or "").strip() else typed_integer(text)


class DiscountCodeForm(SchemaForm):
    code = StringField("Code", description="What shoppers type: letters, digits, '_' and '-'. Case does not matter.",
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    kind = SelectField("Kind", choices=[SelectChoice(PERCENT, "Percent off the subtotal"),
                                        SelectChoice(FIXED, "Fixed amount off")], validate_choice=False)
    value = StringField("Value", description="A percent code's percent, e.g. 10 or 12.5; a fixed code's amount, "
                                             "e.g. 5.00.", render_kw={"inputmode": "decimal"})
    currency = SelectField("Currency", choices=[SelectChoice(NO_CURRENCY, "None (percent codes)")] + sorted(CURRENCIES),
                           validate_choice=False, description="A fixed code's: it serves only orders in it.")
    min_subtotal = StringField("Minimum subtotal (optional)", description="Before discount, such as 50.00.",
                               render_kw={"inputmode": "decimal"})
    starts_at = StringField("Starts (UTC, optional)", render_kw={"type": "datetime-local"})
    ends_at = StringField("Ends (UTC, optional)", description="The code serves orders placed before this moment.",
                          render_kw={"type": "datetime-local"})
    max_uses = StringField("Uses in all (optional)", description="Empty: no limit.", render_kw={"inputmode": "numeric"})
    max_uses_per_customer = StringField("Uses per customer (optional)", description="Empty: no limit.",
                                        render_kw={"inputmode": "numeric"})
    active = BooleanField("Active", default=True)

    @classmethod
    def of(cls, code):
        value = format_percent(code.value) if code.kind == PERCENT else format_amount(code.value)
        return cls(formdata=None, code=code.code, kind=code.kind, value=value,
                   currency=code.currency or NO_CURRENCY, min_subtotal=format_amount(code.min_subtotal),
                   starts_at=local_text(code.starts_at), ends_at=local_text(code.ends_at),
                   max_uses="" if code.max_uses is None else str(code.max_uses),
                   max_uses_per_customer="" if code.max_uses_per_customer is None else str(code.max_uses_per_customer),
                   active=code.active)

    def schema_data(self):
        """Every field, as the API takes it: empty limits and dates are none, an empty minimum is 0."""
        value = self.percent_field(self.value) if self.kind.data == PERCENT else self.money_field(self.value)
        typed = {"code": self.code.data or "", "kind": self.kind.data, "currency": self.currency.data or None,
                 "min_subtotal": self.money_field(self.min_subtotal) or 0,
                 "starts_at": typed_moment(self.starts_at.data), "ends_at": typed_moment(self.ends_at.data),
                 "max_uses": optional_integer(self.max_uses.data),
                 "max_uses_per_customer": optional_integer(self.max_uses_per_customer.data), "active": self.active.data}
        return typed | ({} if value is None else {"value": value})
