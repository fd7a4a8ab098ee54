"""Order forms for the browser. Their rules are the order schemas (orders.schemas)."""
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..forms import SchemaForm, present, typed_integer
from .model import VISIBLE


class PayForm(SchemaForm):
    card_number = StringField(
        "Card number", description="Sandbox: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.",
        render_kw={"autocomplete": "cc-number", "inputmode": "numeric"},
    )
    exp_month = StringField("Expiry month", render_kw={"autocomplete": "cc-exp-month", "inputmode": "numeric", "size": 3})
    exp_year = StringField("Expiry year", render_kw={"autocomplete": "cc-exp-year", "inputmode": "numeric", "size": 5})
    cvc = StringField("CVC", render_kw={"autocomplete": "cc-csc", "inputmode": "numeric", "size": 5})

    def schema_data(self):
        return present(
            card_number=self.card_number.data, exp_month=typed_integer(self.exp_month.data),
            exp_year=typed_integer(self.exp_year.data), cvc=self.cvc.data,
        )

    def forget_card(self):
        """The card number and CVC are never shown back."""
        self.card_number.raw_data = self.cvc.raw_data = None
        self.card_number.data = self.cvc.data = ""


class TransitionForm(SchemaForm):
    """Ship (with an optional carrier and tracking number) or deliver an order."""
    status = HiddenField()
    carrier = StringField("Carrier (optional)", render_kw={"maxlength": 100, "autocomplete": "off"})
    tracking_number = StringField("Tracking number (optional)", render_kw={"maxlength": 100, "autocomplete": "off"})

    def schema_data(self):
        return present(status=self.status.data, carrier=(self.carrier.data or "").strip(),
                       tracking_number=(self.tracking_number.data or "").strip())


class OrderSearchForm(SchemaForm):
    """The back office's order search: number, customer e-mail, status (a GET form)."""
    class Meta:
        csrf = False  # a GET search form changes nothing

    number = StringField("Order number", render_kw={"maxlength": 20, "autocomplete": "off", "size": 11})
    email = StringField("Customer e-mail", render_kw={"maxlength": 254, "autocomplete": "off", "inputmode": "email"})
    status = SelectField("Status", choices=[SelectChoice("", "Any status")] + [SelectChoice(s, s.title()) for s in VISIBLE],
                         validate_choice=False)

    def link_args(self, args):
        """The filters a page link carries: the valid ones that were given (`args` as loaded)."""
        return {name: args[name] for name in ("number", "email", "status") if args.get(name)}
