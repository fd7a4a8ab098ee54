"""A guest's e-mailed order link once the order is claimed into an account: it leads to the
order's page for its owner (through a log-in that lands there when needed), and still shows
the order to nobody else."""
import re

import pytest

from tests.conftest import GOOD_CARD, add_guest_order, deliver_emails
from tests.web.site_helpers import input_value

GUEST_LINK = re.compile(r"http://[^/\s]+(/orders/[0-9a-f]{24}/guest/[A-Za-z0-9_-]+)")
CLAIM_LINK = re.compile(r"http://[^/\s]+(/orders/claim/\S+)")
# What a guest's link answers: its page, and its pay form (a page left open while the order was claimed).
LINK_REQUESTS = [("GET", ""), ("POST", "/pay")]


@pytest.fixture
def claimed(app, site, add_product, mailbox, db):
    """A guest's order, claimed since into the account of its e-mail (`site`, logged in): the
    link the guest was e-mailed, and the order's own page."""
    tee = add_product("TEE", name="Tee", price=1999, stock=10)
    order = add_guest_order(app, tee["id"])
    deliver_emails(app)
    [link] = {GUEST_LINK.search(message["body"]).group(1) for message in mailbox if GUEST_LINK.search(message["body"])}
    site.shopper("guest@example.com")
    site.post("/orders/claim")
    deliver_emails(app)
    assert site.get(CLAIM_LINK.search(mailbox[-1]["body"]).group(1)).status_code == 302
    assert db.orders.find_one()["user_id"] is not None
    return {"link": link, "page": f"/orders/{order['guest_order_id']}",
            "number": db.orders.find_one()["number"]}


def send(browser, method, path, **kwargs):
    """The link as a browser sends it: the pay form with a good card."""
    card = {name: str(value) for name, value in GOOD_CARD.items()} if method == "POST" else None
    return browser.client.open(path, method=method, data=card, **kwargs)


@pytest.mark.parametrize("method, tail", LINK_REQUESTS)
def test_a_claimed_orders_guest_link_leads_its_owner_to_the_orders_page_and_nobody_else(
        site, other_site, claimed, db, method, tail):
    other_site.shopper("mallory@example.com")
    wrong_token = claimed["link"][:-2] + ("yy" if claimed["link"].endswith("xx") else "xx")

    owner = send(site, method, claimed["link"] + tail)
    stranger = send(other_site, method, claimed["link"] + tail, follow_redirects=True)
    forged = send(other_site, method, wrong_token + tail)

    assert owner.status_code == 302 and owner.headers["Location"] == claimed["page"]
    assert claimed["number"] in site.text(claimed["page"])
    assert stranger.status_code == 404 and claimed["number"] not in stranger.get_data(as_text=True)
    assert forged.status_code == 404
    assert db.orders.find_one()["status"] == "placed"  # nothing was paid through the link


@pytest.mark.parametrize("method, tail", LINK_REQUESTS)
def test_a_claimed_orders_guest_link_asks_a_logged_out_visitor_to_log_in_and_lands_on_the_order(
        site, claimed, method, tail):
    site.logout()

    asked = send(site, method, claimed["link"] + tail, follow_redirects=True)
    landed = site.post("/login", {"email": "guest@example.com", "password": "correct horse battery",
                                  "next": input_value(asked.get_data(as_text=True), "next")})

    assert asked.status_code == 200 and asked.request.path == "/login"
    assert claimed["number"] not in asked.get_data(as_text=True)
    assert landed.status_code == 302 and landed.headers["Location"] == claimed["page"]
    assert claimed["number"] in site.text(claimed["page"])
