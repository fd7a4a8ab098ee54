"""The cart model: which lines can be bought, the one count, and what the checkout must refuse.
No Flask, no Mongo."""
from datetime import datetime, timezone

import pytest

from shop.cart.model import Cart, cart_from
from shop.errors import InvalidInput
from shop.products.model import Product, Variant

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)


def a_product(product_id, price=1000, stock=10, active=True, currency="USD"):
    variant = Variant(id=product_id, product_id=product_id, sku=f"SKU-{product_id}", options={}, price=price,
                      stock=stock, active=True, position=0, created_at=NOW, updated_at=NOW)
    return Product(id=product_id, slug=product_id, name=f"Product {product_id}", description="", currency=currency,
                   active=active, created_at=NOW, updated_at=NOW, variants=[variant])


def a_cart(items, *products):
    catalogue = {product.id: product for product in products}
    variants = {variant.id: variant for product in products for variant in product.variants}
    return cart_from(items, variants, catalogue)


def test_a_cart_of_lines_on_sale_in_stock_is_ready_for_checkout():
    cart = a_cart({"pen": 2, "ink": 1}, a_product("pen", 333), a_product("ink", 1999))

    assert cart.ready_for_checkout and cart.problems() == []
    assert cart.count == 3 and cart.subtotal == 2665 and [line.line_total for line in cart.lines] == [666, 1999]
    cart.check_ready()


def test_archived_gone_and_other_currency_lines_are_kept_apart_and_counted_nowhere():
    cart = a_cart({"pen": 2, "lamp": 1, "gone": 4, "euro": 1},
                  a_product("pen"), a_product("lamp", active=False), a_product("euro", currency="EUR"))

    assert [line.id for line in cart.lines] == ["pen"]
    assert [(line.id, line.name) for line in cart.unavailable] == [
        ("lamp", "Product lamp"), ("gone", "A product"), ("euro", "Product euro")]
    assert cart.count == 2 and cart.subtotal == 2000 and cart.currency == "USD"
    assert not cart.ready_for_checkout


def test_the_checkout_is_refused_with_every_line_that_needs_a_change():
    cart = a_cart({"pen": 5, "lamp": 1}, a_product("pen", stock=3), a_product("lamp", active=False))

    with pytest.raises(InvalidInput) as refused:
        cart.check_ready()

    assert refused.value.details == {"items": [
        "Product lamp: This product is no longer sold. Remove it from your cart.",
        "Product pen: you asked for 5, 3 left."]}


def test_an_empty_cart_is_refused_as_empty():
    with pytest.raises(InvalidInput) as refused:
        Cart().check_ready()

    assert refused.value.details == {"items": ["Your cart is empty."]}


def test_the_cart_takes_its_currency_from_its_first_line_on_sale():
    cart = a_cart({"lamp": 1, "euro": 1, "pen": 1},
                  a_product("lamp", active=False, currency="GBP"), a_product("euro", currency="EUR"), a_product("pen"))

    assert cart.currency == "EUR" and [line.id for line in cart.lines] == ["euro"]
    assert cart.currency_problem(a_product("pen")).startswith("Your cart is in EUR and Product pen is priced in USD")
    assert cart.currency_problem(a_product("other", currency="EUR")) is None
    assert Cart().currency_problem(a_product("pen")) is None
