"""Money and percents typed by a person in the back office: every money field, the catalogue's
price filter, the refund form and the CSV import read an amount as the person means it (`7,95`
is 7.95, `1.234,50` is 1234.50), refuse one that reads two ways with how to type it, and say
their bounds in what was typed; tax rates and percent codes are typed as percents. The JSON
API keeps its integers and says its bounds in them."""
import re
from dataclasses import dataclass
from html import unescape
from typing import Callable

import pytest

from shop.money import AMBIGUOUS, NOT_A_PERCENT
from tests.conftest import ADDRESS, GOOD_CARD, assert_error
from tests.web.site_helpers import field_errors, input_value
from tests.web.test_csv import confirm, errors, row, to_csv, upload

NEW_PRODUCT = {"sku": "LAMP-DESK", "name": "Brass Desk Lamp", "currency": "USD", "stock": "8", "active": "y"}
METHOD_FORM = {"name": "Standard", "countries": "us", "price": "4.95", "currency": "USD", "free_over": "",
               "active": "y"}
CODE_FORM = {"code": "SAVE", "kind": "fixed", "value": "5", "currency": "USD", "min_subtotal": "", "active": "y"}
PERCENT_CODE_FORM = dict(CODE_FORM, kind="percent", value="10", currency="")


@dataclass
class Shop:
    site: object  # an admin's browser
    buyer: object  # a shopper's
    admin: object  # the admin's API client
    add_product: Callable
    db: object


@pytest.fixture
def shop(site, other_site, admin, add_product, db):
    site.admin()
    return Shop(site, other_site, admin, add_product, db)


def errors_next_to(html, name):
    """The messages under a field, whether its id is its name or made its row's own
    (`price-<variant id>` on the variants table)."""
    found = re.search(rf'<ul class="errors" id="({name}(?:-[0-9a-f]{{24}})?)-error">', html)
    return field_errors(html, found.group(1)) if found else []


def stored_product_price(shop):
    items = shop.admin.get("/products").get_json()["items"]
    return next((item["price"] for item in items if item["sku"] == "LAMP-DESK"), None)


def new_product(shop, typed, meant=None):
    return shop.site.post("/admin/products/new", dict(NEW_PRODUCT, price=typed)), lambda: stored_product_price(shop)


def edited_product(shop, typed, meant=None):
    product = shop.add_product("LAMP-DESK", price=100)
    response = shop.site.post(f"/admin/products/{product['id']}/edit", {"name": "Brass Desk Lamp", "price": typed,
                                                                        "active": "y"})
    return response, lambda: shop.admin.get(f"/products/{product['id']}").get_json()["price"]


def tee(shop):
    response = shop.admin.post("/products", json={"name": "Tee", "slug": "tee", "price": 100, "options": [
        {"name": "Size", "values": ["S", "M"]}], "variants": [{"sku": "TEE-S", "options": {"Size": "S"}}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def variant_price(shop, product_id, sku):
    variants = shop.admin.get(f"/products/{product_id}").get_json()["variants"]
    return next((variant["price"] for variant in variants if variant["sku"] == sku), None)


def edited_variant(shop, typed, meant=None):
    product = tee(shop)
    variant = product["variants"][0]
    response = shop.site.post(f"/admin/products/{product['id']}/variants/{variant['id']}",
                              {"sku": "TEE-S", "price": typed, "active": "y"})
    return response, lambda: variant_price(shop, product["id"], "TEE-S")


def new_variant(shop, typed, meant=None):
    product = tee(shop)
    response = shop.site.post(f"/admin/products/{product['id']}/variants", {"o0": "M", "sku": "TEE-M", "price": typed,
                                                                            "stock": "0"})
    return response, lambda: variant_price(shop, product["id"], "TEE-M")


def stored(shop, collection, name):
    return (shop.db[collection].find_one() or {}).get(name)


def shipping(field):
    def submit(shop, typed, meant=None):
        response = shop.site.post("/admin/shipping-methods/new", dict(METHOD_FORM, **{field: typed}))
        return response, lambda: stored(shop, "shipping_methods", field)
    return submit


def discount(field):
    def submit(shop, typed, meant=None):
        response = shop.site.post("/admin/discount-codes/new", dict(CODE_FORM, **{field: typed}))
        return response, lambda: stored(shop, "discount_codes", field)
    return submit


def refund(shop, typed, meant=None):
    """A paid order of 3 x 500.00; the amount typed is refunded after its confirmation."""
    product = shop.add_product("URN-BRASS", price=50000, stock=5)
    path = shop.buyer.shopper().buy(product, 3)
    shop.buyer.post(f"{path}/pay", {name: str(value) for name, value in GOOD_CARD.items()})
    order_path = f"/admin/orders/{path.rsplit('/', 1)[1]}/refund"
    fields = dict(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', shop.site.text(order_path)))
    fields.update({"lines-0-quantity": "0", "amount": typed, "reason": ""})
    review = shop.site.post(order_path, fields)
    if review.status_code == 200:
        assert shop.site.post(order_path, dict(fields, confirmed="yes")).status_code == 302
    return review, lambda: shop.db.orders.find_one()["payment"].get("refunded_amount") or None


def catalogue_filter(field):
    """A product at the amount meant and one a minor unit beside it: the filter keeps the
    first and drops the second when it read what was meant."""
    def submit(shop, typed, meant):
        at = meant or 150000
        shop.add_product("AT-IT", name="Right At It", price=at)
        shop.add_product("BESIDE-IT", name="Just Beside It", price=at - 1 if field == "min_price" else at + 1)
        response = shop.site.get("/products", query_string={field: typed})
        html = response.get_data(as_text=True)
        return response, lambda: at if "Right At It" in html and "Just Beside It" not in html else None
    return submit


# Each: how to type an amount into the field (returning the page's response and how to read
# what was stored, in minor units), and the field's name on the page.
MONEY_FIELDS = {
    "product price": (new_product, "price"),
    "product price, edited": (edited_product, "price"),
    "variant price": (edited_variant, "price"),
    "new variant price": (new_variant, "price"),
    "shipping price": (shipping("price"), "price"),
    "shipping free over": (shipping("free_over"), "free_over"),
    "fixed code value": (discount("value"), "value"),
    "code minimum subtotal": (discount("min_subtotal"), "min_subtotal"),
    "refund amount": (refund, "amount"),
    "catalogue min price": (catalogue_filter("min_price"), "min_price"),
    "catalogue max price": (catalogue_filter("max_price"), "max_price"),
}


@pytest.mark.parametrize("typed, minor_units", [("7,95", 795), ("7.95", 795), ("0,5", 50), ("1.234,50", 123450),
                                                ("1,234.50", 123450)])
@pytest.mark.parametrize("case", MONEY_FIELDS)
def test_every_money_field_reads_an_amount_as_the_person_means_it(shop, case, typed, minor_units):
    submit, field = MONEY_FIELDS[case]

    response, stored_amount = submit(shop, typed, minor_units)

    assert response.status_code in (200, 302), errors_next_to(response.get_data(as_text=True), field)
    assert stored_amount() == minor_units


@pytest.mark.parametrize("typed", ["1,500", "1.500", "1,5,0"])
@pytest.mark.parametrize("case", MONEY_FIELDS)
def test_every_money_field_refuses_an_amount_that_reads_two_ways_with_how_to_type_it(shop, case, typed):
    submit, field = MONEY_FIELDS[case]

    response, stored_amount = submit(shop, typed, None)

    html = response.get_data(as_text=True)
    assert response.status_code == (200 if case.startswith("catalogue") else 422)
    assert errors_next_to(html, field) == [AMBIGUOUS]
    assert f'value="{typed}"' in html  # kept as typed, to correct
    assert stored_amount() in (None, 100)  # nothing, or what was there before (100: the edited ones')


@pytest.mark.parametrize("case, typed, message", [
    ("product price", "100,000,000.01", "Enter a price between 0.00 and 100000000.00."),
    ("variant price", "100,000,000.01", "Enter a price between 0.00 and 100000000.00."),
    ("shipping price", "100,000,000.01", "Enter a price between 0.00 and 100000000.00."),
    ("code minimum subtotal", "100,000,000.01", "Enter a minimum subtotal between 0.00 and 100000000.00."),
    ("fixed code value", "0", "Enter a value between 0.01 and 100000000.00."),
    ("refund amount", "0", "Enter the amount of 0.01 or more."),
])
def test_a_money_field_says_its_bounds_in_amounts_as_typed_not_in_minor_units(shop, case, typed, message):
    submit, field = MONEY_FIELDS[case]

    response, _ = submit(shop, typed, None)

    assert response.status_code == 422
    assert errors_next_to(response.get_data(as_text=True), field) == [message]


@pytest.mark.parametrize("price, minor_units, shown", [("9,99", 999, "$9.99"), ("1.234,50", 123450, "$1,234.50"),
                                                       ("12", 1200, "$12.00")])
def test_a_csv_price_is_read_as_a_form_reads_it_and_the_dry_run_shows_each_new_products_price(shop, price,
                                                                                             minor_units, shown):
    text = to_csv([row("RETRO-CLOCK", name="Retro Clock", price=price, stock="3"),
                   row("TEE-S", name="Tee", price="20,00", option1_name="Size", option1_value="S"),
                   row("TEE-M", name="Tee", option1_name="Size", option1_value="M")])

    checked = upload(shop.site, text)
    html = checked.get_data(as_text=True)
    confirm(shop.site, checked)

    assert checked.status_code == 200 and not errors(checked)
    assert f"creates the product Retro Clock at {shown}" in html
    assert "creates the product Tee with 2 variants at $20.00" in html and "a variant of Tee at $20.00" in html
    stored = {item["name"]: item["price"] for item in shop.admin.get("/products").get_json()["items"]}
    assert stored == {"Retro Clock": minor_units, "Tee": 2000}


def test_a_csv_variant_added_to_a_product_shows_its_price_in_the_dry_run(shop):
    tee(shop)

    checked = upload(shop.site, to_csv([row("TEE-M", slug="tee", option1_name="Size", option1_value="M",
                                            price="4,5")]))

    assert "adds the variant TEE-M at $4.50" in checked.get_data(as_text=True)


@pytest.mark.parametrize("price", ["1,500", "1.500", "1,5,0"])
def test_a_csv_price_that_reads_two_ways_is_refused_on_its_row_with_how_to_type_it(shop, price):
    checked = upload(shop.site, to_csv([row("RETRO-CLOCK", name="Retro Clock", price=price)]))

    assert checked.status_code == 422
    assert errors(checked) == [(2, "price", AMBIGUOUS)]
    assert shop.db.products.count_documents({}) == 0


TAX_RATE = {"country": "DE"}


@pytest.mark.parametrize("typed, basis_points, shown", [("19", 1900, "19%"), ("19.5", 1950, "19.5%"),
                                                        ("19,5", 1950, "19.5%"), ("10%", 1000, "10%")])
def test_a_tax_rate_is_typed_as_a_percent(shop, typed, basis_points, shown):
    response = shop.site.post("/admin/tax-rates/new", dict(TAX_RATE, rate_bp=typed))

    assert response.status_code == 302
    rate = shop.db.tax_rates.find_one()
    assert rate["rate_bp"] == basis_points
    assert shown in shop.site.text("/admin/tax-rates")
    assert input_value(shop.site.text(f"/admin/tax-rates/{rate['_id']}/edit"), "rate_bp") == shown.rstrip("%")


@pytest.mark.parametrize("typed, basis_points, shown", [("10", 1000, "10% off"), ("12,5", 1250, "12.5% off"),
                                                        ("10%", 1000, "10% off")])
def test_a_percent_code_is_typed_as_a_percent(shop, typed, basis_points, shown):
    response = shop.site.post("/admin/discount-codes/new", dict(PERCENT_CODE_FORM, value=typed))

    assert response.status_code == 302
    code = shop.db.discount_codes.find_one()
    assert code["value"] == basis_points and shown in shop.site.text("/admin/discount-codes")
    assert input_value(shop.site.text(f"/admin/discount-codes/{code['_id']}/edit"), "value") == shown.split("%")[0]


@pytest.mark.parametrize("path, form, field, typed, message", [
    ("/admin/tax-rates/new", TAX_RATE, "rate_bp", "100.5", "Enter a rate between 0% and 100%."),
    ("/admin/tax-rates/new", TAX_RATE, "rate_bp", "19.555", NOT_A_PERCENT),
    ("/admin/tax-rates/new", TAX_RATE, "rate_bp", "1,500", NOT_A_PERCENT),
    ("/admin/discount-codes/new", PERCENT_CODE_FORM, "value", "150",
     "Enter a percent code's value between 0.01% and 100%."),
    ("/admin/discount-codes/new", PERCENT_CODE_FORM, "value", "0", "Enter a value between 0.01% and 100%."),
    ("/admin/discount-codes/new", PERCENT_CODE_FORM, "value", "ten", NOT_A_PERCENT),
])
def test_a_percent_out_of_its_range_is_told_in_percents(shop, path, form, field, typed, message):
    response = shop.site.post(path, dict(form, **{field: typed}))

    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), field) == [message]
    assert shop.db.tax_rates.count_documents({}) + shop.db.discount_codes.count_documents({}) == 0


@pytest.mark.parametrize("path, hint", [("/admin/tax-rates/new", "A percent, e.g. 19 or 19.5."),
                                        ("/admin/discount-codes/new", "A percent code's percent, e.g. 10 or 12.5")])
def test_a_percent_fields_hint_says_it_takes_a_percent(shop, path, hint):
    html = unescape(shop.site.text(path))

    assert hint in html and "basis points" not in html


@pytest.mark.parametrize("path, body, field, message", [
    ("/products", {"sku": "LAMP", "name": "Lamp", "price": -1}, "price",
     "Enter a price in minor units between 0 and 10000000000 (1250 is 12.50)."),
    ("/shipping-methods", {"name": "Standard", "countries": ["US"], "price": 10_000_000_001}, "price",
     "Enter a price in minor units between 0 and 10000000000 (1250 is 12.50)."),
    ("/discount-codes", {"code": "BIG", "kind": "percent", "value": 1000, "min_subtotal": -1}, "min_subtotal",
     "Enter a minimum subtotal in minor units between 0 and 10000000000 (1250 is 12.50)."),
    ("/tax-rates", {"country": "DE", "rate_bp": 10001}, "rate_bp",
     "Enter a rate in basis points between 0 and 10000 (1950 is 19.5%)."),
])
def test_the_api_says_a_bound_in_the_integers_it_takes(admin, path, body, field, message):
    details = assert_error(admin.post(path, json=body), 422, "validation_error")

    assert details == {field: [message]}


@pytest.mark.parametrize("amount, message", [
    (-5, "Enter the amount in minor units of 1 or more (1250 is 12.50)."),
    (0, "Enter the amount in minor units of 1 or more (1250 is 12.50)."),
    ("5", "Enter the amount in minor units as a whole number of 1 or more (1250 is 12.50)."),
])
def test_a_refund_of_a_bad_amount_is_told_the_amounts_own_rule_not_to_give_one(admin, shopper, add_product, amount,
                                                                                message):
    product = add_product("URN-BRASS", price=5000, stock=5)
    order = shopper.post("/orders", json={"items": [{"product_id": product["id"], "quantity": 1}],
                                          "shipping_address": ADDRESS}).get_json()
    assert shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD).status_code == 200

    details = assert_error(admin.post(f"/orders/{order['id']}/refunds", json={"amount": amount}), 422,
                           "validation_error")

    assert details == {"amount": [message]}
