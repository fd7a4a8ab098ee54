"""The address book's form. Its rules are the API's (addresses.schemas), which are an
order's shipping address's."""
from wtforms import BooleanField, StringField, TelField

from ..forms import SchemaForm, country_field, present
from .model import FIELDS, OPTIONAL


class AddressFields:
    """An address's fields, as the address book and the checkout ask for them (a mixin of
    either form; the `address_fields` macro shows them)."""
    name = StringField("Full name", render_kw={"autocomplete": "name"})
    line1 = StringField("Address", render_kw={"autocomplete": "address-line1"})
    line2 = StringField("Address line 2 (optional)", render_kw={"autocomplete": "address-line2"})
    city = StringField("City", render_kw={"autocomplete": "address-level2"})
    postal_code = StringField("Postal code", render_kw={"autocomplete": "postal-code"})
    region = StringField("State, province or region (optional)", render_kw={"autocomplete": "address-level1"})
    country = country_field()
    phone = TelField("Phone (optional)", description="For the carrier, if they need to reach you.",
                     render_kw={"autocomplete": "tel"})

    def address_data(self):
        """The address as typed, a blank field left out (as in JSON)."""
        return present(**{name: self[name].data for name in FIELDS})


class AddressForm(AddressFields, SchemaForm):
    default = BooleanField("Make this my default address")

    def schema_data(self):
        """The fields as typed; a blank optional one (second line, region, phone) clears it.
        `default` only when ticked: the default address is never un-defaulted from here (another
        is made the default instead)."""
        data = self.address_data()
        data.update({name: self[name].data or "" for name in OPTIONAL})
        if self.default.data:
            data["default"] = True
        return data
