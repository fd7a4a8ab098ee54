"""The address book in the browser: /account/addresses (docs/API.md "Address book")."""
import re

import pytest

from tests.web.site_helpers import field_errors, input_value

WORK = {"name": "Ada at Work", "line1": "5 Engine Road", "line2": "Floor 3", "city": "London",
        "postal_code": "EC1A 1BB", "country": "GB"}
HOME = {"name": "Ada Shopper", "line1": "1 Main Street", "line2": "", "city": "Springfield",
        "postal_code": "12345", "country": "US"}


@pytest.fixture
def shopper(site):
    return site.shopper()


def add(site, **fields):
    response = site.post("/account/addresses/new", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def stored(db, **query):
    return list(db.addresses.find(query))


def default_line(page):
    """The address shown under "Default address"."""
    match = re.search(r'Default address</p>\s*<address class="address">\s*([^<]+)<br>', page)
    return match.group(1).strip() if match else None


@pytest.mark.parametrize("path", ["/account/addresses", "/account/addresses/new"])
def test_a_visitor_is_sent_to_log_in(site, path):
    response = site.get(path)

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_header_links_to_my_addresses_once_logged_in(site):
    assert 'href="/account/addresses"' not in site.text("/")

    site.shopper()

    assert 'href="/account/addresses"' in site.text("/")


def test_an_empty_address_book_says_so_and_offers_to_add_one(shopper):
    page = shopper.text("/account/addresses")

    assert "You have no saved address yet" in page and 'href="/account/addresses/new"' in page


def test_the_form_offers_the_countries_by_name(shopper):
    page = shopper.text("/account/addresses/new")

    assert '<select autocomplete="country" id="country" name="country">' in page
    assert '<option value="GB">United Kingdom</option>' in page and '<option value="DE">Germany</option>' in page
    names = re.findall(r'<option value="[A-Z]{2}">([^<]+)</option>', page)
    assert len(names) == 249 and names.index("Åland Islands") < names.index("Albania")
    assert input_value(page, "name") == "Ada Shopper"  # the account's name, to start with


def test_a_saved_address_is_listed_as_the_default_with_its_country_by_name(shopper, db):
    response = add(shopper, **WORK)

    assert response.headers["Location"] == "/account/addresses"
    page = shopper.text("/account/addresses")
    assert "The address is saved." in page
    assert default_line(page) == "Ada at Work"
    assert "5 Engine Road" in page and "Floor 3" in page and "EC1A 1BB London" in page and "United Kingdom" in page
    [doc] = stored(db)
    owner = db.users.find_one({"email": "ada@example.com"})
    assert (doc["name"], doc["country"], doc["user_id"]) == ("Ada at Work", "GB", str(owner["_id"]))


def test_a_wrong_address_is_shown_again_as_typed_with_each_error_under_its_field(shopper, db):
    response = shopper.post("/account/addresses/new", dict(WORK, postal_code="EC1$", country="", city="  "))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page, "postal_code") == ["Enter a postal code of letters, digits, spaces and dashes."]
    assert field_errors(page, "country") and field_errors(page, "city")
    assert input_value(page, "line1") == "5 Engine Road" and input_value(page, "postal_code") == "EC1$"
    assert stored(db) == []


def test_a_country_that_is_not_on_the_list_is_refused(shopper, db):
    response = shopper.post("/account/addresses/new", dict(WORK, country="ZZ"))

    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "country") == [
        "Enter a country by its two-letter code, such as US or DE."]
    assert stored(db) == []


def test_an_address_is_edited_and_a_blank_second_line_clears_it(shopper, db):
    add(shopper, **WORK)
    [doc] = stored(db)
    form = shopper.text(f"/account/addresses/{doc['_id']}/edit")
    assert input_value(form, "line2") == "Floor 3" and '<option selected value="GB">' in form

    response = shopper.post(f"/account/addresses/{doc['_id']}/edit", dict(WORK, line2="", city="Leeds"))

    assert response.status_code == 302
    [doc] = stored(db)
    assert (doc["city"], doc["line2"]) == ("Leeds", "")
    assert "Leeds" in shopper.text("/account/addresses")


def test_a_wrong_edit_changes_nothing_and_shows_what_was_typed(shopper, db):
    add(shopper, **WORK)
    [doc] = stored(db)

    response = shopper.post(f"/account/addresses/{doc['_id']}/edit", dict(WORK, name="", city="Leeds"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page, "name") and input_value(page, "city") == "Leeds"
    assert stored(db)[0]["city"] == "London"


def test_another_address_is_made_the_default_from_the_list_or_its_form(shopper, db):
    add(shopper, **WORK)
    add(shopper, **HOME)
    work, home = sorted(stored(db), key=lambda doc: doc["slot"])
    assert default_line(shopper.text("/account/addresses")) == "Ada at Work"

    assert shopper.post(f"/account/addresses/{home['_id']}/default").status_code == 302
    assert default_line(shopper.text("/account/addresses")) == "Ada Shopper"
    shopper.post(f"/account/addresses/{work['_id']}/edit", dict(WORK, default="y"))

    page = shopper.text("/account/addresses")
    assert default_line(page) == "Ada at Work" and page.count("Default address</p>") == 1


def test_the_default_addresss_form_does_not_offer_to_unmake_it(shopper, db):
    add(shopper, **WORK)
    [doc] = stored(db)

    page = shopper.text(f"/account/addresses/{doc['_id']}/edit")

    assert "This is your default address." in page and 'name="default"' not in page


def test_deleting_asks_first_on_a_page_of_its_own_then_deletes(shopper, db):
    add(shopper, **WORK)
    add(shopper, **HOME)
    work = next(doc for doc in stored(db) if doc["name"] == "Ada at Work")
    listed = shopper.text("/account/addresses")
    assert f'href="/account/addresses/{work["_id"]}/delete"' in listed

    confirm = shopper.text(f"/account/addresses/{work['_id']}/delete")
    assert "Delete this address?" in confirm and "your newest other address becomes the default" in confirm
    assert f'<form method="post" action="/account/addresses/{work["_id"]}/delete">' in confirm
    assert len(stored(db)) == 2  # asking deleted nothing

    assert shopper.post(f"/account/addresses/{work['_id']}/delete").status_code == 302

    assert [doc["name"] for doc in stored(db)] == ["Ada Shopper"]
    assert default_line(shopper.text("/account/addresses")) == "Ada Shopper"


def test_another_shoppers_address_is_not_found_on_any_page(shopper, other_site, db):
    add(shopper, **WORK)
    [doc] = stored(db)
    other_site.shopper("eve@example.com")
    base = f"/account/addresses/{doc['_id']}"

    for path in (f"{base}/edit", f"{base}/delete"):
        assert other_site.get(path).status_code == 404
    for path in (f"{base}/edit", f"{base}/delete", f"{base}/default"):
        assert other_site.post(path, dict(WORK, city="Elsewhere")).status_code == 404

    assert stored(db) == [doc]
    assert "You have no saved address yet" in other_site.text("/account/addresses")


def test_a_full_address_book_says_so_and_keeps_what_was_typed(shopper, db):
    from shop.addresses.model import MAX_ADDRESSES

    for n in range(MAX_ADDRESSES):
        add(shopper, **dict(HOME, name=f"Ada {n}"))
    assert "Your address book is full" in shopper.text("/account/addresses")

    response = shopper.post("/account/addresses/new", WORK)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your address book is full" in page and input_value(page, "line1") == "5 Engine Road"
    assert len(stored(db)) == MAX_ADDRESSES
