"""The HTML checkout: it shows the quote, carries its total, and places nothing when the
total changed since (docs/SITE.md)."""
import html as html_text
import re
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import deliver_emails
from tests.web.site_helpers import field_errors, shown_quote, shown_total


@pytest.fixture
def tee(add_product):
    return add_product("TEE", name="Tee", price=1999, stock=10)


@pytest.fixture
def standard(admin):
    response = admin.post("/shipping-methods", json={"name": "Standard", "countries": ["US"], "price": 495,
                                                      "free_over": None, "active": True})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def shopping(site, tee):
    site.shopper()
    site.add_to_cart(tee, 3)
    return site


def test_the_review_shows_shipping_the_code_and_tax_and_carries_the_total(shopping, admin, standard):
    admin.post("/tax-rates", json={"country": "US", "rate_bp": 2000})
    admin.post("/discount-codes", json={"code": "TEN", "kind": "percent", "value": 1000, "active": True})
    form = shopping.text("/checkout")
    assert "Show the total" in form

    review = shopping.review(shipping_method_id=standard["id"], discount_code="ten")

    assert review.status_code == 200
    page = review.get_data(as_text=True)
    for text in ("Subtotal", "$59.97", "Discount (TEN)", "-$6.00", "Shipping: Standard", "$4.95", "Tax included",
                 "$9.83", "Place order: $58.92"):
        assert text in page, text
    assert shown_total(page) == "5892"


def test_placing_at_the_total_shown_places_the_order_at_that_total(shopping, standard, db):
    shown = shown_quote(shopping.review(shipping_method_id=standard["id"]).get_data(as_text=True))

    response = shopping.place(shipping_method_id=standard["id"], **shown)

    assert response.status_code == 302
    order = db.orders.find_one()
    assert order["total"] == int(shown["expected_total"]) == 5997 + 495
    assert order["shipping"]["name"] == "Standard"


def test_a_price_changed_after_the_review_places_nothing_and_shows_the_new_total(shopping, admin, tee, db):
    shown = shown_quote(shopping.review().get_data(as_text=True))
    admin.patch(f"/products/{tee['id']}", json={"price": 2099})

    response = shopping.place(**shown)

    assert response.status_code == 409
    page = html_text.unescape(response.get_data(as_text=True))
    assert "This is not the order that was shown: the lines (a product, its price or quantity) and the total " \
           "changed since. Nothing was placed." in page
    assert shown_total(page) == "6297" and "Place order: $62.97" in page
    assert db.orders.count_documents({}) == 0
    assert shopping.place(**shown_quote(page)).status_code == 302
    assert db.orders.find_one()["total"] == 6297


@pytest.mark.parametrize("shown", [{}, {"expected_total": "5997"}])
def test_placing_without_the_quote_shown_only_shows_the_quote(shopping, db, shown):
    response = shopping.place(**shown)

    assert response.status_code == 200
    assert "Place order: $59.97" in response.get_data(as_text=True)
    assert db.orders.count_documents({}) == 0


def test_a_wrong_code_a_method_not_serving_the_country_and_a_country_not_served_are_shown_on_their_fields(
        shopping, standard, admin, db):
    admin.post("/shipping-methods", json={"name": "Europe", "countries": ["FR"], "price": 900})
    wrong = shopping.review(discount_code="NOPE", shipping_method_id=standard["id"], country="FR")
    abroad = shopping.review(shipping_method_id=standard["id"], country="JP")

    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert field_errors(page, "discount_code") == ["There is no such discount code."]
    assert field_errors(page, "shipping_method_id") == ["This shipping method does not deliver to FR."]
    assert "Europe: $9.00, to FR" in page and "Standard" not in page  # the methods that serve France
    assert field_errors(abroad.get_data(as_text=True), "country") == ["We do not ship there."]
    assert db.orders.count_documents({}) == 0


def test_with_no_shipping_methods_none_is_asked_for_and_shipping_is_free(shopping):
    form = shopping.text("/checkout")
    page = shopping.review().get_data(as_text=True)

    assert 'name="shipping_method_id"' not in form
    assert "Shipping: Free shipping" in page


def test_a_cart_with_a_line_short_of_stock_is_sent_back_to_the_cart_to_change_it(shopping, admin, tee):
    admin.post(f"/products/{tee['id']}/stock-adjustments", json={"delta": -8, "reason": "damaged"})

    response = shopping.get("/checkout")

    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")
    assert "you asked for 3, 2 left" in shopping.text("/cart")


# Guests ---------------------------------------------------------------------------


GUEST_LINK = re.compile(r"http://[^/\s]+(/orders/([0-9a-f]{24})/guest/[A-Za-z0-9_-]+)")


def guest_order(site, product, email="guest@example.com", **fields):
    """A visitor puts `product` in the cart and checks out as a guest; the order page's path."""
    site.add_to_cart(product, 1)
    response = site.checkout(secrets.token_urlsafe(24), email=email, **fields)  # each checkout form has its own key
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_visitor_checks_out_as_a_guest_and_pays_through_the_private_link(app, site, tee, mailbox, db):
    site.add_to_cart(tee, 1)
    assert 'id="email"' in site.text("/checkout")
    assert field_errors(site.review().get_data(as_text=True), "email")  # a guest must give an e-mail
    assert db.orders.count_documents({}) == 0

    path = guest_order(site, tee, email="Guest@Example.com")

    assert GUEST_LINK.fullmatch("http://x" + path)
    order = db.orders.find_one()
    assert (order["user_id"], order["customer_email"]) == (None, "guest@example.com")
    deliver_emails(app)
    [message] = mailbox
    assert message["to"] == "guest@example.com"
    assert GUEST_LINK.search(message["body"]).group(1) == path  # the e-mail's link opens this very page
    page = site.text(path)
    assert "Pay $39.98" in page and "private page" in page  # the two tees in the cart
    paid = site.post(path + "/pay", {"card_number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2099",
                                     "cvc": "123"})
    assert paid.status_code == 302 and paid.headers["Location"] == path
    assert db.orders.find_one()["status"] == "paid"
    assert db.orders.find_one()["history"][-1]["by"] == "guest"


def test_a_private_link_opens_its_own_order_and_nothing_else(site, other_site, tee, add_product, db):
    first = guest_order(site, tee)
    second = guest_order(other_site, add_product("MUG"), email="other@example.com")
    first_id = GUEST_LINK.fullmatch("http://x" + first).group(2)
    second_id = GUEST_LINK.fullmatch("http://x" + second).group(2)
    first_token = first.rpartition("/")[2]

    assert other_site.get(first).status_code == 200  # the link is the key: whoever has it
    assert site.get(f"/orders/{second_id}/guest/{first_token}").status_code == 404
    assert site.get(f"/orders/{first_id}/guest/{first_token[:-2]}xx").status_code == 404
    paid_with_another_token = site.post(f"/orders/{second_id}/guest/{first_token}/pay",
                                        {"card_number": "4242424242424242"})
    assert paid_with_another_token.status_code == 404
    other_site.shopper("intruder@example.com")
    assert other_site.get(f"/orders/{first_id}").status_code == 404


def test_registering_with_a_guests_e_mail_shows_nobody_their_orders(site, other_site, tee):
    path = guest_order(site, tee, email="ada@example.com")
    order_id = GUEST_LINK.fullmatch("http://x" + path).group(2)

    other_site.shopper("ada@example.com")

    assert other_site.get(f"/orders/{order_id}").status_code == 404
    assert order_id not in other_site.text("/orders")


def test_a_shopper_claims_their_guest_orders_through_the_link_e_mailed_to_them(app, site, other_site, tee, mailbox,
                                                                               db):
    guest_order(site, tee, email="ada@example.com")
    guest_order(site, tee, email="someone@example.com")
    other_site.shopper("ada@example.com")

    assert other_site.post("/orders/claim").status_code == 302
    deliver_emails(app)
    [claim] = [message for message in mailbox if message["subject"] == "Your guest orders"]
    assert claim["to"] == "ada@example.com"
    link = re.search(r"http://[^/\s]+(/orders/claim/\S+)", claim["body"]).group(1)
    followed = other_site.get(link)

    assert followed.status_code == 302 and followed.headers["Location"].endswith("/orders")
    assert "1 guest order added" in other_site.text("/orders")
    mine = db.orders.find_one({"customer_email": "ada@example.com"})
    assert mine["user_id"] == db.users.find_one({"email": "ada@example.com"})["_id"].__str__()
    assert db.orders.find_one({"customer_email": "someone@example.com"})["user_id"] is None
    assert mine["number"] in other_site.text("/orders")


def test_a_claim_link_works_only_for_the_account_it_was_sent_to(app, site, other_site, tee, mailbox, db):
    guest_order(site, tee, email="ada@example.com")
    other_site.shopper("ada@example.com")
    other_site.post("/orders/claim")
    deliver_emails(app)
    link = re.search(r"http://[^/\s]+(/orders/claim/\S+)", mailbox[-1]["body"]).group(1)
    other_site.logout()
    other_site.shopper("mallory@example.com")

    assert other_site.get(link).status_code == 404
    assert other_site.get(link[:-3] + "abc").status_code == 404
    assert db.orders.find_one()["user_id"] is None


def test_asking_for_the_claim_link_again_and_again_sends_one_e_mail_per_ten_minutes(app, site, tee, mailbox,
                                                                                  monkeypatch):
    from shop.orders import routes

    site.shopper("ada@example.com")
    start = datetime(2026, 11, 2, 9, 0, 1, tzinfo=timezone.utc)  # a window beginning at 9:00
    claims = []
    for minutes in (0, 1, 9, 10, 11):
        monkeypatch.setattr(routes, "utcnow", lambda minutes=minutes: start + timedelta(minutes=minutes))
        assert "one e-mail every 10 minutes at most" in site.text(site.post("/orders/claim").headers["Location"])
        deliver_emails(app)
        claims.append(len([message for message in mailbox if message["subject"] == "Your guest orders"]))

    assert claims == [1, 1, 1, 2, 2]


@pytest.mark.parametrize("guest_email, offered", [(None, False), ("someone@example.com", False),
                                                  ("ada@example.com", True), ("ADA@example.com", True)])
def test_the_guest_link_is_offered_only_to_an_account_whose_e_mail_placed_guest_orders(site, other_site, tee,
                                                                                       guest_email, offered):
    if guest_email:
        guest_order(site, tee, email=guest_email)

    page = other_site.shopper("ada@example.com").text("/orders")

    assert ("Ordered as a guest?" in page, "E-mail me the link" in page) == (offered, offered)


def test_the_guest_link_is_no_longer_offered_once_the_guest_orders_are_claimed(app, site, other_site, tee, mailbox):
    guest_order(site, tee, email="ada@example.com")
    other_site.shopper("ada@example.com")
    other_site.post("/orders/claim")
    deliver_emails(app)

    other_site.get(re.search(r"http://[^/\s]+(/orders/claim/\S+)", mailbox[-1]["body"]).group(1))

    assert "E-mail me the link" not in other_site.text("/orders")


def test_a_codes_per_customer_limit_counts_a_guest_by_e_mail(site, other_site, admin, tee):
    admin.post("/discount-codes", json={"code": "ONCE", "kind": "percent", "value": 1000, "active": True,
                                        "max_uses_per_customer": 1})
    guest_order(site, tee, email="ada@example.com", discount_code="ONCE")

    other_site.shopper("ada@example.com")
    other_site.add_to_cart(tee, 1)
    refused = other_site.review(discount_code="ONCE")

    assert refused.status_code == 422
    assert "already used" in field_errors(refused.get_data(as_text=True), "discount_code")[0]
