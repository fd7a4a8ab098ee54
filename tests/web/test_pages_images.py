"""Images on the pages: cards use the first image (srcset, sizes, lazy, size, alt), the
product page shows them all, and the back office uploads, describes, reorders and deletes."""
import re

from tests.web.image_files import multipart, picture_bytes, uploaded
from tests.web.site_helpers import csrf_token, field_errors, input_value


def card_images(html):
    return re.findall(r'<img class="card-img"[^>]*>', html)


def attribute(tag, name):
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def test_a_card_shows_the_first_image_with_its_widths_size_and_alt(site, admin, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    first = uploaded(admin, clock["id"], picture_bytes((1000, 750)), alt="The clock, from the front")
    uploaded(admin, clock["id"], alt="The clock, from behind")

    for path in ("/products", "/"):
        [tag] = card_images(site.text(path))
        assert attribute(tag, "alt") == "The clock, from the front"
        assert attribute(tag, "loading") == "lazy" and attribute(tag, "sizes")
        assert (attribute(tag, "width"), attribute(tag, "height")) == ("1000", "750")
        srcset = [entry.strip().split(" ") for entry in attribute(tag, "srcset").split(",")]
        assert [width for _, width in srcset] == ["320w", "640w", "1000w"]
        assert [url for url, _ in srcset] == [first["urls"][w].removeprefix("http://127.0.0.1:8000")
                                              for w in ("320", "640", "1000")]
        assert attribute(tag, "src") == first["urls"]["640"].removeprefix("http://127.0.0.1:8000")


def test_a_card_without_images_shows_a_placeholder_picture_not_a_letter(site, add_product):
    add_product("RETRO-CLOCK", name="Retro Clock")

    html = site.text("/products")

    [tag] = card_images(html)
    assert attribute(tag, "src") == "/static/img/no-image.svg" and attribute(tag, "alt") == ""
    assert 'class="card-art"' not in html
    placeholder = site.get("/static/img/no-image.svg")
    assert placeholder.status_code == 200 and placeholder.mimetype == "image/svg+xml"
    placeholder.close()


def test_the_product_page_shows_every_image_in_order(site, admin, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    for alt in ("front", "back", "side"):
        uploaded(admin, clock["id"], alt=alt)

    html = site.text(f"/products/{clock['slug']}")

    gallery = re.findall(r'<img class="gallery-(?:main|more)"[^>]*>', html)
    assert [attribute(tag, "alt") for tag in gallery] == ["front", "back", "side"]
    assert attribute(gallery[0], "loading") is None and attribute(gallery[1], "loading") == "lazy"
    assert all(attribute(tag, "srcset") and attribute(tag, "width") for tag in gallery)


def admin_upload(site, product_id, data, alt, filename="picture.png", **fields):
    body, content_type = multipart({"alt": alt, **fields}, data, filename)
    return site.client.post(f"/admin/products/{product_id}/images", data=body, content_type=content_type)


def test_an_admin_uploads_an_image_from_the_back_office(site, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    site.admin()

    response = admin_upload(site, clock["id"], picture_bytes((800, 600)), "The clock on a shelf")

    assert response.status_code == 302
    html = site.text(f"/admin/products/{clock['id']}/images")
    assert 'alt="The clock on a shelf"' in html and "800 × 600" in html


def test_a_bad_upload_shows_its_problem_next_to_the_field_and_keeps_the_alt(site, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    site.admin()

    not_an_image = admin_upload(site, clock["id"], b"hello, I am text", "A clock", filename="clock.jpg")
    no_alt = admin_upload(site, clock["id"], picture_bytes(), "")
    no_file = admin_upload(site, clock["id"], None, "A clock")

    assert not_an_image.status_code == 422
    assert "Send the image as a JPEG, PNG or WebP file." in not_an_image.get_data(as_text=True)
    assert input_value(not_an_image.get_data(as_text=True), "alt") == "A clock"
    assert no_alt.status_code == 422 and field_errors(no_alt.get_data(as_text=True), "alt")
    assert field_errors(no_file.get_data(as_text=True), "file") == [
        "Choose an image file (JPEG, PNG or WebP) to upload."]


def test_an_admin_edits_the_alt_text_and_moves_an_image(site, admin, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    front = uploaded(admin, clock["id"], alt="front")
    uploaded(admin, clock["id"], alt="back")
    site.admin()
    page = f"/admin/products/{clock['id']}/images/{front['id']}"
    assert input_value(site.text(page), "alt") == "front"

    response = site.post(page, {"alt": "the front", "position": "1"})
    bad = site.post(page, {"alt": "the front", "position": "first"})

    assert response.status_code == 302
    images = admin.get(f"/products/{clock['id']}").get_json()["images"]
    assert [(i["alt"], i["position"]) for i in images] == [("back", 0), ("the front", 1)]
    assert bad.status_code == 422 and field_errors(bad.get_data(as_text=True), "position")


def test_an_admin_deletes_an_image(site, admin, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    image = uploaded(admin, clock["id"], alt="front")
    site.admin()

    response = site.post(f"/admin/products/{clock['id']}/images/{image['id']}/delete")

    assert response.status_code == 302
    assert admin.get(f"/products/{clock['id']}").get_json()["images"] == []
    assert site.get(image["urls"]["640"].removeprefix("http://127.0.0.1:8000")).status_code == 404


def test_the_image_pages_are_for_admins_only(site, admin, add_product):
    clock = add_product("RETRO-CLOCK", name="Retro Clock")
    image = uploaded(admin, clock["id"])
    pages = [f"/admin/products/{clock['id']}/images", f"/admin/products/{clock['id']}/images/{image['id']}"]

    assert all(site.get(page).status_code == 302 for page in pages)  # to log in
    site.shopper()
    assert all(site.get(page).status_code == 403 for page in pages)
    assert admin_upload(site, clock["id"], picture_bytes(), "Forged").status_code == 403
    assert site.post(f"/admin/products/{clock['id']}/images/{image['id']}/delete").status_code == 403
    assert len(admin.get(f"/products/{clock['id']}").get_json()["images"]) == 1


def test_an_expired_upload_form_saves_nothing_and_keeps_the_alt(csrf_app):
    api = csrf_app.test_client()
    token = api.post("/api/v1/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    clock = api.post("/api/v1/products", json={"sku": "RETRO-CLOCK", "name": "Retro Clock", "price": 3450},
                     headers=headers).get_json()
    browser = csrf_app.test_client()
    browser.post("/login", data={"email": "admin@example.com", "password": "admin-password-1",
                                 "csrf_token": csrf_token(browser.get("/login").get_data(as_text=True))})
    body, content_type = multipart({"alt": "The clock, typed", "csrf_token": "expired." + "a" * 40}, picture_bytes())

    response = browser.post(f"/admin/products/{clock['id']}/images", data=body, content_type=content_type)

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "nothing was saved" in html
    assert input_value(html, "alt") == "The clock, typed"
    fresh = csrf_token(html)
    body, content_type = multipart({"alt": "The clock, typed", "csrf_token": fresh}, picture_bytes())
    assert browser.post(f"/admin/products/{clock['id']}/images", data=body,
                        content_type=content_type).status_code == 302
    assert len(api.get(f"/api/v1/products/{clock['id']}").get_json()["images"]) == 1
