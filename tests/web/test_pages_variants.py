"""Variants on the HTML site: the product page's option picker (a GET form, no
JavaScript), the cart and orders showing options, and the back office making,
editing, archiving and restocking variants."""
import html as html_text
import re

import pytest

TEE = {"name": "Field Tee", "price": 2000,
       "options": [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Colour", "values": ["Sand", "Slate"]}],
       "variants": [
           {"sku": "TEE-S-SAND", "options": {"Size": "S", "Colour": "Sand"}, "stock": 12},
           {"sku": "TEE-M-SAND", "options": {"Size": "M", "Colour": "Sand"}, "price": 2200, "stock": 3},
           {"sku": "TEE-L-SLATE", "options": {"Size": "L", "Colour": "Slate"}, "price": 2900, "stock": 0},
       ]}


@pytest.fixture
def tee(admin):
    response = admin.post("/products", json=TEE)
    assert response.status_code == 201, response.get_json()
    product = response.get_json()
    product["by_sku"] = {variant["sku"]: variant for variant in product["variants"]}
    return product


def page(site, product, **chosen):
    """The product page with options chosen in its query (o0 = Size, o1 = Colour)."""
    query = "&".join(f"{name}={value}" for name, value in chosen.items())
    return site.text(f"/products/{product['slug']}" + (f"?{query}" if query else ""))


def add_form(html):
    match = re.search(r'<form class="add-to-cart" method="post" action="/cart/items"[^>]*>(.*?)</form>', html, re.S)
    assert match, "no add-to-cart form on the page"
    return match.group(1)


def sent_by(html, choose=None, button="add"):
    """What a browser without JavaScript sends when the shopper picks `choose` ({label: value})
    in the add form's lists and presses `button`: every field of the form as the page wrote it."""
    form = add_form(html)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, options in re.findall(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', form, re.S):
        picked = (re.search(r'<option value="([^"]*)" selected>', options)
                  or re.search(r'<option value="([^"]*)"', options))
        fields[name] = picked.group(1)
    for label, value in (choose or {}).items():
        fields[re.search(rf'<label for="([^"]+)">{label}</label>', form).group(1)] = value
    return dict(fields, action=button)


def big_price(html):
    return re.search(r'<p class="price big">([^<]*)</p>', html).group(1).strip()


def add_button(html):
    return 'action="/cart/items"' in html and "Add to cart" in html


def test_the_option_lists_are_the_add_forms_own_a_select_per_option_and_no_script(site, tee):
    html = page(site, tee)

    form = add_form(html)
    assert re.findall(r'<select id="(o\d)" name="\1">', form) == ["o0", "o1"]
    assert 'name="variant_id"' not in form  # the variant is what the lists say, never the one shown at first
    assert not re.search(r"<script(?![^>]*application/ld\+json)", html)  # only data (JSON-LD), no code
    assert "Add to cart" in form and "Show this choice" in form


def test_the_chosen_variant_shows_its_price_sku_and_few_left(site, tee):
    html = page(site, tee, o0="M", o1="Sand")

    assert big_price(html) == "$22.00"
    assert "SKU TEE-M-SAND" in html
    assert "Only 3 left" in html
    assert add_button(html)
    assert re.search(r'<option value="M" selected>M</option>', add_form(html))


@pytest.mark.parametrize("size, colour, sku, price", [("M", "Sand", "TEE-M-SAND", 2200),
                                                       ("S", "Sand", "TEE-S-SAND", 2000),
                                                       ("S", "Slate", "TEE-S-SLATE", 2100)])
def test_adding_from_the_page_adds_the_options_chosen_in_its_lists_at_their_price(other_site, tee, admin, db, size,
                                                                                  colour, sku, price):
    admin.post(f"/products/{tee['id']}/variants",
               json={"sku": "TEE-S-SLATE", "options": {"Size": "S", "Colour": "Slate"}, "price": 2100, "stock": 4})
    shopper = other_site.shopper()
    shown = page(shopper, tee, o0="L", o1="Slate")  # the page shows another variant than the one chosen below

    added = shopper.post("/cart/items", sent_by(shown, {"Size": size, "Colour": colour, "Quantity": "2"}))

    assert added.status_code == 302, added.get_data(as_text=True)
    cart = shopper.text("/cart")
    assert f"Size {size} / Colour {colour}" in cart and f"${price * 2 / 100:.2f}" in cart
    [(variant_id, quantity)] = db.carts.find_one()["items"].items()
    assert (db.variants.find_one({"sku": sku})["_id"].__str__(), quantity) == (variant_id, 2)


@pytest.mark.parametrize("chosen, said", [
    ({"o0": "L", "o1": "Slate"}, "Size L / Colour Slate is sold out for now. Choose another combination."),
    ({"o0": "L", "o1": "Sand"}, "Size L / Colour Sand is not sold: choose another combination."),
    ({"o0": "XL", "o1": "Sand"}, "Choose one value of each option: Size (S, M, L); Colour (Sand, Slate)."),
    ({"o0": "M"}, "Choose one value of each option: Size (S, M, L); Colour (Sand, Slate)."),
])
def test_a_combination_sold_out_or_not_sold_is_refused_next_to_the_form_and_nothing_is_added(other_site, tee, db,
                                                                                           chosen, said):
    shopper = other_site.shopper()

    response = shopper.post("/cart/items", {"product_id": tee["id"], "quantity": "1", "action": "add", **chosen})

    assert response.status_code == 422
    form = add_form(response.get_data(as_text=True))
    assert said in html_text.unescape(form)
    assert re.search(rf'<option value="{chosen["o0"]}" selected>', form) or chosen["o0"] == "XL"
    assert db.carts.count_documents({"items": {"$ne": {}}}) == 0


def test_the_lists_win_over_a_variant_named_by_id_when_a_form_sends_both(other_site, tee, db):
    shopper = other_site.shopper()
    small = tee["by_sku"]["TEE-S-SAND"]

    shopper.post("/cart/items", {"product_id": tee["id"], "variant_id": small["id"], "o0": "M", "o1": "Sand",
                                 "quantity": "1", "action": "add"})

    assert list(db.carts.find_one()["items"]) == [tee["by_sku"]["TEE-M-SAND"]["id"]]


def test_show_this_choice_opens_the_page_of_the_options_chosen_and_adds_nothing(other_site, tee, db):
    shopper = other_site.shopper()

    shown = shopper.post("/cart/items", sent_by(page(shopper, tee), {"Size": "M"}, button="show"))

    assert shown.status_code == 302 and shown.headers["Location"] == f"/products/{tee['slug']}?o0=M&o1=Sand"
    html = shopper.text(shown.headers["Location"])
    assert big_price(html) == "$22.00" and "Only 3 left" in html
    assert db.carts.count_documents({"items": {"$ne": {}}}) == 0


def test_a_sold_out_variant_says_so_and_its_lists_still_offer_the_others(site, tee):
    html = page(site, tee, o0="L", o1="Slate")

    assert big_price(html) == "$29.00"
    assert "Sold out for now: Size L / Colour Slate." in html
    assert re.search(r'<option value="L" selected>L</option>', add_form(html))


def test_a_combination_that_does_not_exist_says_so(site, tee):
    html = page(site, tee, o0="L", o1="Sand")

    assert "This combination is not available" in html
    assert "SKU TEE-" not in html


def test_an_archived_variant_is_not_available_to_shoppers(site, tee, admin, db):
    admin.delete(f"/products/{tee['id']}/variants/{tee['by_sku']['TEE-M-SAND']['id']}")

    html = page(site, tee, o0="M", o1="Sand")
    added = site.post("/cart/items", sent_by(html))

    assert "This combination is not available" in html
    assert added.status_code == 422
    assert "Size M / Colour Sand is not sold" in added.get_data(as_text=True)
    assert db.carts.count_documents({"items": {"$ne": {}}}) == 0


@pytest.mark.parametrize("stock, added", [(2, True), (0, False)])
def test_a_product_without_options_is_added_by_its_page_form_while_in_stock(site, add_product, db, stock, added):
    lamp = add_product("LAMP", name="Desk Lamp", stock=stock)

    html = page(site, lamp)
    posted = site.post("/cart/items", {"product_id": lamp["id"], "quantity": "1", "action": "add"})

    assert ("<select" in html, add_button(html)) == (False, added)
    assert posted.status_code == (302 if added else 422)
    assert added or "This product is sold out for now." in posted.get_data(as_text=True)
    assert db.carts.count_documents({"items": {"$ne": {}}}) == int(added)


def test_adding_to_the_cart_carries_the_variant_and_the_cart_and_order_show_its_options(other_site, tee, db):
    shopper = other_site.shopper()
    medium = tee["by_sku"]["TEE-M-SAND"]

    added = shopper.post("/cart/items", {"product_id": tee["id"], "variant_id": medium["id"], "quantity": "2"})
    cart = shopper.text("/cart")
    placed = shopper.checkout()

    assert added.status_code == 302
    assert "Field Tee" in cart and "Size M / Colour Sand" in cart
    assert "$44.00" in cart
    assert placed.status_code == 302, placed.get_data(as_text=True)
    order_page = shopper.text(placed.headers["Location"])
    assert "Size M / Colour Sand" in order_page and "TEE-M-SAND" in order_page
    line = db.orders.find_one({"status": "placed"})["items"][0]
    assert (line["variant_id"], line["quantity"]) == (medium["id"], 2)
    assert db.variants.find_one({"sku": "TEE-M-SAND"})["stock"] == 1
    assert db.variants.find_one({"sku": "TEE-S-SAND"})["stock"] == 12


def test_adding_without_a_variant_of_a_product_with_several_is_refused_on_the_page(other_site, tee, db):
    shopper = other_site.shopper()

    response = shopper.post("/cart/items", {"product_id": tee["id"], "quantity": "1"})

    assert response.status_code == 422
    assert db.carts.count_documents({"items": {"$ne": {}}}) == 0


# The back office ----------------------------------------------------------------


def test_the_new_product_form_makes_a_variant_for_every_combination(site, db):
    site.admin()

    response = site.post("/admin/products/new", {
        "sku": "CAP", "name": "Wool Cap", "price": "15.00", "currency": "USD", "active": "y", "stock": "0",
        "options": "Size: S, M\nColour: Red, Blue"}, follow_redirects=True)

    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    skus = [v["sku"] for v in sorted(db.variants.find(), key=lambda v: v["position"])]
    assert skus == ["CAP-S-RED", "CAP-S-BLUE", "CAP-M-RED", "CAP-M-BLUE"]
    assert all(v["price"] == 1500 and v["stock"] == 0 for v in db.variants.find())
    assert "Variants of Wool Cap" in html
    assert all(sku in html for sku in skus)


def test_a_variants_price_sku_and_sale_are_edited_in_the_back_office(site, tee, db, anonymous):
    site.admin()
    medium = tee["by_sku"]["TEE-M-SAND"]

    response = site.post(f"/admin/products/{tee['id']}/variants/{medium['id']}",
                         {"sku": "TEE-M-SAND2", "price": "24.50", "active": "y"}, follow_redirects=True)

    assert response.status_code == 200
    assert "Variant TEE-M-SAND2 is saved." in response.get_data(as_text=True)
    stored = db.variants.find_one({"_id": db.variants.find_one({"sku": "TEE-M-SAND2"})["_id"]})
    assert (stored["price"], stored["active"], stored["stock"]) == (2450, True, 3)

    site.post(f"/admin/products/{tee['id']}/variants/{medium['id']}", {"sku": "TEE-M-SAND2", "price": "24.50"})
    assert db.variants.find_one({"sku": "TEE-M-SAND2"})["active"] is False
    seen = anonymous.get(f"/products/{tee['id']}").get_json()
    assert "TEE-M-SAND2" not in [v["sku"] for v in seen["variants"]]


def test_a_taken_sku_is_shown_on_the_variants_page_and_nothing_changes(site, tee, db):
    site.admin()
    medium = tee["by_sku"]["TEE-M-SAND"]

    response = site.post(f"/admin/products/{tee['id']}/variants/{medium['id']}",
                         {"sku": "TEE-S-SAND", "price": "22.00", "active": "y"})

    assert response.status_code == 422
    assert "exists" in response.get_data(as_text=True)
    assert db.variants.count_documents({"sku": "TEE-M-SAND"}) == 1


def test_archiving_a_variant_in_the_back_office_takes_it_off_the_shop(site, other_site, tee, db):
    site.admin()
    medium = tee["by_sku"]["TEE-M-SAND"]

    response = site.post(f"/admin/products/{tee['id']}/variants/{medium['id']}/archive", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Variant TEE-M-SAND is archived." in html
    assert "archived</span>" in html
    assert db.variants.find_one({"sku": "TEE-M-SAND"})["active"] is False
    assert "not available" in page(other_site, tee, o0="M", o1="Sand")


def test_a_variant_is_added_in_the_back_office_with_its_initial_stock(site, tee, db, admin):
    site.admin()

    response = site.post(f"/admin/products/{tee['id']}/variants",
                         {"o0": "L", "o1": "Sand", "sku": "TEE-L-SAND", "price": "", "stock": "4"},
                         follow_redirects=True)

    assert "Variant TEE-L-SAND is added." in response.get_data(as_text=True)
    stored = db.variants.find_one({"sku": "TEE-L-SAND"})
    assert (stored["price"], stored["stock"], stored["position"]) == (2000, 4, 3)
    assert [(m["delta"], m["reason"]) for m in db.stock_movements.find({"sku": "TEE-L-SAND"})] == [(4, "initial")]
    assert "Only 4 left" in page(site, tee, o0="L", o1="Sand")


def test_adding_an_existing_combination_in_the_back_office_is_refused(site, tee, db):
    site.admin()

    response = site.post(f"/admin/products/{tee['id']}/variants",
                         {"o0": "M", "o1": "Sand", "sku": "TEE-OTHER", "stock": "1"})

    assert response.status_code == 422
    assert "A variant with these options exists." in response.get_data(as_text=True)
    assert db.variants.count_documents({}) == 3


def test_stock_is_adjusted_per_variant_and_the_ledger_shows_each_sku(site, tee, db):
    site.admin()
    medium, small = tee["by_sku"]["TEE-M-SAND"], tee["by_sku"]["TEE-S-SAND"]

    response = site.post(f"/admin/products/{tee['id']}/stock",
                         {"variant_id": medium["id"], "delta": "5", "reason": "restock", "note": "delivery"},
                         follow_redirects=True)

    html = response.get_data(as_text=True)
    assert db.variants.find_one({"sku": "TEE-M-SAND"})["stock"] == 8
    assert db.variants.find_one({"sku": "TEE-S-SAND"})["stock"] == 12
    rows = re.findall(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>"
                      r"\s*<td class=\"num\">([^<]*)</td>", html)
    assert ("TEE-M-SAND", "restock", "+5") in rows
    assert ("TEE-S-SAND", "initial", "+12") in rows
    assert ("TEE-M-SAND", "initial", "+3") in rows
    assert small["id"] in html


def test_a_stock_adjustment_without_a_variant_is_refused_for_several(site, tee, db):
    site.admin()

    response = site.post(f"/admin/products/{tee['id']}/stock", {"delta": "5", "reason": "restock"})

    assert response.status_code == 422
    assert db.stock_movements.count_documents({}) == 2


def test_a_cart_holding_a_variant_archived_since_cannot_be_checked_out_and_takes_nothing(other_site, tee, admin, db):
    shopper = other_site.shopper()
    medium = tee["by_sku"]["TEE-M-SAND"]
    shopper.post("/cart/items", {"product_id": tee["id"], "variant_id": medium["id"], "quantity": "1"})
    admin.delete(f"/products/{tee['id']}/variants/{medium['id']}")

    cart = shopper.get("/cart")
    response = shopper.checkout()

    assert cart.status_code == 200
    assert response.status_code == 422, response.status_code
    assert db.orders.count_documents({"status": "placed"}) == 0
    assert db.variants.find_one({"sku": "TEE-M-SAND"})["stock"] == 3
