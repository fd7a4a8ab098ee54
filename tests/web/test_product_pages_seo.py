"""Product pages for search engines and link previews: JSON-LD, Open Graph, old addresses."""
import html as html_text
import json
import re

import pytest

from shop.products.model import structured_data

BASE = "http://127.0.0.1:8000"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, html
    return json.loads(blocks[0])


def og(html):
    return {html_text.unescape(name): html_text.unescape(content)
            for name, content in re.findall(r'<meta property="([^"]+)" content="([^"]*)">', html)}


def page(client, slug):
    response = client.get(f"/products/{slug}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_product_page_describes_the_product_and_its_offer_in_json_ld(client, add_product):
    add_product("RETRO-CLOCK", name="Retro Alarm Clock", price=3450, stock=4, description="Twin bells.")

    data = json_ld(page(client, "retro-alarm-clock"))

    assert data == {
        "@context": "https://schema.org", "@type": "Product", "name": "Retro Alarm Clock",
        "description": "Twin bells.", "url": f"{BASE}/products/retro-alarm-clock", "sku": "RETRO-CLOCK",
        "offers": [{"@type": "Offer", "sku": "RETRO-CLOCK", "price": "34.50", "priceCurrency": "USD",
                    "availability": "https://schema.org/InStock", "url": f"{BASE}/products/retro-alarm-clock"}],
    }


@pytest.mark.parametrize("price, text", [(0, "0.00"), (5, "0.05"), (1000, "10.00"), (123456789, "1234567.89")])
def test_the_offer_price_is_a_decimal_string_from_minor_units(price, text):
    data = structured_data("X", "", "https://shop.example/p", [("SKU-1", price, "EUR", True)])

    assert data["offers"][0]["price"] == text
    assert data["offers"][0]["priceCurrency"] == "EUR"


def test_each_offer_is_one_variant_and_says_whether_it_is_in_stock():
    offers = [("TEE-S", 1500, "USD", True), ("TEE-M", 1600, "USD", False)]

    data = structured_data("Tee", "Cotton.", "https://shop.example/products/tee", offers)

    assert [(o["sku"], o["price"], o["availability"]) for o in data["offers"]] == [
        ("TEE-S", "15.00", "https://schema.org/InStock"), ("TEE-M", "16.00", "https://schema.org/OutOfStock")]


def test_a_sold_out_product_offers_out_of_stock(client, add_product):
    add_product("BOARD-OAK", name="Oak Board", stock=0)

    assert json_ld(page(client, "oak-board"))["offers"][0]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_end_its_script_or_inject_markup(client, add_product):
    name = 'Evil </script><script>alert(1)</script> & "Co" <!--'
    add_product("EVIL-1", name=name, description="</SCRIPT> ' <b>")

    html = page(client, "evil-script-script-alert-1-script-co")

    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json_ld(html)["name"] == name
    assert json_ld(html)["description"] == "</SCRIPT> ' <b>"


def test_open_graph_tags_describe_the_product_at_its_own_address(client, add_product):
    add_product("LAMP-DESK", name="Brass Desk Lamp", price=8900, description="Warm light & a heavy base.")

    tags = og(page(client, "brass-desk-lamp"))

    assert tags["og:type"] == "product"
    assert tags["og:title"] == "Brass Desk Lamp"
    assert tags["og:description"] == "Warm light & a heavy base."
    assert tags["og:url"] == f"{BASE}/products/brass-desk-lamp"
    assert (tags["product:price:amount"], tags["product:price:currency"]) == ("89.00", "USD")
    assert "og:image" not in tags  # a product without images has none


def test_absolute_addresses_never_come_from_the_host_header(client, add_product):
    add_product("LAMP-DESK", name="Brass Desk Lamp")

    html = client.get("/products/brass-desk-lamp", headers={"Host": "evil.example"}).get_data(as_text=True)

    assert og(html)["og:url"] == f"{BASE}/products/brass-desk-lamp"
    assert json_ld(html)["url"] == f"{BASE}/products/brass-desk-lamp"
    assert "evil.example" not in html


# Old addresses -------------------------------------------------------------------------


def rename(admin, product, slug):
    response = admin.patch(f"/products/{product['id']}", json={"slug": slug})
    assert response.status_code == 200, response.get_json()


def test_an_old_slug_moves_permanently_to_the_current_one(client, admin, add_product):
    product = add_product("KETTLE", name="Copper Kettle")
    rename(admin, product, "kettle")
    rename(admin, product, "copper-kettle-2")

    for old in ("copper-kettle", "kettle"):
        response = client.get(f"/products/{old}")
        assert response.status_code == 301
        assert response.headers["Location"] == "/products/copper-kettle-2"
    assert page(client, "copper-kettle-2")


def test_a_product_that_later_takes_an_old_slug_wins_it(client, admin, add_product):
    first = add_product("KETTLE", name="Copper Kettle")
    rename(admin, first, "copper-kettle-old")
    second = add_product("KETTLE-2", name="Other", slug="copper-kettle")

    assert "Other" in page(client, "copper-kettle")
    rename(admin, second, "other-kettle")  # and keeps it as its own old slug

    response = client.get("/products/copper-kettle")
    assert response.status_code == 301
    assert response.headers["Location"] == "/products/other-kettle"


def test_a_product_renamed_back_to_an_old_slug_answers_there(client, admin, add_product):
    product = add_product("KETTLE", name="Copper Kettle")
    rename(admin, product, "kettle")
    rename(admin, product, "copper-kettle")

    assert page(client, "copper-kettle")
    assert client.get("/products/kettle").headers["Location"] == "/products/copper-kettle"


def test_an_old_slug_of_an_archived_product_is_not_found(client, admin, add_product):
    product = add_product("KETTLE", name="Copper Kettle")
    rename(admin, product, "kettle")
    admin.delete(f"/products/{product['id']}")

    assert client.get("/products/copper-kettle").status_code == 404


def test_the_api_reads_a_product_by_its_current_slug_only(anonymous, admin, add_product):
    product = add_product("KETTLE", name="Copper Kettle")
    rename(admin, product, "kettle")

    assert anonymous.get("/products/kettle").status_code == 200
    assert anonymous.get("/products/copper-kettle").status_code == 404


# How many are left -----------------------------------------------------------------------


@pytest.mark.parametrize("stock, shown", [(1, "Only 1 left"), (3, "Only 3 left"), (5, "Only 5 left"),
                                          (6, "In stock"), (0, "Sold out for now.")])
def test_the_product_page_says_how_many_are_left_when_few(client, add_product, stock, shown):
    add_product("MUG-STONE", name="Stone Mug", stock=stock)

    html = page(client, "stone-mug")

    assert shown in html
    assert ("left" in html) == (0 < stock <= 5)
