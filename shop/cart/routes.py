"""The cart (kept for visitors too, in MongoDB) and checkout, in the browser."""
import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..addresses import services as address_book
from ..addresses.repository import AddressRepository
from ..addresses.schemas import AddressSchema
from ..auth.session import signed_in_user
from ..clock import utcnow
from ..db import get_db
from ..errors import BadRequest, Conflict, InvalidInput, OutOfStock, QuoteChanged
from ..forms import keeps_typed_input
from ..auth.model import normalize_email
from ..forms import present
from ..orders.model import Guest
from ..orders.schemas import GuestEmailSchema, OrderItemSchema, PlaceOrderSchema
from ..orders.placing import Checkout
from ..orders.repositories import Repositories
from ..products.repository import ProductRepository
from ..products.forms import OPTION_FIELD, SHOW_CHOICE, AddToCartForm
from ..products.pages import product_page_context
from ..products.services import get_product
from . import services
from .forms import MIXED_ADDRESS, NEW_ADDRESS, CartLineForm, CheckoutForm
from .model import Cart
from .repository import CartRepository
from .schemas import CartLineSchema
from .session import cart_count, cart_owner

CART_QUANTITY = CartLineSchema()
bp = Blueprint("cart", __name__)
# A global, not a context processor, so that the macros see it without being imported `with context`.
bp.add_app_template_global(cart_count)


def _cart_page(line_forms=None, status=200):
    owner = cart_owner()
    cart = services.view_cart(CartRepository(get_db()), ProductRepository(get_db()), owner) if owner else Cart()
    forms = {line.id: CartLineForm(formdata=None, quantity=line.quantity) for line in cart.lines}
    forms.update(line_forms or {})
    return render_template("cart/cart.html", cart=cart, line_forms=forms), status


@bp.get("/cart")
def show_cart():
    """The cart, with a quantity form and a remove button on each line."""
    return _cart_page()


@bp.post("/cart/items")
@keeps_typed_input
def add_item():
    """Add the variant chosen in the product page's option lists to the cart (a visitor's cart
    is made on the first add); or, for "Show this choice", that variant's page."""
    form = AddToCartForm()
    if form.action.data == SHOW_CHOICE:
        return redirect(_chosen_page(form))
    if form.validate_on_submit() and (data := form.load(OrderItemSchema(), form.schema_data())):
        try:
            product, variant = services.add_to_cart(
                CartRepository(get_db()), ProductRepository(get_db()), cart_owner(create=True),
                data["product_id"], data.get("variant_id"), form.option_values(), data["quantity"], utcnow(),
                anonymous=signed_in_user() is None,
            )
        except InvalidInput as error:
            form.show_error(error)
        else:
            flash(f"Added {product.name}{' (' + variant.label() + ')' if variant.label() else ''} to your cart.",
                  "success")
            return redirect(url_for("cart.show_cart"))
    product = get_product(ProductRepository(get_db()), form.product_id.data or "")
    chosen = product.chosen_by_position(form.option_values())
    context = product_page_context(product, form.variant_id.data, form, chosen)
    return render_template("products/detail.html", **context), form.status()


def _chosen_page(form):
    """The product page showing the options chosen in its lists (nothing is added)."""
    product = get_product(ProductRepository(get_db()), form.product_id.data or "")
    chosen = {OPTION_FIELD.format(index): value for index, value in enumerate(form.option_values()) if value}
    return url_for("products.product_page", slug=product.slug, **chosen)


@bp.post("/cart/items/<id:line_id>")
@keeps_typed_input
def update_item(line_id):
    """Change a line's quantity (1 to 100; 0 removes the line)."""
    form = CartLineForm()
    owner = cart_owner()
    if owner and form.validate_on_submit() and (data := form.load(CART_QUANTITY, form.schema_data())):
        kept = services.set_quantity(CartRepository(get_db()), owner, line_id, data["quantity"], utcnow())
        flash("Your cart is updated." if kept else "The item is removed from your cart.", "success" if kept else "info")
        return redirect(url_for("cart.show_cart"))
    return _cart_page({line_id: form}, status=form.status() if owner else 422)


@bp.post("/cart/items/<id:line_id>/remove")
def remove_item(line_id):
    """Take a line out of the cart."""
    owner = cart_owner()
    if owner and AddToCartForm().validate_on_submit():
        services.remove_line(CartRepository(get_db()), owner, line_id, utcnow())
        flash("The item is removed from your cart.", "info")
    return redirect(url_for("cart.show_cart"))


TERMS = PlaceOrderSchema(only=("shipping_method_id", "discount_code", "expected_total"))
GUEST_EMAIL = GuestEmailSchema()
QUOTE_CHANGED = ("This is not the order that was shown: {} changed since. Nothing was placed. Check the new "
                 "quote below and place the order again.")


def _checkout_page(form, quote=None, status=200, cart=None):
    """The checkout: the form, the cart (read here unless the view read it already), and the
    quote of what placing would charge (once the address is known), whose total the form
    carries as `expected_total` and whose fingerprint as `quoted`. The shipping methods
    offered are those serving the country being priced (none before it is known)."""
    if cart is None:
        cart = services.view_cart(CartRepository(get_db()), ProductRepository(get_db()), cart_owner())
    saved = _saved_addresses(form)
    country = quote.shipping_address["country"] if quote is not None else _country(form, saved)
    repos = Repositories.for_request()
    methods = services.shipping_choices(repos, cart.currency, country)
    form.shipping_method_id.choices = [(method.id, method.label()) for method in methods]
    if quote is not None:
        form.expected_total.data = str(quote.total)
        form.quoted.data = quote.fingerprint()
        form.shipping_method_id.data = quote.shipping["method_id"]
    return render_template("cart/checkout.html", form=form, cart=cart, quote=quote, methods=methods, saved=saved,
                           country_first=not methods and not country and repos.shipping.has_active()), status


def _country(form, saved):
    """The country the form names: the chosen saved address's, else the one typed (None yet)."""
    chosen = form.saved_address_id()
    if saved and chosen is not None:
        return next((address.country for address in saved if address.id == chosen), None)
    return form.country.data or None


def _saved_addresses(form):
    """A shopper's saved addresses, offered as choices beside a new one; when the form is
    first shown, the default is chosen (after that, what the shopper chose stays chosen)."""
    user = signed_in_user()
    saved = address_book.saved_addresses(AddressRepository(get_db()), user.id) if user else []
    form.saved_address.choices = [(address.id, address.one_line() + (" (default)" if address.default else ""))
                                  for address in saved] + [(NEW_ADDRESS, "A new address, typed below")]
    if saved and not form.is_submitted():
        form.saved_address.data = next(address.id for address in saved if address.default)
    return saved


@bp.get("/checkout")
def checkout():
    """The address form, with a fresh idempotency key for this checkout; a visitor checks out
    as a guest, with an e-mail address."""
    cart = services.view_cart(CartRepository(get_db()), ProductRepository(get_db()), cart_owner())
    if not cart.ready_for_checkout:
        for problem in cart.problems() or ["Your cart is empty: add something first."]:
            flash(problem, "info")
        return redirect(url_for("cart.show_cart"))
    user = signed_in_user()
    form = CheckoutForm(formdata=None, idempotency_key=secrets.token_urlsafe(24), name=user.name if user else None)
    return _checkout_page(form, cart=cart)


def _customer(form):
    """Who checks out: the shopper logged in, or a guest by the e-mail typed (None: not valid)."""
    user = signed_in_user()
    if user is not None:
        return user
    typed = form.load(GUEST_EMAIL, present(email=form.email.data))
    return Guest(normalize_email(typed["email"])) if typed else None


def _shipping_address(form, customer):
    """(address, saved address id): a copy of the saved address the shopper chose, or the
    address typed (id None); (None, None) when it is not valid, with why on the form."""
    address_id = form.saved_address_id()
    if address_id is None or customer is None or customer.id is None:  # a guest has no saved addresses
        return form.load(AddressSchema(), form.address_data()), None
    typed = form.typed_beside_saved()
    if typed is not None:
        form.show_errors({typed: [MIXED_ADDRESS]})
        return None, None
    try:
        return address_book.shipping_address(AddressRepository(get_db()), customer.id, address_id,
                                             field="saved_address"), address_id
    except InvalidInput as error:
        form.show_error(error)
        return None, None


def _order_page(order):
    if order.user_id is None:
        token = Repositories.for_request().links.guest_token(order.id)
        return url_for("orders.show_guest_order", guest_order_id=order.id, token=token)
    return url_for("orders.show_order", order_id=order.id)


@bp.post("/checkout")
@keeps_typed_input
def place_order():
    """Review: the quote for the address, method and code typed. Place: the order, if its
    total is still the one the page showed; if not, the new quote, to confirm again."""
    form = CheckoutForm()
    if not form.validate_on_submit():
        if form.expired:
            return _checkout_page(form, status=form.status())
        raise BadRequest("This checkout form is not valid; please start again from the cart.")
    customer = _customer(form)
    repos = Repositories.for_request()
    # Before the address: this form's order stands even if the saved address it named is gone.
    earlier = services.placed_with(repos, customer, form.idempotency_key.data) if customer else None
    if earlier is not None:  # this form placed its order already (a second click, a reload)
        flash(f"Order {earlier.number} was already placed.", "success")
        return redirect(_order_page(earlier))
    address, address_id = _shipping_address(form, customer)
    terms = form.load(TERMS, form.terms_data())
    if customer is None or address is None or terms is None:
        return _checkout_page(form, status=form.status())
    terms = Checkout(items=[], shipping_address=address, address_id=address_id, quoted=form.quoted.data or None,
                     **terms)
    # Placing needs the quote the page showed: a form without one is shown its quote first.
    placing = request.form.get("action") == "place" and terms.expected_total is not None and terms.quoted is not None
    try:
        if placing:
            return redirect(_order_page(_place(repos, customer, form, terms)))
        cart, quote = services.quote(repos, CartRepository(get_db()), customer, cart_owner(), terms, utcnow(),
                                     current_app.config["PRICES_INCLUDE_TAX"])
    except QuoteChanged as changed:
        form.form_errors.append(QUOTE_CHANGED.format(_and(changed.changed)))
        return _checkout_page(form, changed.quote, status=409)
    except (InvalidInput, OutOfStock, Conflict) as error:
        _show_checkout_error(form, error)
        return _checkout_page(form, status=form.status())
    return _checkout_page(form, quote, cart=cart)


def _and(words):
    """`a`, `a and b`, `a, b and c`."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _place(repos, customer, form, terms):
    order, created = services.checkout(
        repos, CartRepository(get_db()), customer, cart_owner(), terms, form.idempotency_key.data, utcnow(),
        current_app.config["ORDER_PAYMENT_TTL_MINUTES"], current_app.config["PRICES_INCLUDE_TAX"],
    )
    if created and order.user_id is not None and form.save_address.data and terms.address_id is None:
        _save_to_address_book(order.user_id, terms.shipping_address)
    if created and order.user_id is None:
        flash(f"Order {order.number} is placed. Pay for it below. This page's link is in the e-mail we sent to "
              f"{order.customer_email}: keep it to come back to your order.", "success")
    else:
        flash(f"Order {order.number} is placed. Pay for it below to complete it." if created
              else f"Order {order.number} was already placed.", "success")
    return order


def _save_to_address_book(user_id, address):
    """The new address the order ships to, saved as asked ("Save this address"), unless the
    book holds it already; a full book is said, and the order is placed all the same."""
    try:
        saved = address_book.remember(AddressRepository(get_db()), user_id, address, utcnow())
    except InvalidInput as full:
        flash(f"{full.message} This address was not saved.", "info")
    else:
        flash("The address is saved in your address book." if saved else "The address is in your address book already.",
              "info")


def _show_checkout_error(form, error):
    """The error on the form; for missing stock, which products and how many are left."""
    form.show_error(error)
    if not isinstance(error, OutOfStock):
        return
    products = ProductRepository(get_db()).many([item["product_id"] for item in error.details["items"]])
    for item in error.details["items"]:
        product = products.get(item["product_id"])
        name = product.name if product else "A product"
        form.form_errors.append(f"{name}: you asked for {item['requested']}, {item['available']} left.")
