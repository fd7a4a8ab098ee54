"""The back office's checkout settings: shipping methods, tax rates and discount codes, listed,
added, edited and deleted through forms that the API's schemas validate."""
import re

import pytest
from bson import ObjectId

from tests.web.site_helpers import csrf_token, field_errors, input_value

METHOD_FORM = {"name": "Standard", "countries": "us, ca", "price": "4.95", "currency": "USD", "free_over": "50",
               "active": "y"}
RATE_FORM = {"country": "de", "rate_bp": "19"}  # a percent
CODE_FORM = {"code": "Summer10", "kind": "percent", "value": "12.5", "currency": "", "min_subtotal": "",
             "starts_at": "2026-12-24T08:00", "ends_at": "", "max_uses": "5", "max_uses_per_customer": "",
             "active": "y"}
PAGES = ["/admin/shipping-methods", "/admin/shipping-methods/new", "/admin/tax-rates", "/admin/tax-rates/new",
         "/admin/discount-codes", "/admin/discount-codes/new"]


@pytest.mark.parametrize("path", PAGES)
def test_only_admins_reach_the_checkout_settings(site, path):
    assert site.get(path).status_code == 302  # to log in
    site.shopper()
    assert site.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_the_back_office_links_to_each_setting_and_marks_the_current_one(site, path):
    html = site.admin().text(path)

    for link in ("/admin/shipping-methods", "/admin/tax-rates", "/admin/discount-codes"):
        assert f'href="{link}"' in html
    current = re.search(r'<a href="([^"]+)" aria-current="page">', html).group(1)
    assert path.startswith(current)


def test_an_admin_adds_a_shipping_method_typed_as_amounts(site, db):
    site.admin()

    response = site.post("/admin/shipping-methods/new", METHOD_FORM)

    assert response.status_code == 302 and response.headers["Location"] == "/admin/shipping-methods"
    stored = db.shipping_methods.find_one()
    assert (stored["countries"], stored["price"], stored["free_over"], stored["active"]) == (
        ["US", "CA"], 495, 5000, True)
    html = site.text("/admin/shipping-methods")
    assert "Standard is added." in html and "$4.95" in html and "$50.00" in html and "US, CA" in html


def test_a_bad_shipping_method_is_shown_next_to_its_fields_and_keeps_what_was_typed(site, db):
    site.admin()

    response = site.post("/admin/shipping-methods/new", dict(METHOD_FORM, name=" ", countries="us, xx", price="4,9.5x",
                                                               free_over="-3"))

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and db.shipping_methods.count_documents({}) == 0
    assert field_errors(html, "name") == ["Enter a name: it cannot be only spaces."]
    assert "such as US or DE" in field_errors(html, "countries")[0]
    assert field_errors(html, "price") == ["Enter an amount such as 12.50."]
    assert field_errors(html, "free_over") == ["Enter an amount such as 12.50."]
    assert input_value(html, "countries") == "us, xx" and input_value(html, "price") == "4,9.5x"


def test_an_admin_edits_a_shipping_method_and_an_empty_threshold_makes_it_never_free(site, admin, db):
    method = admin.post("/shipping-methods", json={"name": "Standard", "countries": ["*"], "price": 495,
                                                   "free_over": 5000}).get_json()
    site.admin()
    path = f"/admin/shipping-methods/{method['id']}/edit"
    form = site.text(path)
    assert input_value(form, "price") == "4.95" and input_value(form, "free_over") == "50.00"
    assert input_value(form, "countries") == "*"

    response = site.post(path, dict(METHOD_FORM, name="Tracked", countries="de", price="7", free_over="", active=""))

    assert response.status_code == 302
    changed = admin.get(f"/shipping-methods/{method['id']}").get_json()
    assert (changed["name"], changed["countries"], changed["price"]) == ("Tracked", ["DE"], 700)
    assert (changed["free_over"], changed["active"]) == (None, False)
    assert "Never" in site.text("/admin/shipping-methods")


def test_an_admin_deletes_a_shipping_method(site, admin, db):
    method = admin.post("/shipping-methods", json={"name": "Standard", "countries": ["US"], "price": 495}).get_json()
    site.admin()

    response = site.post(f"/admin/shipping-methods/{method['id']}/delete")

    assert response.status_code == 302 and db.shipping_methods.count_documents({}) == 0
    assert "Standard is deleted." in site.text("/admin/shipping-methods")


def test_an_admin_adds_a_tax_rate_and_a_second_for_the_country_is_refused_on_its_field(site, db):
    site.admin()

    added = site.post("/admin/tax-rates/new", RATE_FORM)
    html = site.text("/admin/tax-rates")
    again = site.post("/admin/tax-rates/new", dict(RATE_FORM, rate_bp="7"))

    assert added.status_code == 302 and db.tax_rates.find_one()["rate_bp"] == 1900
    assert "The tax rate of DE is added." in html and "19%" in html
    assert again.status_code == 422 and db.tax_rates.count_documents({}) == 1
    assert field_errors(again.get_data(as_text=True), "country") == [
        "DE has a tax rate already: change that one instead."]


@pytest.mark.parametrize("typed, field, message", [
    ({"rate_bp": "100.01"}, "rate_bp", "Enter a rate between 0% and 100%."),
    ({"rate_bp": "19.555"}, "rate_bp", "Enter a percent, such as 19 or 19.5 (at most two decimals)."),
    ({"rate_bp": ""}, "rate_bp", "Enter a rate."),
    ({"country": "zz"}, "country", "Enter a country by its two-letter code, such as US or DE."),
])
def test_a_bad_tax_rate_is_shown_next_to_its_field(site, db, typed, field, message):
    site.admin()

    response = site.post("/admin/tax-rates/new", dict(RATE_FORM, **typed))

    assert response.status_code == 422 and db.tax_rates.count_documents({}) == 0
    assert field_errors(response.get_data(as_text=True), field) == [message]


def test_an_admin_edits_and_deletes_a_tax_rate(site, admin, db):
    rate = admin.post("/tax-rates", json={"country": "DE", "rate_bp": 1900}).get_json()
    site.admin()
    path = f"/admin/tax-rates/{rate['id']}/edit"
    assert input_value(site.text(path), "rate_bp") == "19"

    assert site.post(path, {"country": "DE", "rate_bp": "7"}).status_code == 302
    assert db.tax_rates.find_one()["rate_bp"] == 700
    assert site.post(f"/admin/tax-rates/{rate['id']}/delete").status_code == 302
    assert db.tax_rates.count_documents({}) == 0


def test_an_admin_adds_a_percent_code_typed_as_a_percentage_with_a_start_in_utc(site, admin):
    site.admin()

    response = site.post("/admin/discount-codes/new", CODE_FORM)

    assert response.status_code == 302 and response.headers["Location"] == "/admin/discount-codes"
    code = admin.get("/discount-codes").get_json()["items"][0]
    assert (code["code"], code["kind"], code["value"], code["currency"]) == ("Summer10", "percent", 1250, None)
    assert (code["starts_at"], code["ends_at"], code["max_uses"], code["min_subtotal"]) == (
        "2026-12-24T08:00:00Z", None, 5, 0)
    html = site.text("/admin/discount-codes")
    assert "The code Summer10 is added." in html and "12.5% off" in html and "0 of 5" in html


def test_a_fixed_code_is_typed_as_an_amount_in_its_currency(site, admin):
    site.admin()

    response = site.post("/admin/discount-codes/new", dict(CODE_FORM, code="FIVE", kind="fixed", value="5",
                                                           currency="EUR", min_subtotal="20", starts_at=""))

    assert response.status_code == 302
    code = admin.get("/discount-codes").get_json()["items"][0]
    assert (code["kind"], code["value"], code["currency"], code["min_subtotal"]) == ("fixed", 500, "EUR", 2000)
    assert "€5.00 off" in site.text("/admin/discount-codes")


@pytest.mark.parametrize("typed, field, words", [
    ({"code": "TEN OFF"}, "code", "letters, digits"),
    ({"kind": "fixed"}, "currency", "Choose the currency of a fixed code"),
    ({"currency": "EUR"}, "currency", "Leave the currency out for a percent code"),
    ({"value": "100.01"}, "value", "Enter a percent code's value between 0.01% and 100%."),
    ({"value": "ten"}, "value", "Enter a percent, such as 19 or 19.5"),
    ({"value": ""}, "value", "Enter a value."),
    ({"ends_at": "2026-12-24T07:59"}, "ends_at", "Enter an end after the start."),
    ({"ends_at": "soon"}, "ends_at", "Enter a date and time"),
    ({"max_uses": "0"}, "max_uses", "between 1 and"),
    ({"max_uses_per_customer": "one"}, "max_uses_per_customer", "whole number"),
])
def test_a_bad_code_is_shown_next_to_its_field_and_keeps_what_was_typed(site, db, typed, field, words):
    site.admin()

    response = site.post("/admin/discount-codes/new", dict(CODE_FORM, **typed))

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and db.discount_codes.count_documents({}) == 0
    assert any(words in message for message in field_errors(html, field)), field_errors(html, field)
    assert input_value(html, "code") == dict(CODE_FORM, **typed)["code"]


def test_a_code_equal_to_another_ignoring_case_is_refused_on_its_field(site, admin):
    admin.post("/discount-codes", json={"code": "SUMMER10", "kind": "percent", "value": 1000})
    site.admin()

    response = site.post("/admin/discount-codes/new", CODE_FORM)

    assert response.status_code == 422
    assert "codes are compared ignoring case" in field_errors(response.get_data(as_text=True), "code")[0]


def test_an_admin_edits_a_code_with_its_uses_shown_but_never_changed(site, admin, db):
    code = admin.post("/discount-codes", json={"code": "FIVE", "kind": "fixed", "value": 500, "currency": "EUR",
                                               "ends_at": "2027-01-01T00:00:00Z", "max_uses": 9}).get_json()
    for number in range(3):  # as three orders holding the code would (shop/discounts/use_repository.py)
        db.discount_uses.insert_one({"_id": f"order-{number}", "code_id": ObjectId(code["id"]), "customer": "a@b.c",
                                     "slot": number})
    site.admin()
    path = f"/admin/discount-codes/{code['id']}/edit"
    form = site.text(path)
    assert input_value(form, "value") == "5.00" and input_value(form, "ends_at") == "2027-01-01T00:00"
    assert "Used by 3 orders" in form

    response = site.post(path, dict(CODE_FORM, code="Five", kind="fixed", value="7.50", currency="EUR",
                                    starts_at="", ends_at="", max_uses="", active=""))

    assert response.status_code == 302
    changed = admin.get(f"/discount-codes/{code['id']}").get_json()
    assert (changed["code"], changed["value"], changed["ends_at"], changed["max_uses"]) == ("Five", 750, None, None)
    assert (changed["active"], changed["uses"]) == (False, 3)


def test_an_admin_deletes_a_code(site, admin, db):
    code = admin.post("/discount-codes", json={"code": "FIVE", "kind": "percent", "value": 500}).get_json()
    site.admin()

    response = site.post(f"/admin/discount-codes/{code['id']}/delete")

    assert response.status_code == 302 and db.discount_codes.count_documents({}) == 0
    assert "The code FIVE is deleted." in site.text("/admin/discount-codes")


def test_an_unknown_setting_is_404(site):
    site.admin()

    for path in ("/admin/shipping-methods/" + "a" * 24 + "/edit", "/admin/tax-rates/" + "a" * 24 + "/edit",
                 "/admin/discount-codes/nope/edit"):
        assert site.get(path).status_code == 404


@pytest.mark.parametrize("path, typed", [
    ("/admin/shipping-methods/new", METHOD_FORM), ("/admin/tax-rates/new", RATE_FORM),
    ("/admin/discount-codes/new", CODE_FORM),
])
def test_a_form_without_its_csrf_token_saves_nothing_and_keeps_what_was_typed(csrf_app, path, typed):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "admin@example.com", "password": "admin-password-1",
                                "csrf_token": csrf_token(login_page)})
    db = csrf_app.extensions["mongo_db"]

    forged = client.post(path, data=typed)
    token = csrf_token(client.get(path).get_data(as_text=True))
    sent = client.post(path, data=dict(typed, csrf_token=token))

    assert forged.status_code == 400 and "nothing was saved" in forged.get_data(as_text=True)
    assert sent.status_code == 302
    assert sum(db[name].count_documents({}) for name in ("shipping_methods", "tax_rates", "discount_codes")) == 1


def test_a_delete_without_its_csrf_token_deletes_nothing(csrf_app):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "admin@example.com", "password": "admin-password-1",
                                "csrf_token": csrf_token(login_page)})
    db = csrf_app.extensions["mongo_db"]
    db.tax_rates.insert_one({"country": "DE", "rate_bp": 1900})
    rate_id = str(db.tax_rates.find_one()["_id"])

    assert client.post(f"/admin/tax-rates/{rate_id}/delete").status_code == 400
    assert db.tax_rates.count_documents({}) == 1


def test_the_settings_pages_fit_a_phone(site, admin):
    admin.post("/shipping-methods", json={"name": "Standard", "countries": ["US"], "price": 495})
    admin.post("/discount-codes", json={"code": "FIVE", "kind": "percent", "value": 500})
    site.admin()

    for path in ("/admin/shipping-methods", "/admin/discount-codes", "/admin/tax-rates"):
        html = site.text(path)
        # Stacked on a narrow screen: each cell with its label, as the product list does.
        assert '<table class="lines stack">' in html
        assert 'style="' not in html and "<style" not in html
