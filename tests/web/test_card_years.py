"""A card's expiry year as printed on it (`30`) means 2030, in the API and on the order page's
pay form alike (`exp_year` 0..99 means 2000 + n: docs/API.md, paying an order)."""
import secrets

import pytest
from bson import ObjectId

from shop.clock import utcnow
from shop.orders.schemas import CARD_YEAR
from tests.conftest import GOOD_CARD, assert_error
from tests.web.site_helpers import field_errors

EXPIRED = "This card has expired: check its expiry date, or use another card."
LAST_YEAR = utcnow().year - 1


@pytest.fixture
def api_payment(shopper, add_product, place_order):
    """pay(exp_year) -> (status, what the answer says about exp_year, the order's status after)."""
    product = add_product("MUG", price=1500, stock=9)

    def pay(exp_year):
        order = place_order(shopper, [(product, 1)]).get_json()
        response = shopper.post(f"/orders/{order['id']}/payments", json=dict(GOOD_CARD, exp_year=exp_year))
        said = None if response.status_code == 200 else assert_error(response, 422, "validation_error")["exp_year"]
        return response.status_code, said, shopper.get(f"/orders/{order['id']}").get_json()["status"]

    return pay


@pytest.fixture
def page_payment(site, add_product, db):
    """The same through the order page's form, as typed."""
    site.shopper("page@example.com")
    product = add_product("TEAPOT", price=5900, stock=9)

    def pay(exp_year):
        path = site.buy(product, 1, key=secrets.token_urlsafe(24))  # each checkout form has its own key
        response = site.post(f"{path}/pay", {"card_number": "4242 4242 4242 4242", "exp_month": "12",
                                              "exp_year": str(exp_year), "cvc": "123"})
        said = None if response.status_code == 302 else field_errors(response.get_data(as_text=True), "exp_year")
        order = db.orders.find_one({"_id": ObjectId(path.rpartition("/")[2])})
        return 200 if response.status_code == 302 else response.status_code, said, order["status"]

    return pay


@pytest.mark.parametrize("where", ["api_payment", "page_payment"])
@pytest.mark.parametrize("exp_year, answer", [
    (30, (200, None, "paid")),
    (99, (200, None, "paid")),
    (2030, (200, None, "paid")),
    (LAST_YEAR - 2000, (422, [EXPIRED], "placed")),  # printed: last year's card has expired
    (100, (422, [CARD_YEAR], "placed")),
    (1999, (422, [CARD_YEAR], "placed")),
    (2101, (422, [CARD_YEAR], "placed")),
    (-1, (422, [CARD_YEAR], "placed")),
])
def test_a_printed_two_digit_expiry_year_is_2000_plus_it(request, where, exp_year, answer):
    pay = request.getfixturevalue(where)

    assert pay(exp_year) == answer
