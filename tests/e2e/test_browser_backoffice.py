"""The back office in Chromium: every control of every page is visible and nothing covers it, at
1280 px and on a 390 px phone; and every destructive action goes through its confirmation step
with the mouse (the link, the page saying what will happen, "Yes", the result), including
putting an archived variant back on sale."""
from tests.conftest import ADDRESS, GOOD_CARD
from tests.e2e.browser import (
    ADMIN,
    OVERFLOW,
    PHONE,
    SHOPPER,
    api_call,
    cells_off_their_row,
    covered_controls,
    in_page,
    log_in,
    shot,
    upload_picture,
)


def back_office(live_url):
    """What the demo shop lacks for every page to have something to show: a paid order and a
    placed one, a customer, a shipping method, a tax rate, a discount code, an empty category
    and an image. Their ids and paths by name."""
    _, answer = api_call(live_url, "POST", "/auth/tokens", body=ADMIN)
    token = answer["token"]

    def post(path, body, expected=201):
        status, made = api_call(live_url, "POST", path, token, body)
        assert status == expected, (path, made)
        return made

    _, listed = api_call(live_url, "GET", "/products?per_page=100", token)
    products = {product["name"]: product for product in listed["items"]}
    clock, tee = products["Retro Alarm Clock"], products["Linen T-Shirt"]
    paid = post("/orders", {"items": [{"product_id": clock["id"], "quantity": 2}], "shipping_address": ADDRESS})
    post(f"/orders/{paid['id']}/payments", GOOD_CARD, expected=200)
    placed = post("/orders", {"items": [{"product_id": clock["id"], "quantity": 1}], "shipping_address": ADDRESS})
    customer = post("/auth/register", SHOPPER)
    upload_picture(live_url, token, clock["id"], "A spare picture of the clock", None, "orange")
    _, clock = api_call(live_url, "GET", f"/products/{clock['id']}", token)
    return {"clock": clock, "tee": tee, "paid": paid, "placed": placed, "customer": customer,
            "method": post("/shipping-methods", {"name": "Express", "countries": ["US", "CA"], "price": 900}),
            "rate": post("/tax-rates", {"country": "DE", "rate_bp": 1900}),
            "code": post("/discount-codes", {"code": "SUMMER10", "kind": "percent", "value": 1000}),
            "category": post("/categories", {"name": "Gift Ideas"}),
            "image": clock["images"][-1]}


def pages(made):
    clock, tee, paid = made["clock"]["id"], made["tee"]["id"], made["paid"]["id"]
    return [
        "/admin/", "/admin/products", "/admin/products/new", f"/admin/products/{clock}/edit",
        f"/admin/products/{tee}/variants", f"/admin/products/{clock}/stock", f"/admin/products/{clock}/images",
        f"/admin/products/{clock}/images/{made['image']['id']}", f"/admin/products/{clock}/archive",
        "/admin/products/import", "/admin/categories", "/admin/categories/new",
        f"/admin/categories/{made['category']['id']}/edit", "/admin/orders", f"/admin/orders/{paid}",
        f"/admin/orders/{paid}/refund", f"/admin/orders/{made['placed']['id']}/cancel", "/admin/customers",
        f"/admin/customers/{made['customer']['id']}", "/admin/shipping-methods", "/admin/shipping-methods/new",
        f"/admin/shipping-methods/{made['method']['id']}/edit", "/admin/tax-rates", "/admin/tax-rates/new",
        f"/admin/tax-rates/{made['rate']['id']}/edit", "/admin/discount-codes", "/admin/discount-codes/new",
        f"/admin/discount-codes/{made['code']['id']}/edit",
        f"/admin/shipping-methods/{made['method']['id']}/delete", f"/admin/tax-rates/{made['rate']['id']}/delete",
        f"/admin/discount-codes/{made['code']['id']}/delete", f"/admin/categories/{made['category']['id']}/delete",
        f"/admin/products/{clock}/images/{made['image']['id']}/delete",
        f"/admin/products/{tee}/variants/{made['tee']['variants'][0]['id']}/archive",
    ]


def test_every_control_of_every_back_office_page_is_in_sight_and_uncovered_and_each_cell_on_its_row_at_1280_and_390_px(
        page, live_url):
    made = back_office(live_url)
    log_in(page, ADMIN["email"], ADMIN["password"])
    assert in_page(page, "Log out")
    archived = made["tee"]["variants"][1]
    api_call(live_url, "PATCH", f"/products/{made['tee']['id']}/variants/{archived['id']}",
             api_call(live_url, "POST", "/auth/tokens", body=ADMIN)[1]["token"], {"active": False})

    covered = {}
    for width in (1280, PHONE):
        page.set_viewport_size({"width": width, "height": 860})
        for path in pages(made):
            response = page.goto(path)
            assert response.status == 200, path
            found = covered_controls(page) + cells_off_their_row(page)
            if width == PHONE:
                found += page.evaluate(OVERFLOW, PHONE)
            if found:
                covered[f"{path} at {width} px"] = found

    assert covered == {}, "\n".join(f"{where}: {found}" for where, found in covered.items())


def test_every_destructive_action_is_confirmed_on_its_own_page_and_an_archived_variant_goes_back_on_sale(
        page, live_url):
    made = back_office(live_url)
    log_in(page, ADMIN["email"], ADMIN["password"])
    assert in_page(page, "Log out")
    walks = [
        ("/admin/shipping-methods", "Delete Express", "Delete the shipping method Express?",
         "Express is deleted."),
        ("/admin/tax-rates", "Delete the rate of DE", "Orders to Germany will then be taxed at 0.",
         "The tax rate of DE is deleted."),
        ("/admin/discount-codes", "Delete SUMMER10", "Delete the discount code SUMMER10 (10% off)?",
         "The code SUMMER10 is deleted."),
        ("/admin/categories", "Delete Gift Ideas", "Delete the category Gift Ideas?", "Gift Ideas is deleted."),
        (f"/admin/products/{made['clock']['id']}/images", f"Delete image {made['image']['position']}",
         "Shoppers no longer see it", "The image is deleted."),
    ]

    for listing, link, says, done in walks:
        page.goto(listing)
        page.get_by_role("link", name=link, exact=True).click()
        assert in_page(page, says), link
        page.get_by_role("link", name="Keep it").click()
        assert in_page(page, link.split()[-1]) and not in_page(page, done, timeout_ms=500), link
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("button", name="Yes, delete").click()
        assert in_page(page, done), link
        assert page.url.endswith(listing)

    # A variant: archived in two steps, then back on sale with one click, on a phone.
    page.set_viewport_size({"width": PHONE, "height": 844})
    sku = made["tee"]["variants"][0]["sku"]
    page.goto(f"/admin/products/{made['tee']['id']}/variants")
    page.get_by_role("link", name=f"Archive {sku}", exact=True).click()
    assert in_page(page, f"Archive variant {sku}")
    shot(page, "admin-archive-variant-phone")
    page.get_by_role("button", name="Yes, archive").click()
    assert in_page(page, f"Variant {sku} is archived.")
    page.get_by_role("button", name=f"Put back on sale {sku}", exact=True).click()
    assert in_page(page, f"Variant {sku} is on sale again.")
    assert page.get_by_role("link", name=f"Archive {sku}", exact=True).is_visible()
    _, tee = api_call(live_url, "GET", f"/products/{made['tee']['id']}")
    assert [variant["active"] for variant in tee["variants"] if variant["sku"] == sku] == [True]
    shot(page, "admin-variants-phone")
