"""Cart use cases: add, change, remove, carry a visitor's cart over, check out.

Repositories come in as arguments. The cart holds only variant ids and
quantities (a product's only variant has the product's id); names and prices
are read from the catalogue each time it is shown, and copied into the order
when it is placed.
"""
from datetime import timedelta

from ..errors import InvalidInput
from ..orders import placing
from ..orders.model import MAX_QUANTITY, VISIBLE
from ..products.services import get_product
from .model import cart_from

ANONYMOUS_CART_DAYS = 30


def view_cart(carts, products, owner):
    """The cart as the catalogue has it now: lines on sale priced, the others kept as unavailable."""
    items = carts.items(owner)
    variants = products.variants.many(items)
    catalogue = products.many({variant.product_id for variant in variants.values()})
    return cart_from(items, variants, catalogue)


def count_items(carts, products, owner):
    """The units the header shows: the cart's own count, so the two always agree."""
    return view_cart(carts, products, owner).count


def add_to_cart(carts, products, owner, product_id, variant_id, option_values, quantity, now, anonymous):
    """Add units of a variant on sale and in stock: the one with the `option_values` chosen
    in the product page's lists, else the one named, else the product's only one (422 saying
    why when that is not sold or sold out, 404 for an unknown one, 422 for a product in
    another currency than the cart's); a line holds at most MAX_QUANTITY. Returns (product, variant)."""
    product = get_product(products, product_id)
    variant = product.variant_to_add(variant_id, option_values)
    problem = view_cart(carts, products, owner).currency_problem(product)
    if problem:
        raise InvalidInput({"currency": [problem]}, problem)
    expires_at = now + timedelta(days=ANONYMOUS_CART_DAYS) if anonymous else None
    carts.add(owner, variant.id, quantity, MAX_QUANTITY, now, expires_at)
    return product, variant


def set_quantity(carts, owner, variant_id, quantity, now):
    """Set a line's quantity; 0 removes the line. Returns whether the line is kept."""
    if quantity == 0:
        carts.remove(owner, variant_id, now)
        return False
    carts.set_quantity(owner, variant_id, quantity, now)
    return True


def remove_line(carts, owner, product_id, now):
    carts.remove(owner, product_id, now)


def carry_over(carts, visitor_owner, shopper_owner, now):
    """Move a visitor's cart into the shopper's on log-in, adding up quantities."""
    for product_id, quantity in carts.take(visitor_owner).items():
        carts.add(shopper_owner, product_id, quantity, MAX_QUANTITY, now)


def shipping_choices(repos, currency, country):
    """The shipping methods the checkout offers a cart in `currency` sent to `country`,
    cheapest first (none before the country is known, nor for an empty cart)."""
    return repos.shipping.active_for(country, currency) if currency and country else []


def placed_with(repos, user, idempotency_key):
    """The order this checkout form (its idempotency key) placed already, or None."""
    earlier, _ = repos.orders.by_key(user.id, idempotency_key)
    if earlier is None or earlier.status not in VISIBLE:
        return None
    # Guests share user_id None: a guest's form finds only an order placed with its e-mail.
    return earlier if user.id is not None or earlier.customer_email == user.email else None


def quote(repos, carts, user, owner, terms, now, prices_include_tax):
    """(cart, the quote of the order it would place with `terms`: an orders.placing.Checkout
    without items). The cart must be ready (422 naming the lines to change)."""
    cart = view_cart(carts, repos.products, owner)
    cart.check_ready()
    checkout = placing.Checkout(cart.order_items(), terms.shipping_address, _method(repos, cart, terms),
                                       terms.discount_code)
    return cart, placing.quote_order(repos, user, checkout, now, prices_include_tax)


def _method(repos, cart, terms):
    """The method chosen, else the cheapest serving the address: the methods are listed only
    once the country is known, so its first quote is priced with that one (the page shows it
    chosen, and another may be chosen then)."""
    if terms.shipping_method_id is not None:
        return terms.shipping_method_id
    methods = shipping_choices(repos, cart.currency, terms.shipping_address["country"])
    return methods[0].id if methods else None


def checkout(repos, carts, user, owner, terms, idempotency_key, now, payment_ttl_minutes, prices_include_tax):
    """Place the cart as an order, if its total is still the `terms.expected_total` the shopper
    was shown (else QuoteChanged, with the new quote). Returns (order, created).

    The checkout form carries its own idempotency key, so a second submit (a
    double click, a reload) returns the first order instead of placing another,
    also after the first one has emptied the cart.
    """
    earlier = placed_with(repos, user, idempotency_key)
    if earlier is not None:
        return earlier, False
    cart = view_cart(carts, repos.products, owner)
    cart.check_ready()
    checkout = placing.Checkout(cart.order_items(), terms.shipping_address, _method(repos, cart, terms),
                                       terms.discount_code, terms.expected_total, quoted=terms.quoted)
    order, created = placing.place_order(repos, user, checkout, idempotency_key, now, payment_ttl_minutes,
                                         prices_include_tax=prices_include_tax)
    carts.remove_many(owner, [line.variant_id for line in order.items], now)
    return order, created
