"""What the browser tests share: Chromium's launch, the waits, the shop's forms as a person fills
them, and the checks that a page fits a phone. Fixtures are in conftest.py beside this file.

Without /usr/bin/chromium a browser test is skipped, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""
import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
               if os.environ.get("UPDATE_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "shop-screenshots")
ADMIN = {"email": "admin@example.com", "password": "admin-password-1"}
SHOPPER = {"name": "Ada Shopper", "email": "ada@example.com", "password": "correct horse battery"}


def browser_or_skip():
    """Playwright's sync API, or a skip (a failure when REQUIRE_BROWSER=1) naming what is missing."""
    missing = None if os.path.exists(CHROMIUM) else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if missing and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
    if missing:
        pytest.skip(f"browser test skipped: {missing}")
    return sync_playwright


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def in_page(page, text, timeout_ms=10_000):
    """Whether the page shows `text`, waiting for it: a click that submits a form returns
    before the answer has loaded, so reading the page at once may read nothing. While the
    browser swaps in the next page the document can be momentarily empty (no root element):
    that reads as "not yet", never as an error."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("text => !!document.documentElement && document.documentElement.outerHTML.includes(text)",
                               arg=text, timeout=timeout_ms)
        return True
    except PlaywrightTimeout:
        return False


def fill_address(page):
    """The checkout's address, as a shopper types it."""
    page.get_by_label("Address", exact=True).fill("1 Main Street")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Country").select_option("US")  # a list of the countries by name


def review_and_place(page, screenshot=None):
    """The checkout's two steps: see the total for the address, then place the order at it."""
    page.get_by_role("button", name="Show the total").click()
    assert in_page(page, "Place order:")
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Place order").click()


def log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def api_call(live_url, method, path, token=None, body=None):
    from tests.racing import call

    status, answer = call(int(live_url.rsplit(":", 1)[1].strip("/")), method, path, token, body)
    return status, answer


def upload_picture(live_url, token, product_id, alt, variant_id, colour):
    """An image uploaded through the API (multipart), drawn here in one colour."""
    import urllib.request

    from tests.web.image_files import multipart, picture_bytes

    fields = {"alt": alt, **({"variant_id": variant_id} if variant_id else {})}
    body, content_type = multipart(fields, picture_bytes((800, 600), "PNG", colour))
    request = urllib.request.Request(f"{live_url.rstrip('/')}/api/v1/products/{product_id}/images", data=body,
                                     method="POST", headers={"Content-Type": content_type,
                                                             "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


PHONE = 390
# Fits: the page does not scroll sideways, and no element sticks out past the screen's right edge
# (a table scrolling inside itself, or cut off, counts as sticking out).
OVERFLOW = """width => [...document.querySelectorAll('body *')].filter(element => {
    const box = element.getBoundingClientRect();
    const hidden = getComputedStyle(element).clip === 'rect(0px, 0px, 0px, 0px)' || box.width <= 1;
    return !hidden && (box.right > width + 0.5 || element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== 'visible');
}).map(element => element.tagName + '.' + element.className + ' ' + (element.textContent || '').trim().slice(0, 40))"""


def fits_the_phone(page, path):
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, path
    assert page.evaluate(OVERFLOW, PHONE) == [], path


def on_screen(locator):
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE

