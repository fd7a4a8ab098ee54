"""Access one person can take from another, in a real Chromium: a stranger's wrong passwords
never lock the owner out (behind a proxy, served by waitress as `python wsgi.py` serves it);
the owner's own wrong guesses end in a 429 page whose reset link gets them back in; a guest's
e-mailed order link still leads to the order once it is claimed into an account."""
import re
from contextlib import contextmanager

import pytest

from shop.config import waitress_options
from tests.conftest import TEST_SETTINGS, add_guest_order, started_app
from tests.e2e.browser import (ADMIN, CHROMIUM, CHROMIUM_ARGS, SHOPPER, api_call, ask_for_a_reset_link, browser_or_skip,
                               in_page, log_in)
from tests.racing import call
from tests.serving import Served

pytestmark = pytest.mark.browser

OWNER_ADDRESS, STRANGER_ADDRESS = "198.51.100.7", "203.0.113.66"


@contextmanager
def browser_page(url, **context):
    """A page of a new Chromium on the shop at `url` (`context`: Playwright's, such as headers)."""
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=url, **context).new_page()
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture
def behind_a_proxy():
    """The shop as `python wsgi.py` serves it behind one proxy (TRUSTED_PROXIES=1): the app,
    and its address."""
    app = started_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True, "TESTING": False, "TRUSTED_PROXIES": 1})
    served = Served(app, **waitress_options(app.config))
    yield app, served.url
    served.stop()


def test_a_strangers_wrong_passwords_through_the_api_never_lock_the_owners_browser_out(behind_a_proxy):
    app, url = behind_a_proxy
    port = int(url.rsplit(":", 1)[1])
    assert api_call(url, "POST", "/auth/register", body=SHOPPER)[0] == 201
    stranger = [call(port, "POST", "/auth/tokens", body={"email": SHOPPER["email"], "password": f"guess {n}"},
                     headers={"X-Forwarded-For": STRANGER_ADDRESS})[0]
                for n in range(app.config["LOGIN_MAX_FAILURES"] + 2)]

    # The proxy in front names the owner's own address.
    with browser_page(url, extra_http_headers={"X-Forwarded-For": OWNER_ADDRESS}) as page:
        log_in(page, SHOPPER["email"], SHOPPER["password"])
        welcomed = in_page(page, "Welcome back, Ada Shopper.")

    assert stranger[-1] == 429
    assert welcomed


def test_a_shopper_locked_out_by_their_own_guesses_follows_the_429_pages_reset_link_and_logs_in(live_app):
    app, url = live_app
    assert api_call(url, "POST", "/auth/register", body=SHOPPER)[0] == 201
    with browser_page(url) as page:
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            log_in(page, SHOPPER["email"], "a wrong guess")
            assert in_page(page, "The email or password is not correct.")
        log_in(page, SHOPPER["email"], SHOPPER["password"])
        assert in_page(page, "Too many failed log-ins. Try again in 15 minutes.")

        page.get_by_role("alert").get_by_role("link", name="Reset your password").click()
        ask_for_a_reset_link(page, app, url, SHOPPER["email"])
        page.get_by_label("New password").fill("a brand new passphrase")
        page.get_by_role("button", name="Save the new password").click()
        assert in_page(page, "Your password is changed")
        log_in(page, SHOPPER["email"], "a brand new passphrase")

        assert in_page(page, "Welcome back, Ada Shopper.")


def test_a_guests_emailed_link_leads_through_the_log_in_to_the_order_once_it_is_claimed(live_app):
    app, url = live_app
    admin_token = api_call(url, "POST", "/auth/tokens", body=ADMIN)[1]["token"]
    status, tee = api_call(url, "POST", "/products", admin_token, {"sku": "TEE", "name": "Tee", "price": 1999,
                                                                   "stock": 5})
    assert status == 201
    order = add_guest_order(app, tee["id"])  # placed with guest@example.com
    emails = app.extensions["mongo_db"].emails
    guest_link = re.search(r"https?://\S+(/orders/[0-9a-f]{24}/guest/\S+)",
                           emails.find_one({"to": "guest@example.com"})["body"]).group(1)
    number = app.extensions["mongo_db"].orders.find_one()["number"]
    assert api_call(url, "POST", "/auth/register", body=dict(SHOPPER, email="guest@example.com"))[0] == 201
    with browser_page(url) as page:
        log_in(page, "guest@example.com", SHOPPER["password"])
        page.goto("/orders")
        page.get_by_role("button", name="E-mail me the link").click()
        assert in_page(page, "We sent a link to guest@example.com")
        claim = re.search(r"https?://\S+(/orders/claim/\S+)", emails.find_one({"subject": "Your guest orders"})["body"])
        page.goto(claim.group(1))
        assert in_page(page, "1 guest order added")
        page.get_by_role("button", name="Log out").click()
        assert in_page(page, "You have logged out.")

        page.goto(guest_link)
        assert in_page(page, "Please log in to see this page.")
        page.get_by_label("Email").fill("guest@example.com")
        page.get_by_label("Password").fill(SHOPPER["password"])
        page.get_by_role("button", name="Log in").click()

        assert in_page(page, f"Order {number}")
        assert page.url.endswith(f"/orders/{order['guest_order_id']}")
