"""The back office's shipping method form. Its rules are the shipping method schemas."""
import re

from wtforms import BooleanField, SelectField, StringField

from ..fields import CURRENCIES
from ..forms import SchemaForm, present
from ..money import format_amount


def countries_text(countries):
    return ", ".join(countries)


def parse_countries(text):
    """`us, ca de` -> ["us", "ca", "de"]: codes split on commas and spaces (the schema checks them)."""
    return [code for code in re.split(r"[\s,;]+", text or "") if code]


class ShippingMethodForm(SchemaForm):
    name = StringField("Name", description="As shoppers see it at checkout, such as Standard (3 to 5 days).")
    countries = StringField("Countries", description='Two-letter codes separated by commas, such as US, CA; '
                                                     'or * for every country.')
    price = StringField("Price", description="Such as 4.95.", render_kw={"inputmode": "decimal"})
    currency = SelectField("Currency", choices=sorted(CURRENCIES), default="USD", validate_choice=False,
                           description="It serves only orders in it.")
    free_over = StringField("Free over (optional)", description="Free when the subtotal after discount reaches "
                                                                "this amount; empty: never free.",
                            render_kw={"inputmode": "decimal"})
    active = BooleanField("Active (offered at checkout)", default=True)

    @classmethod
    def of(cls, method):
        """The form filled in from a stored method."""
        return cls(formdata=None, name=method.name, countries=countries_text(method.countries),
                   price=format_amount(method.price), currency=method.currency, active=method.active,
                   free_over="" if method.free_over is None else format_amount(method.free_over))

    def schema_data(self):
        """What was typed; an empty "free over" is a method that is never free."""
        return {"name": self.name.data or "", "countries": parse_countries(self.countries.data),
                "free_over": self.money_field(self.free_over), "active": self.active.data} | present(
            price=self.money_field(self.price), currency=self.currency.data)
