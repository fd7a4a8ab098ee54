"""Every destructive action of the back office takes two steps: the list links to a page that
says what will happen and changes nothing, and only its "Yes" (a POST with the page's CSRF
token) does it. Deleting a shipping method, a tax rate, a discount code, a category, an image,
and archiving a variant; an archived variant is put back on sale with one button."""
import html as html_text
import re
from dataclasses import dataclass
from typing import Callable

import pytest

from tests.conftest import Api, login_token
from tests.web.image_files import uploaded
from tests.web.site_helpers import Site, csrf_token

TEE = {"name": "Field Tee", "price": 2000, "options": [{"name": "Size", "values": ["S", "M"]}],
       "variants": [{"sku": "TEE-S", "options": {"Size": "S"}, "stock": 12},
                    {"sku": "TEE-M", "options": {"Size": "M"}, "stock": 3}]}


@dataclass
class Step:
    """One destructive action: where it is listed, its step's path, what the step must say,
    the flash after it, and whether the thing is still as it was (read from the API)."""
    listing: str
    path: str
    says: list
    done: str
    untouched: Callable


def shipping_method(admin):
    method = admin.post("/shipping-methods", json={"name": "Express", "countries": ["US", "CA"],
                                                   "price": 900}).get_json()
    return Step("/admin/shipping-methods", f"/admin/shipping-methods/{method['id']}/delete",
                ["Delete the shipping method Express?", "Checkout no longer offers Express (US, CA, $9.00).",
                 "Orders placed with it keep its name and price."],
                "Express is deleted.",
                lambda: admin.get(f"/shipping-methods/{method['id']}").status_code == 200)


def tax_rate(admin):
    rate = admin.post("/tax-rates", json={"country": "DE", "rate_bp": 1900}).get_json()
    return Step("/admin/tax-rates", f"/admin/tax-rates/{rate['id']}/delete",
                ["Delete the tax rate for DE (19%)?", "Orders to Germany will then be taxed at 0.",
                 "Orders already placed keep the tax they were charged."],
                "The tax rate of DE is deleted.",
                lambda: admin.get(f"/tax-rates/{rate['id']}").status_code == 200)


def discount_code(admin):
    code = admin.post("/discount-codes", json={"code": "SUMMER10", "kind": "percent", "value": 1000}).get_json()
    return Step("/admin/discount-codes", f"/admin/discount-codes/{code['id']}/delete",
                ["Delete the discount code SUMMER10 (10% off)?", "Shoppers can no longer use it",
                 "Orders that used it keep their discount."],
                "The code SUMMER10 is deleted.",
                lambda: admin.get(f"/discount-codes/{code['id']}").status_code == 200)


def category(admin):
    made = admin.post("/categories", json={"name": "Teapots"}).get_json()
    return Step("/admin/categories", f"/admin/categories/{made['id']}/delete",
                ["Delete the category Teapots?", "Teapots leaves the shop's menu, and its page (/categories/teapots) "
                                                 "is gone."],
                "Teapots is deleted.",
                lambda: admin.get(f"/categories/{made['id']}").status_code == 200)


def image(admin):
    clock = admin.post("/products", json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450,
                                          "stock": 1}).get_json()
    picture = uploaded(admin, clock["id"], alt="The clock, from the front")
    return Step(f"/admin/products/{clock['id']}/images",
                f"/admin/products/{clock['id']}/images/{picture['id']}/delete",
                ["Delete image 0 of Retro Clock?", "The clock, from the front",
                 "Shoppers no longer see it, and the next image becomes the catalogue's picture; its files are "
                 "removed."],
                "The image is deleted.",
                lambda: len(admin.get(f"/products/{clock['id']}").get_json()["images"]) == 1)


def variant(admin):
    tee = admin.post("/products", json=TEE).get_json()
    medium = tee["variants"][1]

    def on_sale():
        [stored] = [v for v in admin.get(f"/products/{tee['id']}").get_json()["variants"] if v["id"] == medium["id"]]
        return stored["active"]
    return Step(f"/admin/products/{tee['id']}/variants",
                f"/admin/products/{tee['id']}/variants/{medium['id']}/archive",
                ["Archive variant TEE-M (Size M)?", "Shoppers can no longer choose Size M",
                 "Its stock (3) and stock ledger stay; \"Put back on sale\" on the variants page undoes it."],
                "Variant TEE-M is archived.", on_sale)


STEPS = [shipping_method, tax_rate, discount_code, category, image, variant]
IDS = ["delete a shipping method", "delete a tax rate", "delete a discount code", "delete a category",
       "delete an image", "archive a variant"]


def text(response):
    return html_text.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin_site(client):
    site = Site(client)
    return site.admin()


@pytest.mark.parametrize("make", STEPS, ids=IDS)
def test_the_list_links_to_the_step_and_never_posts_to_it(admin_site, admin, make):
    step = make(admin)

    page = admin_site.text(step.listing)

    assert f'href="{step.path}"' in page
    assert f'action="{step.path}"' not in page


@pytest.mark.parametrize("make", STEPS, ids=IDS)
def test_opening_the_step_changes_nothing_and_says_what_will_happen(admin_site, admin, make):
    step = make(admin)

    response = admin_site.get(step.path)

    page = text(response)
    assert response.status_code == 200
    for sentence in step.says:
        assert sentence in page
    assert f'<form class="confirm" method="post" action="{step.path}"' in page
    assert f'<a class="button secondary" href="{step.listing}">Keep it</a>' in page
    assert step.untouched()


@pytest.mark.parametrize("make", STEPS, ids=IDS)
def test_saying_yes_on_the_step_does_it_and_says_so(admin_site, admin, make):
    step = make(admin)
    [action] = re.findall(r'<form class="confirm" method="post" action="([^"]+)"', admin_site.text(step.path))

    response = admin_site.post(action, follow_redirects=True)

    assert response.status_code == 200 and response.request.path == step.listing
    assert step.done in text(response)
    assert not step.untouched()


@pytest.mark.parametrize("make", STEPS, ids=IDS)
def test_a_shopper_can_neither_open_nor_answer_the_step(admin_site, admin, client, make):
    step = make(admin)
    admin_site.logout()
    shopper = Site(client).shopper("bob@example.com")

    assert shopper.get(step.path).status_code == 403
    assert shopper.post(step.path).status_code == 403
    assert step.untouched()


@pytest.fixture
def real_admin(csrf_app):
    """An admin signed in with CSRF checks on, and their API."""
    client = csrf_app.test_client()
    api = Api(client, login_token(client, "admin@example.com", "admin-password-1"))
    browser = Site(csrf_app.test_client())
    assert browser.post("/login", {"email": "admin@example.com", "password": "admin-password-1",
                                   "csrf_token": csrf_token(browser.text("/login"))}).status_code == 302
    return browser, api


@pytest.mark.parametrize("make", STEPS, ids=IDS)
def test_only_a_post_carrying_the_steps_token_does_it(real_admin, make):
    browser, api = real_admin
    step = make(api)

    straight = browser.post(step.path)

    assert straight.status_code == 400 and step.untouched()
    token = csrf_token(browser.text(step.path))
    assert browser.post(step.path, {"csrf_token": token}).status_code == 302
    assert not step.untouched()


def test_a_category_that_cannot_be_deleted_says_why_on_its_step_and_offers_no_yes(admin_site, admin, add_product):
    teapots = admin.post("/categories", json={"name": "Teapots"}).get_json()
    add_product("TEAPOT-CAST", category_ids=[teapots["id"]])

    page = text(admin_site.get(f"/admin/categories/{teapots['id']}/delete"))

    assert "Teapots still has 1 product (archived ones count too): take them out of this category first." in page
    assert "Yes, delete" not in page and 'href="/admin/categories">Back to the categories</a>' in page


def test_the_step_of_something_already_gone_is_a_404(admin_site, admin):
    rate = admin.post("/tax-rates", json={"country": "DE", "rate_bp": 1900}).get_json()
    admin.delete(f"/tax-rates/{rate['id']}")

    assert admin_site.get(f"/admin/tax-rates/{rate['id']}/delete").status_code == 404


# Putting an archived variant back on sale ----------------------------------


def test_an_archived_variant_is_put_back_on_sale_from_its_row(admin_site, admin):
    step = variant(admin)
    admin_site.post(step.path)
    listing = admin_site.text(step.listing)
    restore = step.path.replace("/archive", "/on-sale")

    response = admin_site.post(restore, follow_redirects=True)

    assert f'action="{restore}"' in listing and "Put back on sale" in listing
    assert step.untouched()
    assert "Variant TEE-M is on sale again." in text(response)
    assert f'action="{restore}"' not in text(response)


# The variant table's fields ------------------------------------------------


def test_each_row_of_the_variant_table_has_its_own_field_ids_and_labels(admin_site, admin):
    tee = admin.post("/products", json=TEE).get_json()

    page = admin_site.text(f"/admin/products/{tee['id']}/variants")

    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for v in tee["variants"]:
        for name in ("sku", "price"):
            assert f'<label for="{name}-{v["id"]}">' in table
        for name in ("sku", "price", "active"):
            [tag] = re.findall(rf'<input[^>]*\sid="{name}-{v["id"]}"[^>]*>', table)
            assert f'name="{name}"' in tag
    assert re.search(r'<input[^>]*id="sku-[0-9a-f]{24}"[^>]*size="16"', table)
