"""Helpers for the HTML site's tests (tests/web/test_pages_*.py import them): a browser-like
session, and readers of what a page shows. Their fixtures are in conftest.py beside this file."""
import html as html_text
import re

from tests.conftest import ADDRESS

ADMIN_LOGIN = {"email": "admin@example.com", "password": "admin-password-1"}
CHECKOUT_KEY = "checkout-key-0123456789"


class Site:
    """Drives the HTML pages as a person with a browser would, through a test client."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.client.post(path, data=data or {}, **kwargs)

    def text(self, path):
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def register(self, email="ada@example.com", password="correct horse battery", name="Ada Shopper"):
        response = self.post("/register", {"email": email, "password": password, "name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def login(self, email="ada@example.com", password="correct horse battery", **kwargs):
        return self.post("/login", {"email": email, "password": password}, **kwargs)

    def shopper(self, email="ada@example.com"):
        """Register and log in a new shopper."""
        self.register(email)
        assert self.login(email).status_code == 302
        return self

    def admin(self):
        assert self.login(**ADMIN_LOGIN).status_code == 302
        return self

    def logout(self):
        return self.post("/logout")

    def confirm(self, path, reason="", **kwargs):
        """A change with a confirmation step (cancel, archive): open its page (which changes
        nothing), then answer yes, with `reason`."""
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        assert 'type="submit"' in page.get_data(as_text=True)
        return self.post(path, {"reason": reason}, **kwargs)

    def add_to_cart(self, product, quantity=1):
        return self.post("/cart/items", {"product_id": product["id"], "quantity": str(quantity)})

    def review(self, key=CHECKOUT_KEY, **fields):
        """The checkout's first step: the quote for this address (and method, code)."""
        return self.post("/checkout", checkout_form(key, "review", fields))

    def checkout(self, key=CHECKOUT_KEY, **fields):
        """Review the quote, then place the order the page showed (as a shopper does)."""
        review = self.review(key, **fields)
        if review.status_code != 200:
            return review
        return self.place(key, **shown_quote(review.get_data(as_text=True)), **fields)

    def place(self, key=CHECKOUT_KEY, **fields):
        """The checkout's second step, with the quote the shopper saw (`shown_quote`)."""
        return self.post("/checkout", checkout_form(key, "place", fields))

    def buy(self, product, quantity=1, key=CHECKOUT_KEY):
        """Put a product in the cart and check out; returns the new order's page path."""
        self.add_to_cart(product, quantity)
        response = self.checkout(key)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"]


def checkout_form(key, action, fields):
    """What the checkout form sends: ADDRESS typed, unless a saved address is chosen (then
    the new address's fields are left blank, as the page shows them), and `fields`."""
    typed = ADDRESS if fields.get("saved_address") in (None, "", "new") else {}
    return dict(typed, **fields, idempotency_key=key, action=action)


def shown_total(page):
    """The expected_total a checkout page carries: the total of the quote it shows."""
    return re.search(r'name="expected_total" type="hidden" value="([0-9]+)"', page).group(1)


def shown_quote(page):
    """What a checkout page showing a quote sends to place it: its total and its fingerprint."""
    quoted = re.search(r'name="quoted" type="hidden" value="([^"]+)"', page).group(1)
    return {"expected_total": shown_total(page), "quoted": html_text.unescape(quoted)}


def csrf_token(html):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def field_errors(html, field_id):
    """The error messages shown right under one field."""
    match = re.search(rf'<ul class="errors" id="{field_id}-error">(.*?)</ul>', html, re.S)
    return [html_text.unescape(text) for text in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def input_value(html, field_id):
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    assert match, f"no input {field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None
