"""A form's text inputs and labels, written by the shop (shop.forms.text_input and the
`field` macro) rather than by WTForms' widgets: the same HTML as WTForms writes."""
import pytest
from flask import render_template_string
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import Length
from wtforms.widgets import TextInput

from shop.forms import SchemaForm


class ParcelForm(SchemaForm):
    class Meta:
        csrf = False

    label = StringField("Label & <name>")
    quantity = StringField("Quantity", default="1", render_kw={"inputmode": "numeric", "size": 3})
    note = StringField("Note", render_kw={"data_kind": "free", "autocomplete": "off", "spellcheck": False,
                                          "autofocus": True})
    code = StringField("Code", validators=[Length(max=8)])


@pytest.fixture
def form(app):
    with app.test_request_context("/"):
        yield ParcelForm(formdata=None)


def wtforms_input(field, **attributes):
    return TextInput()(field, **{**(field.render_kw or {}), **attributes})


@pytest.mark.parametrize("value", ["1", "", 'He said "hi" <b>&</b>', Markup('a "quoted" <i>markup</i>')])
@pytest.mark.parametrize("name", ["label", "quantity", "note"])
def test_a_text_input_is_written_as_wtforms_writes_it(form, name, value):
    field = form[name]
    field.data = value

    assert field() == wtforms_input(field)
    assert field(**{"aria-describedby": "x-hint x-error", "aria-invalid": "true"}) == wtforms_input(
        field, **{"aria-describedby": "x-hint x-error", "aria-invalid": "true"})


def test_a_text_input_with_validation_flags_is_left_to_wtforms(form):
    assert form.code() == '<input id="code" maxlength="8" name="code" type="text" value="">'


def test_the_field_macro_writes_the_label_wtforms_writes(form):
    html = render_template_string('{% from "_macros.html" import field %}{{ field(form.label) }}', form=form)

    assert str(form.label.label()) in html
