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
        page.wait_for_function("text => !!document.documentElement"
                               " && document.documentElement.outerHTML.includes(text)",
                               arg=text, timeout=timeout_ms)
        return True
    except PlaywrightTimeout:
        return False


def fill_address(page, line1="1 Main Street", postal_code="12345", city="Springfield", country="US"):
    """An address's fields (the checkout's or the address book's), as a shopper types them."""
    page.get_by_label("Address", exact=True).fill(line1)
    page.get_by_label("Postal code").fill(postal_code)
    page.get_by_label("City").fill(city)
    page.get_by_label("Country").select_option(country)  # a list of the countries by name


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
    return !hidden && (box.right > width + 0.5 || element.scrollWidth > element.clientWidth + 1
                       && getComputedStyle(element).overflowX !== 'visible');
}).map(element => element.tagName + '.' + element.className + ' ' + (element.textContent || '').trim().slice(0, 40))"""


def fits_the_phone(page, path):
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, path
    assert page.evaluate(OVERFLOW, PHONE) == [], path


def on_screen(locator):
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE


# Every control a person may use (links, buttons, fields, labels tied to a field) that the page
# shows: each scrolled to the middle of the screen must be the element at its own centre (or
# hold it), so that nothing covers it; one placed off the page (a skip link) is checked once
# focused. Hidden ones (display none, visibility hidden, a hidden input, a link or label inside a
# visually-hidden clip) are left out; a field or button in such a clip is out of sight, and said
# so. Answers the ones that are covered or out of sight.
COVERED_CONTROLS = """() => {
    const clipped = element => {
        for (let at = element; at; at = at.parentElement) {
            const style = getComputedStyle(at);
            if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return true;
        }
        return false;
    };
    const laidOut = element => element.getClientRects().length > 0 && getComputedStyle(element).visibility === 'visible'
        && element.type !== 'hidden';
    const candidates = [...document.querySelectorAll('a[href], button, input, select, textarea, label[for]')]
        .filter(laidOut);
    // A link or a label may be there for screen readers only; a field or a button never is.
    const field = element => ['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA'].includes(element.tagName);
    const covered = candidates.filter(element => field(element) && clipped(element)).map(element =>
        `${element.tagName.toLowerCase()} "${element.name || element.id}" is clipped out of sight`);
    const controls = candidates.filter(element => !clipped(element));
    const offPage = box => box.bottom + scrollY <= 0 || box.right + scrollX <= 0;
    for (const control of controls) {
        control.scrollIntoView({block: 'center', inline: 'center'});
        let box = control.getBoundingClientRect();
        if (offPage(box)) {  // shown only when focused (a skip link): focused, it must come on screen
            control.focus();
            box = control.getBoundingClientRect();
        }
        // A link wrapped over two lines is two boxes: the centre of each is its own.
        const parts = [...control.getClientRects()].filter(part => part.width > 1 && part.height > 1);
        const hits = (parts.length > 1 ? parts : [box]).map(part =>
            document.elementFromPoint(part.left + part.width / 2, part.top + part.height / 2));
        const hit = hits.find(at => !at || !(at === control || control.contains(at)));
        if (hit !== undefined) {
            const name = (control.innerText || control.value || control.name || control.id || '').trim().slice(0, 40);
            const by = hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + hit.className : '') + ' '
                + (hit.innerText || '').trim().slice(0, 30) : 'nothing';
            covered.push(`${control.tagName.toLowerCase()} "${name}" is covered by ${by}`);
        }
        control.blur();
    }
    window.scrollTo(0, 0);
    return [...new Set(covered)];
}"""


def covered_controls(page):
    """The controls on `page` that something else covers (COVERED_CONTROLS), or []."""
    page.wait_for_load_state()
    return page.evaluate(COVERED_CONTROLS)


# The cells of a table row drawn off its lines: one that is not a table cell (a cell made a flex
# box is laid out in an anonymous cell, and its own border drawn a pixel off the row's collapsed
# one, though its box is the row's height), or whose box does not span its row.
CELLS_OFF_THEIR_ROW = """() => [...document.querySelectorAll('tr')]
    .filter(row => getComputedStyle(row).display === 'table-row')
    .flatMap(row => {
        const line = row.getBoundingClientRect();
        return [...row.cells].filter(cell => {
            const box = cell.getBoundingClientRect();
            return getComputedStyle(cell).display !== 'table-cell'
                || Math.abs(box.top - line.top) > 0.5 || Math.abs(box.bottom - line.bottom) > 0.5;
        }).map(cell => `${cell.tagName.toLowerCase()}.${cell.className} "${cell.innerText.trim().slice(0, 30)}"`);
    })"""


def cells_off_their_row(page):
    """The table cells on `page` drawn off their row's lines (CELLS_OFF_THEIR_ROW), or []."""
    return page.evaluate(CELLS_OFF_THEIR_ROW)


def pay_with_the_sandbox_card(page):
    """The order page's pay form, filled with the sandbox's card that always pays."""
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill("2099")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay now").click()


def ask_for_a_reset_link(page, app, url, email):
    """Send the "forgot your password" form (already open) for `email`, and open the link the
    shop e-mails (its base address replaced by the served one)."""
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    assert in_page(page, "we sent it a link")
    body = app.extensions["mongo_db"].emails.find_one({"to": email})["body"]
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    page.goto(link.replace(app.config["SHOP_BASE_URL"], url))
