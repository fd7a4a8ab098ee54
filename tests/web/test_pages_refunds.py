"""Back-office refunds in the browser: choose, confirm, refund once; the shopper sees it."""
import re

import pytest

from tests.conftest import deliver_emails


@pytest.fixture
def teapots(other_site, add_product):
    """A shopper's paid order for 3 of 5 teapots at 59.00 (177.00); returns (order id, product)."""
    product = add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5)
    other_site.shopper("ada@example.com")
    path = other_site.buy(product, 3)
    other_site.post(f"{path}/pay", {"card_number": "4242424242424242", "exp_month": "12",
                                    "exp_year": "2099", "cvc": "123"})
    return path.rsplit("/", 1)[1], product


def refund_fields(html, **chosen):
    """The refund form's fields as shown (lines, key), with `chosen` filled in."""
    fields = dict(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', html))
    fields.update({"lines-0-quantity": "0", "lines-0-restock": "y", "amount": "", "reason": ""})
    fields.update(chosen)
    return fields


def test_the_order_page_offers_a_refund_only_while_money_is_left(site, teapots):
    order_id, _ = teapots
    site.admin()

    assert "Refund…" in site.text(f"/admin/orders/{order_id}")


def test_refunding_asks_for_confirmation_first_and_moves_nothing_until_then(site, teapots, db):
    order_id, _ = teapots
    site.admin()
    form = site.text(f"/admin/orders/{order_id}/refund")

    review = site.post(f"/admin/orders/{order_id}/refund",
                       refund_fields(form, **{"lines-0-quantity": "1", "reason": "Cracked lid"}))

    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Refund $59.00 to the Visa ending 4242?" in html
    assert "1 × Cast Iron Teapot" in html and "back into stock" in html
    assert db.orders.find_one()["payment"].get("refunded_amount", 0) == 0
    assert db.variants.find_one()["stock"] == 2


def test_confirming_refunds_once_restocks_and_tells_the_shopper(site, other_site, teapots, db, app, mailbox):
    order_id, _ = teapots
    site.admin()
    form = site.text(f"/admin/orders/{order_id}/refund")
    chosen = refund_fields(form, **{"lines-0-quantity": "1", "reason": "Cracked lid"})
    confirm = refund_fields(site.post(f"/admin/orders/{order_id}/refund", chosen).get_data(as_text=True),
                            **{"lines-0-quantity": "1", "reason": "Cracked lid", "confirmed": "yes"})

    done = site.post(f"/admin/orders/{order_id}/refund", confirm)
    again = site.post(f"/admin/orders/{order_id}/refund", confirm)  # a double click, a reload

    assert done.status_code == 302 and again.status_code == 302
    assert "Refunded $59.00 on order" in site.text(f"/admin/orders/{order_id}")
    stored = db.orders.find_one()
    assert stored["payment"]["refunded_amount"] == 5900 and len(stored["refunds"]) == 1
    assert stored["payment"]["status"] == "partially_refunded" and stored["status"] == "paid"
    assert db.variants.find_one()["stock"] == 3
    shopper_page = other_site.text(f"/orders/{order_id}")
    assert "partially refunded ($59.00 back)" in shopper_page and "Cracked lid" in shopper_page
    deliver_emails(app)
    assert [m["subject"] for m in mailbox if m["subject"].startswith("Refund for order")] == [
        f"Refund for order {stored['number']}"]


def test_an_amount_above_what_is_left_is_shown_on_the_form(site, teapots, db):
    order_id, _ = teapots
    site.admin()
    form = site.text(f"/admin/orders/{order_id}/refund")

    response = site.post(f"/admin/orders/{order_id}/refund", refund_fields(form, amount="200.00", reason="Oops"))

    assert response.status_code == 422
    assert "At most $177.00 of this order can still be refunded." in response.get_data(as_text=True)
    assert db.orders.find_one()["payment"].get("refunded_amount", 0) == 0


def test_a_refund_without_a_reason_or_anything_to_refund_is_refused_on_the_form(site, teapots):
    order_id, _ = teapots
    site.admin()
    form = site.text(f"/admin/orders/{order_id}/refund")

    response = site.post(f"/admin/orders/{order_id}/refund", refund_fields(form))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give an amount, lines, or both." in html


def test_change_it_goes_back_to_the_form_with_what_was_chosen(site, teapots):
    order_id, _ = teapots
    site.admin()
    form = site.text(f"/admin/orders/{order_id}/refund")

    back = site.post(f"/admin/orders/{order_id}/refund",
                     refund_fields(form, amount="10.00", reason="Late", confirmed="edit"))

    html = back.get_data(as_text=True)
    assert back.status_code == 200 and "Review the refund" in html
    assert 'value="10.00"' in html and 'value="Late"' in html


def test_a_shopper_cannot_reach_the_refund_pages(other_site, teapots):
    order_id, _ = teapots

    assert other_site.get(f"/admin/orders/{order_id}/refund").status_code == 403
    assert other_site.post(f"/admin/orders/{order_id}/refund", {"amount": "1.00", "reason": "x"}).status_code == 403
