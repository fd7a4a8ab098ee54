"""End to end in a real headless Chromium (Debian's package, driven by Playwright).

A shopper registers, logs in, searches, adds to the cart, checks out and pays
with the sandbox card; then the admin ships the order. The app is served by
waitress on 127.0.0.1, with CSRF on, as it runs for real. Screenshots of the
main pages go to docs/screenshots/ when UPDATE_SCREENSHOTS=1 (docs/SITE.md shows
them), and to a temporary folder otherwise, so a test run leaves the tree clean.
"""
import pytest

from tests.e2e.browser import (
    ADMIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    SHOPPER,
    api_call,
    ask_for_a_reset_link,
    browser_or_skip,
    fill_address,
    fits_the_phone,
    in_page,
    log_in,
    on_screen,
    pay_with_the_sandbox_card,
    review_and_place,
    shot,
    upload_picture,
)

pytestmark = pytest.mark.browser


def test_a_shopper_buys_and_pays_and_the_admin_ships_it(page):
    page.goto("/")
    shot(page, "home")

    page.get_by_role("link", name="Register").click()
    page.get_by_label("Your name").fill(SHOPPER["name"])
    page.get_by_label("Email").fill(SHOPPER["email"])
    page.get_by_label("Password").fill(SHOPPER["password"])
    page.get_by_role("button", name="Create account").click()
    assert in_page(page, "Welcome, Ada Shopper. Your account is ready.")  # registering logged the shopper in

    page.get_by_role("link", name="Catalog", exact=True).click()
    shot(page, "catalog")
    page.goto("/categories/kitchen")
    assert page.locator("nav.breadcrumbs").count() == 1 and page.locator("img[srcset]").count() > 0
    shot(page, "category")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Catalog").click()
    page.get_by_label("Search", exact=True).fill("teapot")
    page.get_by_role("button", name="Show products").click()
    page.get_by_role("link", name="Cast Iron Teapot").click()
    shot(page, "product")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "Added Cast Iron Teapot to your cart.")
    shot(page, "cart")

    page.get_by_role("link", name="Check out").click()
    fill_address(page)
    review_and_place(page)
    assert in_page(page, "is placed")

    pay_with_the_sandbox_card(page)
    page.get_by_text("is paid").first.wait_for()  # the answer to the POST, once it has loaded
    assert in_page(page, "is paid") and in_page(page, "$118.00")
    order_number = page.locator("h1").inner_text().split()[1]
    shot(page, "order")

    page.get_by_role("button", name="Log out").click()
    log_in(page, ADMIN["email"], ADMIN["password"])
    page.get_by_role("link", name="Back office").click()
    assert in_page(page, "Orders today")
    shot(page, "admin-dashboard")
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_label("Status").select_option("paid")
    page.get_by_role("button", name="Search").click()
    shot(page, "admin-orders")
    page.get_by_role("link", name=order_number).click()
    page.get_by_label("Carrier (optional)").fill("DHL")
    page.get_by_label("Tracking number (optional)").fill("JD0146000012345")
    page.get_by_role("button", name="Mark as shipped").click()
    assert in_page(page, f"Order {order_number} is now shipped.")
    assert in_page(page, "JD0146000012345")
    shot(page, "admin-order")

    # One of the two teapots comes back cracked: a partial refund, confirmed, restocked.
    page.get_by_role("link", name="Refund…").click()
    page.get_by_label("Units to refund").fill("1")
    page.get_by_label("Reason (optional)").fill("Cracked lid")
    page.get_by_role("button", name="Review the refund").click()
    assert in_page(page, "Refund $59.00 to the Visa ending 4242?")
    shot(page, "admin-refund")
    page.get_by_role("button", name="Yes, refund $59.00").click()
    assert in_page(page, f"Refunded $59.00 on order {order_number}.")
    assert in_page(page, "partially refunded ($59.00 back)") and in_page(page, "Reason: Cracked lid")


def test_the_storefront_reads_well_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/products/cast-iron-teapot")

    assert page.get_by_role("button", name="Add to cart").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "product-phone")


def test_a_shopper_picks_a_variant_sees_its_price_buys_it_and_the_order_shows_its_options(page, live_url):
    status, answer = api_call(live_url, "POST", "/auth/tokens", body=ADMIN)
    assert status == 201, answer
    status, product = api_call(live_url, "POST", "/products", answer["token"], {
        "name": "Trail Hoodie", "price": 4500, "description": "Brushed cotton.",
        "options": [{"name": "Size", "values": ["S", "M"]}, {"name": "Colour", "values": ["Moss", "Ink"]}],
        "variants": [
            {"sku": "HOODIE-S-MOSS", "options": {"Size": "S", "Colour": "Moss"}, "stock": 8},
            {"sku": "HOODIE-M-INK", "options": {"Size": "M", "Colour": "Ink"}, "price": 5200, "stock": 3},
        ]})
    assert status == 201, product
    ink = next(v for v in product["variants"] if v["sku"] == "HOODIE-M-INK")
    upload_picture(live_url, answer["token"], product["id"], "The hoodie in moss green", None, "olivedrab")
    upload_picture(live_url, answer["token"], product["id"], "The hoodie in ink blue", ink["id"], "navy")
    page.goto("/register")
    page.get_by_label("Your name").fill(SHOPPER["name"])
    page.get_by_label("Email").fill(SHOPPER["email"])
    page.get_by_label("Password").fill(SHOPPER["password"])
    page.get_by_role("button", name="Create account").click()
    log_in(page, SHOPPER["email"], SHOPPER["password"])

    page.goto(f"/products/{product['slug']}")
    assert page.locator("p.price.big").inner_text() == "$45.00"
    assert page.locator("article.product img").first.get_attribute("alt") == "The hoodie in moss green"
    page.get_by_label("Size").select_option("M")
    page.get_by_label("Colour").select_option("Ink")
    page.get_by_role("button", name="Show this choice").click()
    assert page.locator("p.price.big").inner_text() == "$52.00"
    assert in_page(page, "SKU HOODIE-M-INK") and in_page(page, "Only 3 left")
    first_picture = page.locator("article.product img").first
    assert first_picture.get_attribute("alt") == "The hoodie in ink blue"  # the chosen variant's own first
    assert first_picture.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "product-variant")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "Added Trail Hoodie (Size M / Colour Ink) to your cart.")

    page.get_by_role("link", name="Check out").click()
    fill_address(page)
    review_and_place(page)

    assert in_page(page, "is placed")
    lines = page.locator("table.lines").first.inner_text()
    assert "Trail Hoodie" in lines and "Size M / Colour Ink" in lines and "HOODIE-M-INK" in lines
    assert "$52.00" in lines
    status, seen = api_call(live_url, "GET", f"/products/{product['id']}")
    assert [(v["sku"], v["stock"]) for v in seen["variants"]] == [("HOODIE-S-MOSS", 8), ("HOODIE-M-INK", 2)]


def test_a_guest_checks_out_with_shipping_tax_and_a_code_and_pays_through_the_private_link(page, live_url):
    status, answer = api_call(live_url, "POST", "/auth/tokens", body=ADMIN)
    admin = answer["token"]
    for path, body in (("/shipping-methods", {"name": "Standard", "countries": ["DE", "US"], "price": 495,
                                              "free_over": None, "active": True}),
                       ("/tax-rates", {"country": "DE", "rate_bp": 1900}),
                       ("/discount-codes", {"code": "WELCOME10", "kind": "percent", "value": 1000, "active": True})):
        status, made = api_call(live_url, "POST", path, admin, body)
        assert status == 201, made
    status, found = api_call(live_url, "GET", "/products?q=teapot")
    teapot = found["items"][0]

    page.goto(f"/products/{teapot['slug']}")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "to your cart")
    page.get_by_role("link", name="Check out").click()
    assert in_page(page, "Checking out as a guest")
    page.get_by_label("E-mail").fill("guest@example.com")
    page.get_by_label("Full name").fill("Greta Guest")
    fill_address(page, "Hauptstrasse 1", "10115", "Berlin", "DE")
    page.get_by_label("Discount code").fill("welcome10")  # the methods to Germany are listed with its quote
    page.get_by_role("button", name="Show the total").click()

    assert in_page(page, "Place order:")
    summary = page.locator("section.summary").inner_text()
    for text in ("Discount (WELCOME10)", "Shipping: Standard", "Tax included", "Total"):
        assert text in summary, summary
    shot(page, "checkout")
    page.get_by_role("button", name="Place order").click()
    assert in_page(page, "private page")
    assert "/guest/" in page.url
    assert "Discount (WELCOME10)" in page.locator("table.lines").inner_text()
    shot(page, "order-payment")
    pay_with_the_sandbox_card(page)
    assert in_page(page, "is paid")
    assert "/guest/" in page.url


def test_every_page_fits_a_phone_and_the_tables_show_every_column(page):
    page.set_viewport_size({"width": PHONE, "height": 844})
    for path in ("/", "/products", "/products?q=teapot&page=9", "/products/cast-iron-teapot", "/cart", "/login",
                 "/register", "/password-reset", "/password-reset/not-a-link", "/nowhere"):
        page.goto(path)
        fits_the_phone(page, path)

    log_in(page, ADMIN["email"], ADMIN["password"])
    page.goto("/products/cast-iron-teapot")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "to your cart")  # the form's answer, before the next page is asked for
    page.goto("/cart")
    fits_the_phone(page, "/cart")
    assert on_screen(page.get_by_role("button", name="Remove Cast Iron Teapot"))
    assert on_screen(page.get_by_role("button", name="Update Cast Iron Teapot"))
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout")  # a click does not wait for the page it opens
    fits_the_phone(page, "/checkout")
    page.get_by_label("Your name").fill("Ada Admin") if page.get_by_label("Your name").count() else None
    fill_address(page)
    review_and_place(page)
    assert in_page(page, "is placed")
    order_path = page.url
    fits_the_phone(page, order_path)
    shot(page, "order-phone")

    for path in ("/orders", "/account", "/admin/", "/admin/orders", "/admin/products", "/admin/products/new",
                 "/admin/customers", f"{order_path}/cancel"):
        page.goto(path)
        fits_the_phone(page, path)
    page.goto("/admin/products")
    table = page.locator("table.lines")
    cells = table.locator("tbody tr").first.locator("th, td")
    assert cells.count() == 6
    for index in range(cells.count()):
        assert on_screen(cells.nth(index)), cells.nth(index).inner_text()
    assert on_screen(table.get_by_role("link", name="Edit Brass Desk Lamp"))
    shot(page, "admin-products-phone")
    page.get_by_role("link", name="Stock of Brass Desk Lamp").click()
    fits_the_phone(page, "stock")
    page.goto("/admin/orders")
    page.locator("table.lines tbody tr").first.get_by_role("link").click()
    fits_the_phone(page, "admin order")


def test_a_cart_with_short_and_unavailable_lines_fits_a_phone_with_every_remove_button_on_screen(page, live_url):
    status, answer = api_call(live_url, "POST", "/auth/tokens", body=ADMIN)
    token = answer["token"]
    status, bowl = api_call(live_url, "POST", "/products", token, {
        "name": "Hand-thrown Stoneware Serving Bowl with a Speckled Oatmeal Glaze", "price": 12345,
        "options": [{"name": "Size", "values": ["Extra large"]}, {"name": "Colour", "values": ["Speckled oatmeal"]}],
        "variants": [{"sku": "BOWL-XL-OAT", "options": {"Size": "Extra large", "Colour": "Speckled oatmeal"},
                      "stock": 2}]})
    assert status == 201, bowl
    status, vase = api_call(live_url, "POST", "/products", token,
                            {"sku": "VASE-TALL", "name": "Tall Porcelain Vase", "price": 99999, "stock": 4})
    assert status == 201, vase
    page.set_viewport_size({"width": PHONE, "height": 844})
    for slug, quantity in ((bowl["slug"], "100"), (vase["slug"], "3"), ("cast-iron-teapot", "2")):
        page.goto(f"/products/{slug}")
        page.get_by_label("Quantity").fill(quantity)
        page.get_by_role("button", name="Add to cart").click()
        assert in_page(page, "to your cart.")
    status, _ = api_call(live_url, "DELETE", f"/products/{vase['id']}", token)
    assert status == 204

    page.goto("/cart")

    fits_the_phone(page, "/cart with a short and an unavailable line")
    assert in_page(page, "Only 2 left: lower the quantity to 2 to check out.")
    assert on_screen(page.locator("p.stock-note"))
    for name in (bowl["name"], "Tall Porcelain Vase", "Cast Iron Teapot"):
        assert on_screen(page.get_by_role("button", name=f"Remove {name}")), name
    for name in (bowl["name"], "Cast Iron Teapot"):
        assert on_screen(page.get_by_role("button", name=f"Update {name}")), name
    assert page.locator("header .badge").text_content() == "(102 items)" and in_page(page, "Subtotal (102 items)")
    shot(page, "cart-phone")
    page.get_by_role("button", name="Remove Tall Porcelain Vase").click()
    assert in_page(page, "The item is removed from your cart.")
    assert page.get_by_role("button", name="Remove Tall Porcelain Vase").count() == 0


def test_a_shopper_who_forgot_the_password_resets_it_through_the_emailed_link_and_logs_in(live_app):
    app, url = live_app
    status, _ = api_call(url, "POST", "/auth/register", body=SHOPPER)
    assert status == 201
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": PHONE, "height": 844}, base_url=url)
        page.set_default_timeout(10_000)

        page.goto("/login")
        page.get_by_role("link", name="Forgot your password?").click()
        ask_for_a_reset_link(page, app, url, SHOPPER["email"])
        fits_the_phone(page, "the reset form")
        page.get_by_label("New password").fill("a brand new passphrase")
        page.get_by_role("button", name="Save the new password").click()
        assert in_page(page, "Your password is changed")

        log_in(page, SHOPPER["email"], "a brand new passphrase")
        assert in_page(page, "Welcome back, Ada Shopper.")
        page.get_by_role("link", name="Account", exact=True).click()
        assert in_page(page, "Your account")
        fits_the_phone(page, "/account")
        browser.close()
