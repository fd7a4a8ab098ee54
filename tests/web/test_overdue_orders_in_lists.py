"""An unpaid order past its payment window never reads as placed, in a list as in its own
page: each list that shows it expires it on the way, as reading it alone does, and its units
come back once."""
import pytest

from tests.conftest import ledger_sum, stock_of

pytestmark = pytest.mark.parametrize("settings", [{"ORDER_PAYMENT_TTL_MINUTES": 0}])


@pytest.fixture
def teapot(add_product):
    return add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=5)


@pytest.fixture
def overdue(site, teapot):
    """An order for two teapots, placed on the site by a shopper with no time to pay it."""
    site.shopper()
    site.buy(teapot, 2)


def test_the_apis_list_shows_an_overdue_order_cancelled_and_its_units_back(shopper, admin, teapot, place_order):
    place_order(shopper, [(teapot, 2)])

    listed = admin.get("/orders").get_json()["items"]

    assert [order["status"] for order in listed] == ["cancelled"]
    assert listed[0]["history"][-1]["by"] == "system"
    assert stock_of(admin, teapot["id"]) == 5 == ledger_sum(admin, teapot["id"])
    assert shopper.get("/orders").get_json()["items"][0]["status"] == "cancelled"


def test_a_list_filtered_by_placed_shows_no_overdue_order(shopper, admin, teapot, place_order):
    place_order(shopper, [(teapot, 2)])

    assert all(order["status"] != "placed" for order in admin.get("/orders?status=placed").get_json()["items"])
    assert stock_of(admin, teapot["id"]) == 5


@pytest.mark.parametrize("page", ["/orders", "/admin/orders", "/admin/customers/{user_id}"])
def test_every_page_listing_orders_shows_an_overdue_one_cancelled(site, other_site, overdue, teapot, admin, db, page):
    user_id = str(db.users.find_one({"email": "ada@example.com"})["_id"])
    reader = site if page == "/orders" else other_site.admin()

    listed = reader.text(page.format(user_id=user_id))

    assert 'class="status status-cancelled"' in listed and "status-placed" not in listed
    assert db.orders.find_one()["status"] == "cancelled"
    assert stock_of(admin, teapot["id"]) == 5 == ledger_sum(admin, teapot["id"])
