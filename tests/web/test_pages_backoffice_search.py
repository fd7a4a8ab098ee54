"""The back office finds orders by the start of their number, their customer (part of the
e-mail, the start of a name) and status, and lists customers."""
import re

import pytest
from bson import ObjectId

from tests.conftest import GOOD_CARD, add_guest_order


@pytest.fixture
def teapot(add_product):
    return add_product("TEAPOT-CAST", name="Cast Iron Teapot", price=5900, stock=50)


@pytest.fixture
def orders(app, register, teapot, place_order, db):
    """Ada's paid order and her placed one, Bob's placed one, and a guest's placed with Ada's
    e-mail: their numbers by name."""
    ada, bob = register("ada@example.com", name="Ada Lovelace"), register("bob@example.com", name="Bob Builder")
    paid = place_order(ada, [(teapot, 1)]).get_json()
    ada.post(f"/orders/{paid['id']}/payments", json=GOOD_CARD)
    placed = place_order(ada, [(teapot, 2)]).get_json()
    bobs = place_order(bob, [(teapot, 1)]).get_json()
    guest = ObjectId(add_guest_order(app, teapot["id"])["guest_order_id"])
    db.orders.update_one({"_id": guest}, {"$set": {"customer_email": "ada@example.com"}})  # a guest with Ada's e-mail
    return {"paid": paid["number"], "placed": placed["number"], "bob": bobs["number"],
            "guest": db.orders.find_one({"_id": guest})["number"],
            "ada": ada.user, "bob_user": bob.user}


def numbers(page):
    """The order numbers a back-office orders page lists, in order."""
    return re.findall(r'<th scope="row"><a href="/admin/orders/[0-9a-f]{24}">([A-Z0-9]{4}-[A-Z0-9]{4})</a></th>', page)


@pytest.fixture
def admin_site(site):
    return site.admin()


@pytest.mark.parametrize("typed", [
    lambda n: n, lambda n: n.lower(), lambda n: n.replace("-", ""), lambda n: f"  {n.replace('-', '').lower()} ",
], ids=["as shown", "lower case", "without the dash", "spaces around"])
def test_an_order_is_found_by_its_number_in_any_case_with_or_without_its_dash(admin_site, orders, typed):
    page = admin_site.text(f"/admin/orders?number={typed(orders['bob'])}")

    assert numbers(page) == [orders["bob"]]


@pytest.mark.parametrize("typed", [
    lambda n: n[:4], lambda n: n[:4].lower(), lambda n: n[:6], lambda n: n[:6].replace("-", "").lower(),
    lambda n: n[:2], lambda n: f" {n[:5]} ",
], ids=["its first four", "its first four in lower case", "past the dash", "past the dash without it",
        "its first two", "up to the dash, spaces around"])
def test_an_order_is_found_by_the_start_of_its_number(admin_site, orders, db, typed):
    start = typed(orders["bob"]).strip().replace("-", "").upper()
    expected = [doc["number"] for doc in db.orders.find(sort=[("created_at", -1), ("_id", -1)])
                if doc["number"].replace("-", "").startswith(start)]

    page = admin_site.text(f"/admin/orders?number={typed(orders['bob'])}")

    assert orders["bob"] in numbers(page) and numbers(page) == expected


@pytest.mark.parametrize("typed, who", [
    ("bob@", ["bob"]), ("BOB@EXAMPLE", ["bob"]), ("builder", []), ("bob builder", ["bob"]), ("BOB", ["bob"]),
    ("ada shopper", ["paid", "placed", "bob"]), ("GRACE h", ["guest"]), ("shopper", []), ("guest.buyer", ["guest"]),
    ("b.example", []), (".*", []),
], ids=["start of an e-mail", "e-mail in capitals", "not the start of a name", "an account's full name",
        "the start of an account's name", "the shipping address's name", "a guest's name in any case",
        "not the start of the address's name",
        "part of a guest's e-mail", "a dot is a dot", "no regular expressions"])
def test_an_order_is_found_by_part_of_its_e_mail_or_the_start_of_its_customers_name(admin_site, orders, db, typed,
                                                                                      who):
    db.orders.update_one({"number": orders["guest"]}, {"$set": {"customer_email": "guest.buyer@example.com",
                                                                "shipping_address.name": "Grace Hopper"}})

    page = admin_site.text(f"/admin/orders?customer={typed}")

    assert sorted(numbers(page)) == sorted(orders[name] for name in who)


def test_the_search_says_what_it_looks_for(admin_site, orders):
    page = admin_site.text("/admin/orders")

    assert '<label for="number">Order number starts with</label>' in page
    assert '<label for="customer">Customer: e-mail or name</label>' in page


def test_a_number_of_no_order_finds_nothing(admin_site, orders):
    page = admin_site.text("/admin/orders?number=ZZZZ-ZZZZ")

    assert numbers(page) == [] and "No orders match this search." in page


def test_an_e_mail_finds_the_account_and_guest_orders_placed_with_it_in_any_case(admin_site, orders):
    page = admin_site.text("/admin/orders?customer=ADA@Example.com")

    assert sorted(numbers(page)) == sorted([orders["paid"], orders["placed"], orders["guest"]])
    assert "(guest)" in page


def test_status_narrows_the_orders(admin_site, orders):
    page = admin_site.text("/admin/orders?status=paid")

    assert numbers(page) == [orders["paid"]]


def test_filters_combine(admin_site, orders):
    placed_by_ada = admin_site.text("/admin/orders?customer=ada@example.com&status=placed")
    number_and_other_email = admin_site.text(f"/admin/orders?customer=bob@example.com&number={orders['paid']}")

    assert sorted(numbers(placed_by_ada)) == sorted([orders["placed"], orders["guest"]])
    assert numbers(number_and_other_email) == []


def test_the_search_form_keeps_what_was_typed(admin_site, orders):
    page = admin_site.text("/admin/orders?customer=ada@example.com&number=abcd&status=paid")

    assert 'value="ada@example.com"' in page and 'value="abcd"' in page
    assert '<option selected value="paid">' in page


def test_pages_of_a_search_carry_its_filters_and_nothing_else(admin_site, teapot, register, place_order):
    ada = register("ada@example.com")
    for _ in range(27):
        place_order(ada, [(teapot, 1)])

    page = admin_site.text("/admin/orders?customer=ada@example.com&status=placed&utm=x&next=//evil.example")

    assert len(numbers(page)) == 25
    [link] = re.findall(r'<a rel="next" href="([^"]+)"', page)
    assert sorted(link.split("?")[1].split("&amp;")) == ["customer=ada@example.com", "page=2", "status=placed"]
    assert len(numbers(admin_site.text(link.replace("&amp;", "&")))) == 2


def test_a_mistyped_filter_is_dropped_not_an_error(admin_site, orders):
    response = admin_site.get("/admin/orders?status=lost&page=many")

    assert response.status_code == 200 and len(numbers(response.get_data(as_text=True))) == 4


def test_the_api_filters_orders_by_number_and_e_mail_for_admins(admin, orders):
    by_number = admin.get(f"/orders?number={orders['bob'].replace('-', '').lower()}").get_json()
    by_email = admin.get("/orders?email=Ada@example.com&status=placed").get_json()

    assert [order["number"] for order in by_number["items"]] == [orders["bob"]]
    assert sorted(order["number"] for order in by_email["items"]) == sorted([orders["placed"], orders["guest"]])


def test_a_shopper_filtering_by_e_mail_still_sees_only_their_orders(register, orders):
    bob = register("bob2@example.com")

    body = bob.get("/orders?email=ada@example.com").get_json()

    assert body["items"] == [] and body["total"] == 0


def test_the_order_page_links_an_accounts_e_mail_to_the_customer_and_a_guests_to_a_search(admin_site, orders, db):
    ada_order = db.orders.find_one({"number": orders["paid"]})
    guest_order = db.orders.find_one({"number": orders["guest"]})

    account = admin_site.text(f"/admin/orders/{ada_order['_id']}")
    guest = admin_site.text(f"/admin/orders/{guest_order['_id']}")

    assert f'<a href="/admin/customers/{orders["ada"]["id"]}">ada@example.com</a>' in account
    assert '<a href="/admin/orders?customer=ada@example.com">ada@example.com</a> (guest)' in guest


# Customers ----------------------------------------------------------------


def customer_names(page):
    return re.findall(r'<th scope="row"><a href="/admin/customers/[0-9a-f]{24}">([^<]+)</a></th>', page)


def test_the_customers_list_shows_newest_first_with_e_mail_and_order_counts(admin_site, orders):
    page = admin_site.text("/admin/customers")

    assert customer_names(page) == ["Bob Builder", "Ada Lovelace"]
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert "bob@example.com" in rows[0] and '<td class="num" data-label="Orders">1</td>' in rows[0]
    assert "ada@example.com" in rows[1] and '<td class="num" data-label="Orders">2</td>' in rows[1]
    assert "admin@example.com" not in page.split("<h1>")[1]  # staff are not customers
    assert 'href="/admin/customers" aria-current="page"' in page


@pytest.mark.parametrize("q, expected", [
    ("ada", ["Ada Lovelace"]), ("BOB@", ["Bob Builder"]), ("lovelace", []), ("b", ["Bob Builder"]),
    ("a.a", []), (".*", []), ("Ada Love", ["Ada Lovelace"]),
], ids=["e-mail start", "e-mail in capitals", "not the start", "one letter", "a dot is a dot",
        "no regular expressions", "name with a space"])
def test_customers_are_found_by_the_start_of_their_e_mail_or_name_literally(admin_site, orders, q, expected):
    page = admin_site.text(f"/admin/customers?q={q}")

    assert customer_names(page) == expected


def test_customers_are_paged_and_the_pages_keep_the_search(admin_site, make_customers):
    make_customers(30, prefix="carol")

    first = admin_site.text("/admin/customers?q=carol")

    assert len(customer_names(first)) == 25
    [link] = re.findall(r'<a rel="next" href="([^"]+)"', first)
    assert sorted(link.split("?")[1].split("&amp;")) == ["page=2", "q=carol"]
    assert len(customer_names(admin_site.text(link.replace("&amp;", "&")))) == 5


def test_a_customers_page_shows_them_and_links_their_orders(admin_site, orders, db):
    page = admin_site.text(f"/admin/customers/{orders['ada']['id']}")

    assert "<h1>Ada Lovelace</h1>" in page and "ada@example.com" in page
    assert sorted(numbers(page)) == sorted([orders["paid"], orders["placed"]])
    assert orders["guest"] not in page and orders["bob"] not in page
    assert '/admin/orders?customer=ada@example.com' in page


def test_an_unknown_customer_is_a_404(admin_site):
    assert admin_site.get("/admin/customers/5f0000000000000000000000").status_code == 404


@pytest.mark.parametrize("path", ["/admin/customers", "/admin/customers/5f0000000000000000000000"])
def test_shoppers_cannot_see_customers(site, path):
    site.shopper()

    assert site.get(path).status_code == 403


def test_the_customers_table_stacks_on_a_phone(admin_site, orders):
    page = admin_site.text("/admin/customers")

    assert '<table class="lines stack">' in page and 'data-label="E-mail"' in page
