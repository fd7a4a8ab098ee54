"""The address book's form. Its rules are the API's (addresses.schemas), which are an
order's shipping address's."""
from wtforms import BooleanField, StringField

from ..forms import SchemaForm, country_field, present


class AddressForm(SchemaForm):
    name = StringField("Full name", render_kw={"autocomplete": "name"})
    line1 = StringField("Address", render_kw={"autocomplete": "address-line1"})
    line2 = StringField("Address line 2 (optional)", render_kw={"autocomplete": "address-line2"})
    city = StringField("City", render_kw={"autocomplete": "address-level2"})
    postal_code = StringField("Postal code", render_kw={"autocomplete": "postal-code"})
    country = country_field()
    default = BooleanField("Make this my default address")

    def schema_data(self):
        """The fields as typed; a blank second line clears it. `default` only when ticked: the
        default address is never un-defaulted from here (another is made the default instead)."""
        data = present(name=self.name.data, line1=self.line1.data, city=self.city.data,
                       postal_code=self.postal_code.data, country=self.country.data)
        data["line2"] = self.line2.data or ""
        if self.default.data:
            data["default"] = True
        return data
