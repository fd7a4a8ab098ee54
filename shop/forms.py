"""What every HTML form shares: input validated by the API's Marshmallow schemas.

Forms gather and type the fields; the schema that guards the JSON API decides
what is valid, so each rule lives in one place. Its messages (and the details
of a ShopError a service raised) are put back next to the fields they name.
"""
import re

from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from marshmallow import EXCLUDE, ValidationError
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput
from wtforms.widgets.core import clean_key

from .countries import COUNTRY_CHOICES
from .errors import FORM_EXPIRED_KEPT, OutOfStock, RateLimited
from .extensions import csrf
from .messages import AMOUNT, PERCENT, RangeMessage
from .money import read_amount, read_percent

_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")


def page_args(schema):
    """A page's query arguments (page number, filters) by the API's schema, keeping what
    is valid: a mistyped one is dropped (page 1, no such filter), never an error page."""
    args = request.args.to_dict()
    try:
        return schema.load(args, unknown=EXCLUDE)
    except ValidationError as error:
        return schema.load({key: value for key, value in args.items() if key not in error.messages}, unknown=EXCLUDE)


def typed_integer(text):
    """`" 12 "` -> 12; anything else is passed on as typed, for the schema to refuse."""
    text = (text or "").strip()
    return int(text) if _INTEGER.fullmatch(text) else text


def country_field(label="Country"):
    """A <select> of the countries by name, whose values are their codes. Any value is taken
    (validate_choice=False), so that the schema's rule and message decide, as for the API."""
    choices = [SelectChoice("", "Choose a country")] + [SelectChoice(code, name) for code, name in COUNTRY_CHOICES]
    return SelectField(label, choices=choices, validate_choice=False, render_kw={"autocomplete": "country"})


def present(**values):
    """The values that were filled in: a blank field is a missing one, as in JSON."""
    return {name: value for name, value in values.items() if value not in (None, "")}


def _flatten(messages, path=()):
    """Marshmallow's nested messages as (path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, path + (str(key),))
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield path, messages if isinstance(messages, str) else str(messages)  # a RangeMessage stays one


def keeps_typed_input(view):
    """For a view whose form has typed fields: the app-wide CSRF check, which answers a
    bare 400 page, is skipped so that an expired form comes back with what was typed.
    The form's own validate() still checks the token (SchemaForm.validate), and
    tests/security/test_forms.py proves that every site POST refuses a forged one."""
    return csrf.exempt(view)


def text_input(field, render_kw):
    """The `<input type="text">` WTForms' TextInput writes for a field without validators
    (so without flags: required, maxlength...), the same attributes in the same order, built
    without its html_params, which formats each one with Markup.format: that was a tenth of
    a product page's time. tests/web/test_form_rendering.py compares the two."""
    given = {**(field.render_kw or {}), **render_kw}
    attributes = {"id": field.id, "type": "text", "value": field._value()}
    attributes.update((clean_key(name), value) for name, value in given.items())
    attributes["name"] = field.name
    return Markup(f"<input {_html_attributes(attributes)}>")


def _html_attributes(attributes):
    """`name="value"` pairs sorted by name, escaped as WTForms' html_params escapes them (a
    quote that a Markup value holds as is, too); True is a bare name, False no attribute."""
    pairs = []
    for name, value in sorted(attributes.items()):
        if value is True:
            pairs.append(str(escape(name)))
        elif value is not False:
            quoted = str(escape(value)).replace('"', "&quot;")
            pairs.append(f'{escape(name)}="{quoted}"')
    return " ".join(pairs)


class SchemaForm(FlaskForm):
    """A Flask-WTF form (CSRF) whose data is validated by a Marshmallow schema."""

    class Meta:
        def render_field(self, field, render_kw):
            """A plain text input is written by text_input; any other field by its widget."""
            if type(field.widget) is TextInput and not field.validators:
                return text_input(field, render_kw)
            return super().render_field(field, render_kw)

    expired = False
    retry_after = None  # seconds, once a RateLimited error is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.typed_as = {}  # field name -> AMOUNT or PERCENT: how it was typed, for its messages

    def validate(self, extra_validators=None):
        """Flask-WTF's checks, with a missing or stale CSRF token said as an expired form.
        The re-rendered form carries a fresh token, so sending it again works."""
        valid = super().validate(extra_validators)
        if self.meta.csrf and self.csrf_token.errors:
            self.csrf_token.errors = []
            self.expired = True
            self.form_errors.insert(0, FORM_EXPIRED_KEPT)
        return valid

    def status(self):
        """The page's status: 200 when shown clean, 400 when it had expired, 429 when it was
        refused for too many failures, else 422."""
        if self.expired:
            return 400
        if self.retry_after:
            return 429
        return 422 if self.has_errors() else 200

    def headers(self):
        """The page's headers: `Retry-After` with a 429, as the API's 429 has it."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}

    def load(self, schema, data):
        """The schema's result, or None with its messages shown on the form."""
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            # A field the form could not even read (an amount, say) keeps only that message.
            self.show_errors({key: value for key, value in error.messages.items()
                              if not (key in self._fields and self._fields[key].errors)})
            return None
        return None if self.has_errors() else loaded

    def show_errors(self, messages):
        """Attach messages to the field named last in their path, else to the form."""
        for path, message in _flatten(messages):
            field = next((self._fields[key] for key in reversed(path) if key in self._fields), None)
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, self._retold(field, message)]

    def _retold(self, field, message):
        """A range the API says in minor units or basis points, said in what was typed."""
        kind = self.typed_as.get(field.short_name)
        return message.typed(kind) if kind and isinstance(message, RangeMessage) else message

    def show_error(self, error):
        """A ShopError from a service: its details on the fields, or its message on the form."""
        if isinstance(error, RateLimited):
            self.retry_after = error.retry_after
        if error.details and not isinstance(error, OutOfStock):
            self.show_errors(error.details)
        else:
            self.form_errors.append(error.message)

    def has_errors(self):
        return bool(self.form_errors) or any(field.errors for field in self)

    def money_field(self, field):
        """The field's amount in minor units, read as shop/money.py's read_amount says (`7,95`
        is 795); None when empty, or with why it cannot be read on the field."""
        return self._read(field, read_amount, AMOUNT)

    def percent_field(self, field):
        """The field's percent in basis points (`19.5`, `19,5` and `19.5%` are 1950); None
        when empty, or with why it cannot be read on the field."""
        return self._read(field, read_percent, PERCENT)

    def _read(self, field, read, kind):
        self.typed_as[field.short_name] = kind
        text = (field.data or "").strip()
        if not text:
            return None
        reading = read(text)
        if reading.problem:
            field.errors = [*field.errors, reading.problem]
        return reading.value


class ActionForm(SchemaForm):
    """A button that changes state (log out, cancel, archive): only its CSRF token."""


class ConfirmForm(SchemaForm):
    """The second step of a change that cannot be undone (cancel, archive, refund): an
    optional reason, validated by the feature's own schema (`reason` field)."""

    reason = StringField("Reason (optional)", description="Kept in the history.",
                         render_kw={"maxlength": 500, "autocomplete": "off"})

    def schema_data(self):
        return present(reason=(self.reason.data or "").strip())
