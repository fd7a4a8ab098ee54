"""An address's region and phone in a real Chromium on a phone-sized screen: typed in the
address book, offered at the checkout, and printed on the order placed."""
import pytest

from tests.e2e.browser import PHONE, SHOPPER, fits_the_phone, in_page, review_and_place

pytestmark = pytest.mark.browser


def test_a_shopper_saves_an_address_with_a_region_and_phone_and_the_order_placed_to_it_prints_them(page):
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto("/register")
    page.get_by_label("Your name").fill(SHOPPER["name"])
    page.get_by_label("Email").fill(SHOPPER["email"])
    page.get_by_label("Password").fill(SHOPPER["password"])
    page.get_by_role("button", name="Create account").click()
    assert in_page(page, "Your account is ready.")

    page.goto("/account/addresses/new")
    fits_the_phone(page, "/account/addresses/new")
    full_width = page.get_by_label("Address", exact=True).bounding_box()["width"]
    for label in ("State, province or region (optional)", "Phone (optional)"):  # drawn as a field, not a stub
        assert page.get_by_label(label).bounding_box()["width"] == full_width, label
    page.get_by_label("Address", exact=True).fill("1 Main Street")
    page.get_by_label("Postal code").fill("62704")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State, province or region (optional)").fill("Illinois")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Phone (optional)").fill("+1 217 555 0199")
    page.get_by_role("button", name="Save the address").click()
    assert in_page(page, "The address is saved.")
    assert in_page(page, "Illinois") and in_page(page, "Phone: +1 217 555 0199")

    page.goto("/products/cast-iron-teapot")
    page.get_by_role("button", name="Add to cart").click()
    assert in_page(page, "to your cart.")
    page.goto("/checkout")
    saved = "Ada Shopper, 1 Main Street, 62704 Springfield, Illinois, United States, Phone: +1 217 555 0199"
    assert page.get_by_label(saved, exact=False).is_checked()
    fits_the_phone(page, "/checkout")
    review_and_place(page)

    assert in_page(page, "is placed")
    shipped_to = page.locator("address").inner_text()
    assert "Illinois" in shipped_to and "Phone: +1 217 555 0199" in shipped_to
    fits_the_phone(page, "the order")
