"""What a shopper chooses in the browser is what the shop adds, prices and places: the product
page's option lists, a saved address against one typed at the checkout, and a country changed
after the quote was shown. Real Chromium on the shop served by waitress, CSRF on."""
import pytest

from tests.e2e.browser import ADMIN, SHOPPER, api_call, fill_address, in_page, log_in

pytestmark = pytest.mark.browser

JACKET = {"name": "Rain Jacket", "price": 8000, "description": "Waxed cotton.",
          "options": [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Colour", "values": ["Sand", "Slate"]}],
          "variants": [
              {"sku": "JACKET-S-SAND", "options": {"Size": "S", "Colour": "Sand"}, "stock": 6},
              {"sku": "JACKET-L-SLATE", "options": {"Size": "L", "Colour": "Slate"}, "price": 9500, "stock": 2},
              {"sku": "JACKET-M-SLATE", "options": {"Size": "M", "Colour": "Slate"}, "price": 9000, "stock": 0},
          ]}


def admin_token(live_url):
    status, answer = api_call(live_url, "POST", "/auth/tokens", body=ADMIN)
    assert status == 201, answer
    return answer["token"]


def made(live_url, token, path, body):
    status, answer = api_call(live_url, "POST", path, token, body)
    assert status == 201, answer
    return answer


def registered_shopper(page, live_url):
    """Ada, registered through the API and logged in in the browser; her API token."""
    status, answer = api_call(live_url, "POST", "/auth/register", body=SHOPPER)
    assert status == 201, answer
    log_in(page, SHOPPER["email"], SHOPPER["password"])
    assert in_page(page, "Log out")
    status, answer = api_call(live_url, "POST", "/auth/tokens",
                              body={"email": SHOPPER["email"], "password": SHOPPER["password"]})
    return answer["token"]


def test_the_options_chosen_in_the_lists_are_the_variant_added_at_its_price(page, live_url):
    jacket = made(live_url, admin_token(live_url), "/products", JACKET)

    page.goto(f"/products/{jacket['slug']}")
    assert page.locator("p.price.big").inner_text() == "$80.00"  # S / Sand, shown first
    page.get_by_label("Size").select_option("L")
    page.get_by_label("Colour").select_option("Slate")
    page.get_by_role("button", name="Add to cart").click()  # without "Show this choice" first

    assert in_page(page, "Added Rain Jacket (Size L / Colour Slate) to your cart.")
    cart = page.locator("table.cart").inner_text()
    assert "Size L / Colour Slate" in cart and "$95.00" in cart and "Size S" not in cart

    page.goto(f"/products/{jacket['slug']}")
    page.get_by_label("Size").select_option("M")
    page.get_by_label("Colour").select_option("Slate")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "Size M / Colour Slate is sold out for now. Choose another combination.")
    page.get_by_label("Size").select_option("L")
    page.get_by_label("Colour").select_option("Sand")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "Size L / Colour Sand is not sold: choose another combination.")
    page.get_by_label("Size").select_option("S")
    page.get_by_label("Colour").select_option("Sand")
    page.get_by_role("button", name="Show this choice").click()
    assert in_page(page, "SKU JACKET-S-SAND")
    assert page.locator("p.price.big").inner_text() == "$80.00"
    page.goto("/cart")
    assert page.locator("table.cart tbody tr").count() == 1  # neither refusal added anything


def test_a_typed_address_beside_a_chosen_saved_one_is_refused_then_shipped_to_when_chosen(page, live_url):
    admin = admin_token(live_url)
    made(live_url, admin, "/shipping-methods", {"name": "Domestic", "countries": ["US"], "price": 500})
    made(live_url, admin, "/shipping-methods", {"name": "Europe", "countries": ["FR"], "price": 1500})
    mug = made(live_url, admin, "/products", {"sku": "MUG-BLUE", "name": "Blue Mug", "price": 1200, "stock": 9})
    token = registered_shopper(page, live_url)
    made(live_url, token, "/me/addresses", {"name": "Ada Shopper", "line1": "1 Main Street", "city": "Springfield",
                                            "postal_code": "12345", "country": "US"})
    page.goto(f"/products/{mug['slug']}")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "to your cart")

    page.goto("/checkout")
    assert "Domestic" in page.locator("form.checkout-form").inner_text()  # the saved US address's methods
    assert "Europe" not in page.locator("form.checkout-form").inner_text()
    fill_address(page, "3 Rue de Rivoli", "75001", "Paris", "FR")
    page.get_by_role("button", name="Show the total").click()

    assert in_page(page, "You chose a saved address above, and typed an address here.")
    assert page.get_by_role("button", name="Place order").count() == 0
    page.get_by_label("A new address, typed below").check()
    page.get_by_role("button", name="Show the total").click()
    assert in_page(page, "Place order:")
    summary = page.locator("section.summary").inner_text()
    assert "3 Rue de Rivoli" in summary and "France" in summary and "Shipping: Europe" in summary
    page.get_by_role("button", name="Place order").click()
    assert in_page(page, "is placed")
    assert "3 Rue de Rivoli" in page.locator("address").inner_text()


def test_a_country_changed_after_the_quote_shows_the_new_quote_and_places_nothing(page, live_url):
    admin = admin_token(live_url)
    made(live_url, admin, "/shipping-methods", {"name": "Post", "countries": ["*"], "price": 500})
    made(live_url, admin, "/tax-rates", {"country": "GB", "rate_bp": 2000})
    mug = made(live_url, admin, "/products", {"sku": "MUG-RED", "name": "Red Mug", "price": 2000, "stock": 9})
    token = registered_shopper(page, live_url)
    page.goto(f"/products/{mug['slug']}")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "to your cart")
    page.goto("/checkout")
    fill_address(page, "5 Engine Road", "EC1A 1BB", "London", "GB")
    page.get_by_role("button", name="Show the total").click()
    assert in_page(page, "Place order: $25.00")
    assert "Tax included" in page.locator("section.summary").inner_text()

    fill_address(page)
    page.get_by_role("button", name="Place order").click()  # the same $25.00, another order

    assert in_page(page, "This is not the order that was shown: the shipping address and tax changed since.")
    summary = page.locator("section.summary").inner_text()
    assert "Springfield" in summary and "United States" in summary and "Tax included" not in summary
    status, orders = api_call(live_url, "GET", "/orders", token)
    assert status == 200 and orders["items"] == []
    page.get_by_role("button", name="Place order: $25.00").click()
    assert in_page(page, "is placed")
    status, orders = api_call(live_url, "GET", "/orders", token)
    assert [order["shipping_address"]["country"] for order in orders["items"]] == ["US"]
