"""What the shop says about itself on its pages is true to its settings: free shipping only when
the shipping methods make it so, and the tax sentence from PRICES_INCLUDE_TAX (docs/API.md
"Orders": with no active method, shipping is free)."""
import re

import pytest

PAGES = ["/", "/products", "/products/retro-clock", "/categories", "/cart", "/checkout", "/login"]
INCLUDED, ADDED = "Prices include tax", "Prices are before tax: any tax due is added at checkout"


@pytest.fixture
def clock(add_product, site):
    """A product, in the visitor's cart (the cart and the checkout show their pages then)."""
    clock = add_product("RETRO-CLOCK", name="Retro Clock", stock=5)
    site.add_to_cart(clock)
    return clock


def method(admin, price, free_over=None, active=True, currency="USD"):
    body = {"name": f"Method {price}", "countries": ["*"], "price": price, "free_over": free_over, "active": active,
            "currency": currency}
    response = admin.post("/shipping-methods", json=body)
    assert response.status_code == 201, response.get_json()


def lead(site):
    """The home page's sentence about the shop, under its heading."""
    return re.search(r'<p class="lead">(.*?)</p>', site.text("/"), re.S).group(1)


@pytest.mark.parametrize("methods, said", [
    ([], "Free shipping."),
    ([(0, None)], "Free shipping."),
    ([(0, None), (1500, None, False)], "Free shipping."),
    ([(495, 5000), (995, 7500)], "Free shipping on orders of $75.00 or more after discounts."),
    ([(495, 5000), (0, None)], "Free shipping on orders of $50.00 or more after discounts."),
], ids=["no method", "a free method", "a paid method that is off", "every method free from an amount",
        "free or free from an amount"])
def test_the_home_page_promises_free_shipping_only_as_far_as_the_methods_make_it_free(site, admin, methods, said):
    for price, free_over, *active in methods:
        method(admin, price, free_over, *active)

    assert said in lead(site)


@pytest.mark.parametrize("methods", [
    [(495, None)], [(0, None), (495, None)], [(495, 5000), (995, None)], [(495, 5000), (495, 5000, True, "EUR")],
], ids=["a paid method", "a free and a paid one", "one paid whatever the order", "amounts in two currencies"])
def test_no_page_says_shipping_is_free_when_some_order_pays_for_it(site, admin, clock, methods):
    for price, free_over, *rest in methods:
        method(admin, price, free_over, *rest)

    for path in PAGES:
        assert "free shipping" not in site.text(path).lower(), path


@pytest.mark.parametrize("settings, said, never", [
    ({"PRICES_INCLUDE_TAX": True}, INCLUDED, ADDED),
    ({"PRICES_INCLUDE_TAX": False}, ADDED, INCLUDED),
], ids=["included", "added"])
def test_every_page_says_what_prices_include_as_the_setting_says(site, clock, settings, said, never):
    assert said in lead(site)
    for path in PAGES:
        page = site.text(path)
        assert said in page and never.lower() not in page.lower(), path
