"""The address book's form. Its rules are the API's (addresses.schemas), which are an
order's shipping address's."""
from wtforms import BooleanField, StringField

from ..forms import SchemaForm, country_field, present


class AddressFields:
    """An address's fields, as the address book and the checkout ask for them (a mixin of
    either form; the `address_fields` macro shows them)."""
    name = StringField("Full name", render_kw={"autocomplete": "name"})
    line1 = StringField("Address", render_kw={"autocomplete": "address-line1"})
    line2 = StringField("Address line 2 (optional)", render_kw={"autocomplete": "address-line2"})
    city = StringField("City", render_kw={"autocomplete": "address-level2"})
    postal_code = StringField("Postal code", render_kw={"autocomplete": "postal-code"})
    country = country_field()

    def address_data(self):
        """The address as typed, a blank field left out (as in JSON)."""
        return present(**{name: self[name].data for name in ("name", "line1", "line2", "city", "postal_code",
                                                             "country")})


class AddressForm(AddressFields, SchemaForm):
    default = BooleanField("Make this my default address")

    def schema_data(self):
        """The fields as typed; a blank second line clears it. `default` only when ticked: the
        default address is never un-defaulted from here (another is made the default instead)."""
        data = self.address_data()
        data["line2"] = self.line2.data or ""
        if self.default.data:
            data["default"] = True
        return data
