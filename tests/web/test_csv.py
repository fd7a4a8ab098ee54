"""The back office's CSV export and import, through HTTP: one row per variant, keyed by
SKU; a dry run that lists every row's errors and writes nothing; a confirm that
applies it with the catalogue's services, stock as a target through the ledger."""
import csv
import html as html_text
import io
import re

import pytest
from werkzeug.security import generate_password_hash

from shop.auth.repository import UserRepository
from shop.clock import utcnow
from shop.products.csv_file import COLUMNS
from tests.conftest import CHEAP_SCRYPT
from tests.invariants import assert_holds, stored_state
from tests.web.image_files import multipart
from tests.web.site_helpers import Site, csrf_token


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def to_csv(rows, columns=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue()


def row(sku, **cells):
    return {"sku": sku, **cells}


def export(site):
    response = site.get("/admin/products/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    return response.get_data(as_text=True)


def upload(site, data, filename="products.csv", **fields):
    data = data.encode("utf-8") if isinstance(data, str) else data
    body, content_type = multipart(fields, data, filename, "text/csv")
    return site.client.post("/admin/products/import", data=body, content_type=content_type)


def confirm(site, checked):
    html = checked.get_data(as_text=True)
    upload_id = re.search(r'id="upload_id" name="upload_id" type="hidden" value="([0-9a-f]{24})"', html).group(1)
    return site.post("/admin/products/import/confirm", {"upload_id": upload_id})


def imported(site, data):
    checked = upload(site, data)
    assert checked.status_code == 200 and not errors(checked), errors(checked)
    applied = confirm(site, checked)
    assert applied.status_code == 200
    assert "The import is applied" in applied.get_data(as_text=True)
    assert 'id="failures"' not in applied.get_data(as_text=True)
    return applied


def errors(response):
    html = response.get_data(as_text=True)
    table = re.search(r'<table class="lines stack" id="errors">(.*?)</table>', html, re.S)
    if not table:
        return []
    cells = re.findall(r'<td data-label="Row">(\d+)</td><td data-label="Column">(.*?)</td>'
                       r'<td data-label="Problem">(.*?)</td>', table.group(1))
    return [(int(number), html_text.unescape(column), html_text.unescape(message)) for number, column, message in cells]


def summary(response):
    html = response.get_data(as_text=True)
    return {name: int(re.search(rf'<span class="count" id="{name}">(\d+)</span>', html).group(1))
            for name in ("created", "added", "updated", "stock-corrections", "unchanged")}


def file_error(response):
    match = re.search(r'<ul class="errors" id="file-error"><li>(.*?)</li>', response.get_data(as_text=True), re.S)
    return html_text.unescape(match.group(1)) if match else None


def corrections(db, sku):
    return [(m["delta"], m["stock_after"], m["note"]) for m in
            db.stock_movements.find({"sku": sku, "reason": "correction"}, sort=[("seq", 1)])]


@pytest.fixture
def catalogue(admin, add_product):
    """A clock without options (in a category) and a tee in two sizes, one archived."""
    clocks = admin.post("/categories", json={"name": "Clocks"}).get_json()
    gifts = admin.post("/categories", json={"name": "Gifts"}).get_json()
    clock = add_product("RETRO-CLOCK", name="Retro Clock", stock=10, price=3450,
                        description="Ticks.\nLoudly, in Zürich — 山田.", category_ids=[clocks["id"], gifts["id"]])
    tee = admin.post("/products", json={
        "name": "Linen Tee", "price": 2000, "currency": "EUR", "description": "-20% for @friends",
        "options": [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Colour", "values": ["Sand"]}],
        "variants": [{"sku": "TEE-S-SAND", "options": {"Size": "S", "Colour": "Sand"}, "stock": 3},
                     {"sku": "TEE-M-SAND", "options": {"Size": "M", "Colour": "Sand"}, "price": 2200}],
    }).get_json()
    admin.patch(f"/products/{tee['id']}/variants/{tee['variants'][1]['id']}", json={"active": False})
    return {"clock": clock, "tee": tee}


# Export ----------------------------------------------------------------------


def test_the_export_has_the_documented_columns_and_one_row_per_variant(site, catalogue):
    site.admin()

    text = export(site)

    assert text.splitlines()[0] == ",".join(f'"{column}"' for column in COLUMNS)
    rows = read_csv(text)
    assert [r["sku"] for r in rows] == ["RETRO-CLOCK", "TEE-S-SAND", "TEE-M-SAND"]
    assert rows[0] == dict(dict.fromkeys(COLUMNS, ""), slug="retro-clock", name="Retro Clock",
                           description="Ticks.\nLoudly, in Zürich — 山田.", currency="USD", product_active="true",
                           categories="clocks|gifts", sku="RETRO-CLOCK", price="34.50", stock="10",
                           variant_active="true")
    assert rows[2] == dict(dict.fromkeys(COLUMNS, ""), slug="linen-tee", name="Linen Tee",
                           description="'-20% for @friends", currency="EUR", product_active="true", sku="TEE-M-SAND",
                           option1_name="Size", option1_value="M", option2_name="Colour", option2_value="Sand",
                           price="22.00", stock="0", variant_active="false")


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab",
                                  "\rReturn", "'quoted", "''twice"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted_and_read_back_as_written(site, add_product, db, text):
    add_product("LAMP-DESK", name="Desk Lamp", description=text)
    site.admin()

    exported = export(site)

    cell = read_csv(exported)[0]["description"]
    assert cell == "'" + text
    assert summary(upload(site, exported))["unchanged"] == 1
    assert db.products.find_one()["description"] == text


def test_a_formula_typed_into_a_file_is_stored_as_text_and_exported_quoted(site, db):
    site.admin()

    imported(site, to_csv([row("EVIL-1", name="=1+2", description="@cmd", price="1.00")]))

    assert db.products.find_one()["name"] == "=1+2"
    exported = read_csv(export(site))[0]
    assert (exported["name"], exported["description"]) == ("'=1+2", "'@cmd")


# Round trip ------------------------------------------------------------------


def test_an_exported_file_imports_back_as_nothing_to_change(site, catalogue, db):
    site.admin()
    exported = export(site)
    before = stored_state(db)

    checked = upload(site, exported)

    assert checked.status_code == 200, errors(checked)
    assert summary(checked) == {"created": 0, "added": 0, "updated": 0, "stock-corrections": 0, "unchanged": 3}
    assert "Nothing to change" in checked.get_data(as_text=True)
    assert 'id="upload_id"' not in checked.get_data(as_text=True)
    assert stored_state(db) == before


def test_an_export_with_a_byte_order_mark_and_edited_in_place_imports(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["price"] = "36.00"

    imported(site, b"\xef\xbb\xbf" + to_csv(rows).encode("utf-8"))

    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["price"] == 3600


# Creating, updating, adding --------------------------------------------------


def test_a_new_sku_without_options_creates_a_product_whose_stock_is_one_correction(site, db):
    site.admin()
    text = to_csv([row("LAMP-DESK", name="Brass Desk Lamp", description="Warm light.", price="89.00", stock="8",
                       currency="GBP", categories="")])

    checked = upload(site, text)
    assert summary(checked) == {"created": 1, "added": 0, "updated": 0, "stock-corrections": 1, "unchanged": 0}
    confirm(site, checked)

    product, variant = db.products.find_one(), db.variants.find_one()
    assert (product["name"], product["slug"], product["currency"], product["active"]) == \
           ("Brass Desk Lamp", "brass-desk-lamp", "GBP", True)
    assert variant["_id"] == product["_id"] and (variant["price"], variant["stock"]) == (8900, 8)
    assert corrections(db, "LAMP-DESK") == [(8, 8, "CSV import")]
    assert db.stock_movements.count_documents({}) == 1  # no "initial" entry: the import's stock is a correction
    assert_holds(db)


def test_rows_sharing_a_slug_with_options_make_one_product_with_every_variant(site, db, catalogue):
    site.admin()
    text = to_csv([
        row("MUG-S-RED", slug="enamel-mug", name="Enamel Mug", price="12.00", stock="4", categories="gifts",
            option1_name="Size", option1_value="S", option2_name="Colour", option2_value="Red"),
        row("MUG-L-RED", slug="enamel-mug", price="14.50",
            option1_name="Size", option1_value="L", option2_name="Colour", option2_value="Red"),
        row("MUG-S-BLUE", slug="enamel-mug", name="Enamel Mug", stock="0",
            option1_name="Size", option1_value="S", option2_name="Colour", option2_value="Blue"),
    ])

    checked = upload(site, text)
    assert summary(checked) == {"created": 1, "added": 0, "updated": 0, "stock-corrections": 1, "unchanged": 0}
    assert "a variant of Enamel Mug" in checked.get_data(as_text=True)
    confirm(site, checked)

    mug = db.products.find_one({"slug": "enamel-mug"})
    assert mug["options"] == [{"name": "Size", "values": ["S", "L"]}, {"name": "Colour", "values": ["Red", "Blue"]}]
    assert mug["category_ids"] == [db.categories.find_one({"slug": "gifts"})["_id"].__str__()]
    variants = {v["sku"]: (v["price"], v["stock"]) for v in db.variants.find({"product_id": mug["_id"]})}
    assert variants == {"MUG-S-RED": (1200, 4), "MUG-L-RED": (1450, 0), "MUG-S-BLUE": (1200, 0)}
    assert corrections(db, "MUG-S-RED") == [(4, 4, "CSV import")] and corrections(db, "MUG-L-RED") == []


def test_a_known_sku_updates_its_variant_and_its_product(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[1].update(name="Linen T-Shirt", description="Soft.", product_active="false", price="21.00",
                   categories="gifts")
    rows[2].update(variant_active="true", name="", description="", product_active="", categories="")  # as row 2's

    checked = upload(site, to_csv(rows))
    assert errors(checked) == []
    assert summary(checked) == {"created": 0, "added": 0, "updated": 3, "stock-corrections": 0, "unchanged": 1}
    confirm(site, checked)

    tee = db.products.find_one({"_id": db.variants.find_one({"sku": "TEE-S-SAND"})["product_id"]})
    assert (tee["name"], tee["description"], tee["active"], tee["slug"]) == (
        "Linen T-Shirt", "Soft.", False, "linen-tee")
    assert tee["category_ids"] == [str(db.categories.find_one({"slug": "gifts"})["_id"])]
    assert db.variants.find_one({"sku": "TEE-S-SAND"})["price"] == 2100
    assert db.variants.find_one({"sku": "TEE-M-SAND"})["active"] is True
    assert db.stock_movements.count_documents({"reason": "correction"}) == 0


def test_empty_cells_change_nothing(site, catalogue, db):
    site.admin()
    before = stored_state(db)

    checked = upload(site, to_csv([row("RETRO-CLOCK"), row("TEE-M-SAND", option1_name="Size", option1_value="M",
                                                           option2_name="Colour", option2_value="Sand")]))

    assert summary(checked)["unchanged"] == 2 and errors(checked) == []
    assert stored_state(db) == before


def test_a_new_sku_with_the_slug_of_a_product_with_options_adds_a_variant_and_its_new_value(site, catalogue, db):
    site.admin()
    text = to_csv([row("TEE-XL-SAND", slug="linen-tee", price="24.00", stock="6", option1_name="Size",
                       option1_value="XL", option2_name="Colour", option2_value="Sand")])

    checked = upload(site, text)
    assert summary(checked) == {"created": 0, "added": 1, "updated": 1, "stock-corrections": 1, "unchanged": 0}
    confirm(site, checked)

    tee = db.products.find_one({"slug": "linen-tee"})
    assert tee["options"][0] == {"name": "Size", "values": ["S", "M", "L", "XL"]}
    added = db.variants.find_one({"sku": "TEE-XL-SAND"})
    assert added["product_id"] == tee["_id"] and (added["price"], added["stock"]) == (2400, 6)
    assert corrections(db, "TEE-XL-SAND") == [(6, 6, "CSV import")]
    assert_holds(db)


# Stock -----------------------------------------------------------------------


def test_stock_is_a_target_and_each_difference_is_one_correction_with_its_exact_delta(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["stock"] = "4"  # 10 -> 4
    rows[1]["stock"] = "15"  # 3 -> 15
    # rows[2] keeps 0: no entry

    checked = upload(site, to_csv(rows))
    assert summary(checked)["stock-corrections"] == 2
    assert "stock 10 → 4 (-6, correction)" in checked.get_data(as_text=True)
    confirm(site, checked)

    assert corrections(db, "RETRO-CLOCK") == [(-6, 4, "CSV import")]
    assert corrections(db, "TEE-S-SAND") == [(12, 15, "CSV import")]
    assert corrections(db, "TEE-M-SAND") == []
    assert db.stock_movements.find_one({"sku": "RETRO-CLOCK", "reason": "correction"})["actor_id"] is not None
    assert_holds(db)


def test_importing_the_same_file_again_changes_nothing(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["stock"] = "7"
    rows.append(row("LAMP-DESK", name="Desk Lamp", price="10.00", stock="2"))
    imported(site, to_csv(rows))
    after = stored_state(db)

    again = upload(site, to_csv(rows))

    assert summary(again) == {"created": 0, "added": 0, "updated": 0, "stock-corrections": 0, "unchanged": 4}
    assert stored_state(db) == after


def test_a_sale_between_the_check_and_the_confirm_still_ends_at_the_target(site, other_site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["stock"] = "20"
    checked = upload(site, to_csv(rows))
    other_site.shopper("bo@example.com")
    other_site.buy(catalogue["clock"], 3)

    confirm(site, checked)

    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 20
    assert corrections(db, "RETRO-CLOCK") == [(13, 20, "CSV import")]
    assert_holds(db)


# The dry run and the confirm ---------------------------------------------------


def test_the_dry_run_writes_nothing_to_the_catalogue(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0].update(price="99.00", stock="1", name="Renamed")
    rows.append(row("LAMP-DESK", name="Desk Lamp", price="10.00", stock="2"))
    before = stored_state(db)

    checked = upload(site, to_csv(rows))

    assert checked.status_code == 200
    assert summary(checked) == {"created": 1, "added": 0, "updated": 2, "stock-corrections": 2, "unchanged": 2}
    assert "Checked: nothing is written yet" in checked.get_data(as_text=True)
    assert stored_state(db) == before


def test_a_checked_file_is_applied_once(site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["stock"] = "11"
    checked = upload(site, to_csv(rows))
    confirm(site, checked)

    again = confirm(site, checked)

    assert again.status_code == 409
    assert "applied already" in again.get_data(as_text=True)
    assert corrections(db, "RETRO-CLOCK") == [(1, 11, "CSV import")]


def test_another_admins_checked_file_cannot_be_confirmed(site, other_site, catalogue, db):
    site.admin()
    rows = read_csv(export(site))
    rows[0]["stock"] = "11"
    checked = upload(site, to_csv(rows))
    UserRepository(db).add("second@example.com", "Second Admin", "admin",
                           generate_password_hash("second-password-1", method=CHEAP_SCRYPT), utcnow())
    assert other_site.login("second@example.com", "second-password-1").status_code == 302

    response = confirm(other_site, checked)

    assert response.status_code == 409
    assert db.variants.find_one({"sku": "RETRO-CLOCK"})["stock"] == 10


def test_a_file_that_no_longer_fits_the_catalogue_at_the_confirm_applies_nothing(site, admin, catalogue, db):
    site.admin()
    text = to_csv([row("LAMP-DESK", name="Desk Lamp", price="10.00", stock="2", categories="gifts"),
                   row("RETRO-CLOCK", stock="3")])
    checked = upload(site, text)
    gifts = db.categories.find_one({"slug": "gifts"})
    admin.patch(f"/products/{catalogue['clock']['id']}", json={"category_ids": []})
    assert admin.delete(f"/categories/{gifts['_id']}").status_code == 204
    before = stored_state(db)

    response = confirm(site, checked)

    assert response.status_code == 422
    assert "The catalogue changed since the check" in response.get_data(as_text=True)
    assert errors(response) == [(2, "categories", "No category has the slug gifts: create it first, or leave it out.")]
    assert stored_state(db) == before


# Errors --------------------------------------------------------------------------


def test_every_row_error_is_listed_with_its_row_and_column_and_nothing_is_written(site, catalogue, db):
    site.admin()
    tee = {"option1_name": "Size", "option2_name": "Colour", "option2_value": "Sand"}
    text = to_csv([
        row("bad sku!", name="Broken", price="1.00"),                                     # 2
        row("LAMP-1", name="Lamp", price="12.345"),                                       # 3
        row("LAMP-2", name="Lamp Two", price="1.00", stock="-1"),                         # 4
        row("LAMP-3", name="Lamp Three", price="1.00", product_active="maybe"),           # 5
        row("LAMP-4", name="Lamp Four", price="1.00", currency="XYZ"),                    # 6
        row("LAMP-5", name="Lamp Five", price="1.00", categories="clocks|nowhere"),      # 7
        row("RETRO-CLOCK", stock="2"),                                                    # 8
        row("RETRO-CLOCK", stock="3"),                                                    # 9
        row("TEE-S-SAND", currency="USD", option1_value="S", **tee),                     # 10
        row("TEE-M-SAND", option1_value="L", **tee),                                      # 11
        row("LAMP-6", price="1.00", slug="lamp-six"),                                     # 12
        row("LAMP-7", name="Lamp Seven", price="1.00", option1_name="Size"),              # 13
        row("LAMP-8", slug="retro-clock", price="1.00"),                                  # 14
        row("LAMP-9", slug="lamp-nine", name="Lamp Nine", price="1.00"),                  # 15
        row("LAMP-10", slug="lamp-nine", price="1.00"),                                   # 16
        row("TEE-L-SAND", slug="linen-tee", option1_value="S", **tee),                    # 17
        row("LAMP-11", name="Lamp Eleven", price="1.00", variant_active="yes"),           # 18
        row("LAMP-12", name="x" * 201, price="1.00"),                                     # 19
        row("LAMP-13", name="Lamp 13", slug="Not A Slug", price="1.00"),                  # 20
        row("LAMP-14", name="Lamp Fourteen"),                                             # 21
        row("", name="No SKU", price="1.00"),                                             # 22
        row("RETRO-CLOCK-2", slug="linen-tee", name="Linen Tee", price="1.00"),           # 23
    ])
    before = stored_state(db)

    checked = upload(site, text)

    assert checked.status_code == 422
    assert "Nothing was imported" in checked.get_data(as_text=True)
    assert errors(checked) == [
        (2, "sku", "Enter an SKU of up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."),
        (3, "price", "Type the amount so that it reads one way only: 1500 or 1,500.00 for fifteen hundred, "
                     "1.50 for one and a half."),
        (4, "stock", "Enter a stock level between 0 and 1000000000."),
        (5, "product_active", "Answer true or false for whether it is on sale."),
        (6, "currency", "Choose a currency by its three-letter code, such as USD or EUR."),
        (7, "categories", "No category has the slug nowhere: create it first, or leave it out."),
        (9, "sku", "This SKU is on row 8 too: give each variant one row."),
        (10, "currency", "A product's currency does not change: this one's is EUR."),
        (11, "option1_value", "A variant's options do not change: TEE-M-SAND is Size M / Colour Sand."),
        (12, "name", "Enter a name."),
        (13, "option1_value", "Enter both the option's name and its value, or neither."),
        (14, "sku", "Retro Clock has no options, so it has one variant only (RETRO-CLOCK): "
                    "give this row another slug to make a new product."),
        (16, "option1_name", "Row 15 makes a product without options, which has one variant only: "
                             "give its rows options, or this row another slug."),
        (17, "option1_value", "Variant TEE-S-SAND of this product has these options."),
        (18, "variant_active", "Answer true or false for whether it is on sale."),
        (19, "name", "Enter a name of 1 to 200 characters."),
        (20, "slug", "Lower-case letters, digits and single dashes."),
        (21, "price", "Enter a price."),
        (22, "sku", "Enter an SKU."),
        (23, "option1_name", "Choose one value of each option: Size (S, M, L); Colour (Sand)."),
    ]
    assert stored_state(db) == before
    assert 'id="upload_id"' not in checked.get_data(as_text=True)


def test_a_known_sku_cannot_take_the_slug_of_another_product(site, catalogue, db):
    site.admin()
    before = stored_state(db)

    checked = upload(site, to_csv([row("RETRO-CLOCK", slug="linen-tee")]))

    assert errors(checked) == [(2, "slug", "Another product has this slug: give this product another one.")]
    assert stored_state(db) == before


def test_a_row_with_refused_cells_is_still_grouped_and_planned_without_them(site, catalogue, db):
    site.admin()

    checked = upload(site, to_csv([row("RETRO-CLOCK", stock="x", price="1.00", variant_active="maybe"),
                                   row("NEW-1", name="New", price="1.00", stock="many")]))

    assert errors(checked) == [(2, "stock", "Enter a stock level as a whole number between 0 and 1000000000."),
                               (2, "variant_active", "Answer true or false for whether it is on sale."),
                               (3, "stock", "Enter a stock level as a whole number between 0 and 1000000000.")]
    assert db.products.count_documents({}) == 2


def test_a_row_with_a_cell_too_many_or_too_few_is_an_error_of_that_row(site, db):
    site.admin()
    header = ",".join(COLUMNS)
    good = to_csv([row("LAMP-1", name="Lamp", price="1.00")]).splitlines()[1]

    short = good.replace("LAMP-1", "LAMP-2").rsplit(",", 1)[0]

    checked = upload(site, "\r\n".join([header, good + ',"extra"', short, ""]))

    assert [(number, column) for number, column, _ in errors(checked)] == [(2, "(the row)"), (3, "(the row)")]
    assert "one cell per column" in errors(checked)[0][2]
    assert db.products.count_documents({}) == 0


@pytest.mark.parametrize("data, message", [
    ("slug,name\r\nx,y\r\n".encode(), "these columns are missing: description, currency"),
    ((",".join(COLUMNS) + ",colour\r\n").encode(), "these columns are not ones the shop knows: colour"),
    ((",".join(COLUMNS) + ",sku\r\n").encode(), "these columns come twice: sku"),
    (b"", "The file is empty"),
    ((",".join(COLUMNS) + "\r\n\"LAMP,Lamp\r\n").encode(), "cannot be read as CSV"),
    ("name\r\nCaf\xe9\r\n".encode("latin-1"), "This file is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "This file is not UTF-8 text"),
    (b"GIF89a\x00\x00", "This is not a CSV file"),
])
def test_a_file_that_is_not_a_utf8_csv_with_the_shops_columns_is_refused_with_a_clear_message(site, db, data,
                                                                                                  message):
    site.admin()
    before = stored_state(db)

    response = upload(site, data)

    assert response.status_code == 422
    assert message in file_error(response)
    assert stored_state(db) == before


def test_a_file_with_too_many_rows_is_refused(site, db):
    site.admin()
    rows = [row(f"LAMP-{n}", name=f"Lamp {n}", price="1.00") for n in range(5001)]

    response = upload(site, to_csv(rows))

    assert response.status_code == 422
    assert file_error(response) == "The file has more than 5000 rows: split it into smaller files."
    assert db.products.count_documents({}) == 0


def test_a_file_over_two_mebibytes_is_refused(site, db):
    site.admin()
    text = to_csv([row("LAMP-1", name="Lamp", price="1.00", description="x" * (2 * 1024 * 1024))])

    response = upload(site, text)

    assert response.status_code == 422
    assert file_error(response) == "The file is larger than 2 MiB: split it into smaller files."


def test_a_body_far_over_the_limit_is_a_413_before_it_is_read(site, db):
    site.admin()

    response = upload(site, b"x" * (3 * 1024 * 1024))

    assert response.status_code == 413
    assert "larger than 2.06 MiB" in response.get_data(as_text=True)


def test_an_upload_without_a_file_asks_for_one(site):
    site.admin()

    response = site.client.post("/admin/products/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert file_error(response) == "Choose a CSV file to upload."


# Who may ---------------------------------------------------------------------------


PAGES = [("GET", "/admin/products/export.csv"), ("GET", "/admin/products/import"),
         ("POST", "/admin/products/import"), ("POST", "/admin/products/import/confirm")]


@pytest.mark.parametrize("method, path", PAGES)
def test_a_visitor_is_sent_to_log_in(site, method, path):
    response = site.client.open(path, method=method)

    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method, path", PAGES)
def test_a_shopper_gets_403(site, method, path, catalogue):
    site.shopper()

    body, content_type = multipart({}, b"x", "p.csv", "text/csv")
    response = site.client.open(path, method=method, data=body, content_type=content_type)

    assert response.status_code == 403
    assert "RETRO-CLOCK" not in response.get_data(as_text=True)


def test_the_products_page_links_to_the_export_and_the_import(site):
    site.admin()

    html = site.text("/admin/products")

    assert 'href="/admin/products/export.csv"' in html and 'href="/admin/products/import"' in html


# With CSRF on, as it runs for real ---------------------------------------------------------


def test_an_upload_past_the_apps_one_mebibyte_limit_passes_the_csrf_check_and_imports(csrf_app):
    browser = Site(csrf_app.test_client())
    token = csrf_token(browser.text("/login"))
    assert browser.post("/login", {"email": "admin@example.com", "password": "admin-password-1",
                                   "csrf_token": token}).status_code == 302
    token = csrf_token(browser.text("/admin/products/import"))
    text = to_csv([row(f"LAMP-{p}-{v}", slug=f"lamp-{p}", name=f"Lamp {p}", price="1.00", stock="2",
                       description="Long. " * 800, option1_name="Number", option1_value=str(v))
                   for p in range(3) for v in range(80)])  # a description repeated on each row, as exported
    assert 1024 * 1024 < len(text) < 2 * 1024 * 1024
    checked = upload(browser, text, csrf_token=token)

    assert checked.status_code == 200, checked.get_data(as_text=True)[:2000]
    page = checked.get_data(as_text=True)
    upload_id = re.search(r'name="upload_id" type="hidden" value="([0-9a-f]{24})"', page).group(1)
    applied = browser.post("/admin/products/import/confirm", {"upload_id": upload_id, "csrf_token": csrf_token(page)})
    assert applied.status_code == 200
    db = csrf_app.extensions["mongo_db"]
    assert db.products.count_documents({}) == 3 and db.variants.count_documents({"stock": 2}) == 240
