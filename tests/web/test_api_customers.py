"""`GET /api/v1/customers` (docs/API.md "Customers"): the admins' list of customer accounts,
newest first, paged, each with how many orders it placed; `q` the start of an e-mail or a name."""
import pytest

from shop.orders.repository import OrderRepository
from tests.conftest import assert_error

NAMES = {"ada@example.com": "Ada Lovelace", "bob@example.com": "Bob Builder", "grace@example.com": "Grace Hopper"}


@pytest.fixture
def customers(register, add_product, place_order):
    """Ada (two orders), Bob (one), Grace (none), registered in that order."""
    clock = add_product("RETRO-CLOCK", stock=10)
    accounts = {email: register(email, name=name) for email, name in NAMES.items()}
    for email, orders in (("ada@example.com", 2), ("bob@example.com", 1)):
        for _ in range(orders):
            assert place_order(accounts[email], [(clock, 1)]).status_code == 201
    return accounts


def emails(body):
    return [item["email"] for item in body["items"]]


def test_customers_are_listed_newest_first_with_how_many_orders_each_placed(admin, customers):
    response = admin.get("/customers")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 3)
    grace, bob, ada = body["items"]
    assert grace == {"id": customers["grace@example.com"].user["id"], "email": "grace@example.com",
                     "name": "Grace Hopper", "created_at": customers["grace@example.com"].user["created_at"],
                     "orders_count": 0}
    assert (bob["email"], bob["orders_count"]) == ("bob@example.com", 1)
    assert (ada["email"], ada["orders_count"]) == ("ada@example.com", 2)


def test_staff_accounts_are_not_customers(admin, customers):
    assert "admin@example.com" not in emails(admin.get("/customers").get_json())


def test_the_list_is_paged_in_the_same_envelope_as_every_list(admin, customers):
    first = admin.get("/customers?per_page=2").get_json()
    second = admin.get("/customers?per_page=2&page=2").get_json()

    assert emails(first) == ["grace@example.com", "bob@example.com"] and first["total"] == 3
    assert emails(second) == ["ada@example.com"] and (second["page"], second["per_page"]) == (2, 2)
    assert second["items"][0]["orders_count"] == 2


@pytest.mark.parametrize("q, expected", [
    ("ada", ["ada@example.com"]), ("BOB@", ["bob@example.com"]), ("grace hop", ["grace@example.com"]),
    ("LOVELACE", []), ("b", ["bob@example.com"]), ("a.a", []), (".*", []),
], ids=["e-mail start", "e-mail in capitals", "name in any case", "not the start", "one letter",
        "a dot is a dot", "no regular expressions"])
def test_q_finds_customers_by_the_start_of_their_e_mail_or_name_in_any_case(admin, customers, q, expected):
    body = admin.get("/customers", query_string={"q": q}).get_json()

    assert emails(body) == expected and body["total"] == len(expected)


@pytest.mark.parametrize("query, field", [
    ({"per_page": "0"}, "per_page"), ({"per_page": "101"}, "per_page"), ({"page": "0"}, "page"),
    ({"q": "x" * 255}, "q"),
])
def test_bad_arguments_are_a_validation_error_on_their_field(admin, query, field):
    assert field in assert_error(admin.get("/customers", query_string=query), 422, "validation_error")


def test_only_an_admin_lists_customers(anonymous, customers):
    assert_error(anonymous.get("/customers"), 401, "unauthorized")
    assert_error(customers["ada@example.com"].get("/customers"), 403, "forbidden")


def test_orders_are_counted_in_one_read_for_the_whole_page(admin, customers, monkeypatch):
    calls = []
    count_by_user = OrderRepository.count_by_user
    monkeypatch.setattr(OrderRepository, "count_by_user",
                        lambda self, user_ids: calls.append(list(user_ids)) or count_by_user(self, user_ids))

    admin.get("/customers")

    assert len(calls) == 1 and len(calls[0]) == 3
