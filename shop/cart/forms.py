"""Cart and checkout forms (adding to the cart is the product page's form, products.forms). Their rules are
the order schemas (orders.schemas)."""
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.validators import Regexp

from ..addresses.forms import AddressFields
from ..forms import SchemaForm, present, typed_integer

NEW_ADDRESS = "new"  # the checkout's choice of the typed address over a saved one
MIXED_ADDRESS = ("You chose a saved address above, and typed an address here. To send the order here, choose "
                 "“A new address, typed below”; to send it to the saved address, clear these fields.")


class CartLineForm(SchemaForm):
    quantity = StringField("Quantity", render_kw={"inputmode": "numeric", "size": 3})

    def schema_data(self):
        return present(quantity=typed_integer(self.quantity.data))


class CheckoutForm(AddressFields, SchemaForm):
    email = StringField("E-mail", description="For the order's confirmation and its private link.",
                        render_kw={"autocomplete": "email", "inputmode": "email"})  # guests only
    # A shopper's saved addresses and NEW_ADDRESS (choices: the view's); none sent is the typed one.
    saved_address = RadioField("Ship to", validate_choice=False)
    save_address = BooleanField("Save this address to my address book")  # shoppers logged in only
    shipping_method_id = RadioField("Shipping", validate_choice=False)  # choices: the methods offered
    discount_code = StringField("Discount code (optional)", render_kw={"autocomplete": "off", "size": 16})
    # The total of the quote the page shows: placing checks the order's total is still that.
    expected_total = HiddenField()
    # And everything else it shows (Quote.fingerprint): placing places only that quote.
    quoted = HiddenField()
    # Made when the form is first shown; a resubmit with the same key places no second order.
    idempotency_key = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_-]{16,64}$")])

    def saved_address_id(self):
        """The saved address chosen, or None for the address typed."""
        choice = self.saved_address.data
        return None if choice in (None, "", NEW_ADDRESS) else choice

    def typed_beside_saved(self):
        """The first field of a new address typed while a saved address is chosen, or None
        (the name aside: the page fills it in). Which one the shopper meant cannot be told, so
        the page asks (MIXED_ADDRESS) instead of shipping to either."""
        if self.saved_address_id() is None:
            return None
        return next((name for name in self.address_data() if name != "name"), None)

    def terms_data(self):
        """The shipping method, code and expected total as typed, for PlaceOrderSchema."""
        return present(shipping_method_id=self.shipping_method_id.data,
                       discount_code=(self.discount_code.data or "").strip(),
                       expected_total=typed_integer(self.expected_total.data))
