"""Order forms for the browser. Their rules are the order schemas (orders.schemas)."""
import secrets

from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..forms import SchemaForm, present, typed_integer
from .model import VISIBLE


class PayForm(SchemaForm):
    card_number = StringField(
        "Card number", description="Sandbox: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.",
        render_kw={"autocomplete": "cc-number", "inputmode": "numeric"},
    )
    exp_month = StringField("Expiry month",
                            render_kw={"autocomplete": "cc-exp-month", "inputmode": "numeric", "size": 3})
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
    """The back office's order search: the start of a number, the customer (part of an e-mail,
    the start of a name), status (a GET form)."""
    class Meta:
        csrf = False  # a GET search form changes nothing

    number = StringField("Order number starts with", render_kw={"maxlength": 20, "autocomplete": "off", "size": 11})
    customer = StringField("Customer: e-mail or name", render_kw={"maxlength": 254, "autocomplete": "off"})
    status = SelectField("Status",
                         choices=[SelectChoice("", "Any status")] + [SelectChoice(s, s.title()) for s in VISIBLE],
                         validate_choice=False)

    def link_args(self, args):
        """The filters a page link carries: the valid ones that were given (`args` as loaded)."""
        return {name: args[name] for name in ("number", "customer", "status") if args.get(name)}


class RefundLineForm(Form):
    """One line of the order: how many of its units to refund, and whether they come back."""
    product_id = HiddenField()
    variant_id = HiddenField()
    quantity = StringField("Units to refund", default="0", render_kw={"inputmode": "numeric", "size": 3})
    restock = BooleanField("Back into stock", default=True)


class RefundForm(SchemaForm):
    """A refund in two steps: what to give back, then a confirmation of the amount. `key` is
    the refund's Idempotency-Key, drawn when the form is first shown, so that confirming
    twice (a double click, a reload) refunds once."""
    lines = FieldList(FormField(RefundLineForm))
    amount = StringField("Amount", description="Leave it empty to refund what the chosen units were paid for; "
                                               "shipping is refunded only by an amount.")
    reason = StringField("Reason (optional)", description="Kept in the order's history and told to the shopper.")
    key = HiddenField()
    confirmed = HiddenField()

    @classmethod
    def for_order(cls, order):
        lines = [{"product_id": line.product_id, "variant_id": line.variant_id, "quantity": "0", "restock": True}
                 for line in order.items if line.refunded < line.quantity]
        return cls(formdata=None, lines=lines, key=secrets.token_urlsafe(16))

    def schema_data(self):
        lines = [{"product_id": line.product_id.data, "variant_id": line.variant_id.data,
                  "quantity": typed_integer(line.quantity.data), "restock": bool(line.restock.data)}
                 for line in self.lines if (line.quantity.data or "").strip() not in ("", "0")]
        return present(amount=self.money_field(self.amount), lines=lines or None, reason=self.reason.data)
