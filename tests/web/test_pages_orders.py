"""My orders and the order page: pay with the sandbox card, cancel; others' orders are 404."""
import pytest

from tests.web.site_helpers import field_errors, input_value

CARD = {"card_number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2099", "cvc": "123"}


@pytest.fixture
def order_path(site, add_product):
    site.shopper()
    return site.buy(add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5), 2)


def test_my_orders_lists_the_shoppers_orders_with_totals(site, order_path, db):
    html = site.text("/orders")

    number = db.orders.find_one()["number"]
    assert f'href="{order_path}">{number}</a>' in html
    assert "$118.00" in html and "Placed" in html


def test_the_order_page_shows_lines_address_a_pay_form_and_a_cancel_button(site, order_path):
    html = site.text(order_path)

    assert "Cast Iron Teapot" in html and "$59.00" in html and "$118.00" in html
    assert "1 Main Street" in html and "Springfield" in html and "United States" in html  # the country by name
    assert f'action="{order_path}/pay"' in html and f'href="{order_path}/cancel"' in html


def test_paying_with_the_sandbox_card_marks_the_order_paid(site, order_path, db):
    response = site.post(f"{order_path}/pay", CARD, follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "is paid" in html and "Visa ending 4242" in html
    assert 'action="' + order_path + '/pay"' not in html
    order = db.orders.find_one()
    assert order["status"] == "paid" and "4242424242424242" not in str(order)


def test_a_declined_card_says_so_above_the_form_and_is_not_echoed(site, order_path, db):
    response = site.post(f"{order_path}/pay", dict(CARD, card_number="4000 0000 0000 0002"))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your card was declined, and nothing was charged. Try another card, or ask your bank why." in html
    assert "Please correct the fields marked below" not in html and field_errors(html, "card_number") == []
    assert input_value(html, "card_number") in (None, "") and 'value="4000' not in html
    assert input_value(html, "exp_year") == "2099"
    assert db.orders.find_one()["status"] == "placed"


@pytest.mark.parametrize("field, value, message", [
    ("card_number", "4242 4242 4242 4241", "Check the card number: it is not a valid one."),
    ("exp_month", "13", "Enter the card's expiry month between 1 and 12."),
    ("exp_year", "twenty", "Enter the card's expiry year as a whole number."),
    ("cvc", "12", "Enter the card's security code (CVC): three or four digits."),
    ("exp_year", "2001", "This card has expired: check its expiry date, or use another card."),
])
def test_card_errors_come_from_the_card_schema_and_sit_next_to_their_field(site, order_path, field, value, message):
    response = site.post(f"{order_path}/pay", dict(CARD, **{field: value}))

    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), field)


def test_cancelling_returns_the_units_to_stock(site, order_path, db):
    response = site.confirm(f"{order_path}/cancel", follow_redirects=True)

    assert "is cancelled" in response.get_data(as_text=True)
    assert db.orders.find_one()["status"] == "cancelled"
    assert db.variants.find_one()["stock"] == 5


def test_cancelling_twice_says_it_cannot(site, order_path):
    site.confirm(f"{order_path}/cancel")

    response = site.post(f"{order_path}/cancel", follow_redirects=True)

    assert "An order that is cancelled cannot become cancelled." in response.get_data(as_text=True)


def test_another_shoppers_order_is_a_404_for_every_page_and_form(order_path, other_site, db):
    other_site.shopper("bob@example.com")

    assert other_site.get(order_path).status_code == 404
    assert other_site.post(f"{order_path}/pay", CARD).status_code == 404
    assert other_site.get(f"{order_path}/cancel").status_code == 404
    assert other_site.post(f"{order_path}/cancel").status_code == 404
    assert db.orders.find_one()["status"] == "placed"


def test_an_unknown_order_id_is_a_404(site):
    site.shopper()

    assert site.get("/orders/not-an-id").status_code == 404
