"""Product images through the API: formats, limits, cleaning, widths, URLs and caching,
positions, deletion, who may do it, and several apps on one database."""
import hashlib
import io
import random

import pytest
from PIL import Image

from tests.conftest import TEST_SETTINGS, assert_error, started_app
from tests.web.image_files import media_client, path_of, picture_bytes, upload, uploaded

MiB = 1024 * 1024


@pytest.fixture
def clock(add_product):
    return add_product("RETRO-CLOCK", stock=10)


@pytest.fixture
def media(app):
    return media_client(app)


def stored(media, url):
    response = media.get(path_of(url))
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(response.data)), response


@pytest.mark.parametrize("image_format, filename, media_type", [
    ("JPEG", "clock.jpg", "image/jpeg"), ("PNG", "clock.png", "image/png"), ("WEBP", "clock.webp", "image/webp"),
])
def test_each_format_is_taken_and_served_in_its_own_format(admin, clock, media, image_format, filename, media_type):
    data = picture_bytes((800, 600), image_format)

    image = uploaded(admin, clock["id"], data, filename=filename, alt="The clock, from the front")

    assert image["alt"] == "The clock, from the front" and (image["width"], image["height"]) == (800, 600)
    picture, response = stored(media, image["urls"]["800"])
    assert response.headers["Content-Type"] == media_type and picture.format == image_format


def test_a_text_file_named_jpg_is_an_unsupported_media_type(admin, clock, db):
    response = upload(admin, clock["id"], b"just some words, not a picture\n" * 10, filename="clock.jpg")

    assert_error(response, 415, "unsupported_media_type")
    assert db["images.files"].count_documents({}) == 0


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 100, b"%PDF-1.7\n" + b"x" * 100, b""])
def test_content_that_is_no_jpeg_png_or_webp_is_refused_whatever_its_name(admin, clock, data):
    assert_error(upload(admin, clock["id"], data, filename="photo.png"), 415, "unsupported_media_type")


def test_an_image_over_10_mib_is_too_large_in_the_error_shape(admin, clock, db):
    noise = picture_bytes((10, 10), "PNG") + b"\0" * (10 * MiB)

    response = upload(admin, clock["id"], noise)

    assert_error(response, 413, "payload_too_large")
    assert db["images.files"].count_documents({}) == 0


def test_a_body_far_over_the_limit_is_a_413_in_the_error_shape(admin, clock):
    response = upload(admin, clock["id"], b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * MiB))

    assert_error(response, 413, "payload_too_large")


def test_a_json_body_keeps_its_1_mib_limit(admin, clock):
    response = admin.patch(f"/products/{clock['id']}", data=b'{"name": "' + b"a" * (2 * MiB) + b'"}',
                           headers={"Content-Type": "application/json"})

    assert_error(response, 413, "payload_too_large")


def test_a_damaged_image_is_a_validation_error(admin, clock):
    truncated = picture_bytes((800, 600), "JPEG")[:400]

    details = assert_error(upload(admin, clock["id"], truncated, filename="clock.jpg"), 422, "validation_error")

    assert "damaged" in details["file"][0]


def test_an_image_over_50_megapixels_is_refused_before_it_is_decoded(admin, clock):
    huge = _huge_png()

    details = assert_error(upload(admin, clock["id"], huge), 422, "validation_error")

    assert details == {"file": ["Send an image of at most 50 megapixels."]}


def _huge_png():
    """A 10000 x 5001 PNG (just over 50 MP) of one colour: small on disk, large in memory."""
    out = io.BytesIO()
    Image.new("1", (10000, 5001)).save(out, "PNG")
    return out.getvalue()


def test_the_exif_orientation_is_applied_and_no_exif_or_gps_survives(admin, clock, media):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS: London
    picture = Image.new("RGB", (600, 400), "white")
    picture.paste((200, 0, 0), (0, 0, 300, 400))  # the left half red
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=95)
    assert Image.open(io.BytesIO(out.getvalue())).getexif()[0x0112] == 6

    image = uploaded(admin, clock["id"], out.getvalue(), filename="portrait.jpg")

    assert (image["width"], image["height"]) == (400, 600)  # upright
    for url in image["urls"].values():
        kept, response = stored(media, url)
        assert len(kept.getexif()) == 0 and "exif" not in kept.info
        assert b"Exif" not in response.data and b"Camera Maker" not in response.data
    upright, _ = stored(media, image["urls"]["400"])
    top, bottom = upright.getpixel((200, 20)), upright.getpixel((200, 580))
    assert top[0] > 150 and top[1] < 80 and min(bottom) > 200  # the red half is now on top


def test_png_text_and_colour_profile_do_not_survive(admin, clock, media):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Somebody Private")
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "blue").save(out, "PNG", pnginfo=info, icc_profile=b"\0" * 128)

    image = uploaded(admin, clock["id"], out.getvalue())

    kept, response = stored(media, image["urls"]["300"])
    assert b"Somebody Private" not in response.data and "icc_profile" not in kept.info


@pytest.mark.parametrize("width, widths", [
    (1000, ["320", "640", "1000"]), (2000, ["320", "640", "1280", "2000"]), (640, ["320", "640"]),
    (300, ["300"]), (1280, ["320", "640", "1280"]),
])
def test_one_url_per_width_narrower_than_the_original_and_the_original(admin, clock, media, width, widths):
    image = uploaded(admin, clock["id"], picture_bytes((width, width // 2), "JPEG"), filename="a.jpg")

    assert sorted(image["urls"], key=int) == widths
    for key, url in image["urls"].items():
        assert url.startswith("http://127.0.0.1:8000/media/")
        picture, _ = stored(media, url)
        assert picture.width == int(key) and picture.height == max(1, round(int(key) * (width // 2) / width))


def test_media_answers_are_immutable_with_an_etag_and_a_304(admin, clock, media):
    image = uploaded(admin, clock["id"])

    response = media.get(path_of(image["urls"]["640"]))
    again = media.get(path_of(image["urls"]["640"]), headers={"If-None-Match": response.headers["ETag"]})

    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert again.status_code == 304 and again.data == b""


def test_the_same_picture_uploaded_again_gets_new_urls(admin, clock):
    first, second = uploaded(admin, clock["id"]), uploaded(admin, clock["id"])

    assert set(first["urls"].values()).isdisjoint(second["urls"].values())


@pytest.mark.parametrize("name", ["nonsense", "0123456789abcdef01234567.gif", "0123456789abcdef01234567.png"])
def test_a_media_name_that_names_no_file_is_a_404(media, name):
    assert media.get(f"/media/{name}").status_code == 404


def test_a_file_asked_for_under_another_extension_is_a_404(admin, clock, media):
    url = path_of(uploaded(admin, clock["id"])["urls"]["640"])

    assert media.get(url.replace(".png", ".jpg")).status_code == 404


def positions(admin, product_id):
    return [(image["alt"], image["position"]) for image in admin.get(f"/products/{product_id}").get_json()["images"]]


def test_images_go_last_by_default_and_a_position_moves_the_later_ones_down(admin, clock):
    uploaded(admin, clock["id"], alt="front")
    uploaded(admin, clock["id"], alt="back")
    inserted = uploaded(admin, clock["id"], alt="side", position=1)
    uploaded(admin, clock["id"], alt="far", position=99)

    assert inserted["position"] == 1
    assert positions(admin, clock["id"]) == [("front", 0), ("side", 1), ("back", 2), ("far", 3)]


def test_patching_a_position_moves_the_image_and_alt_changes_the_text(admin, clock):
    front = uploaded(admin, clock["id"], alt="front")
    uploaded(admin, clock["id"], alt="back")
    uploaded(admin, clock["id"], alt="side")

    moved = admin.patch(f"/products/{clock['id']}/images/{front['id']}", json={"position": 2, "alt": "the front"})

    assert moved.status_code == 200 and moved.get_json()["position"] == 2
    assert moved.get_json()["urls"] == front["urls"]
    assert positions(admin, clock["id"]) == [("back", 0), ("side", 1), ("the front", 2)]


@pytest.mark.parametrize("body, field", [
    ({"alt": ""}, "alt"), ({"alt": "x" * 201}, "alt"), ({"position": -1}, "position"), ({"position": "1"}, "position"),
    ({"width": 10}, "width"),
])
def test_a_bad_change_is_a_validation_error(admin, clock, body, field):
    image = uploaded(admin, clock["id"])

    details = assert_error(admin.patch(f"/products/{clock['id']}/images/{image['id']}", json=body), 422,
                           "validation_error")

    assert list(details) == [field]


@pytest.mark.parametrize("fields, field", [
    ({"alt": ""}, "alt"), ({"alt": "   "}, "alt"), ({"alt": "x" * 201}, "alt"), ({"position": "first"}, "position"),
    ({"variant_id": "not-an-id"}, "variant_id"), ({"colour": "red"}, "colour"),
])
def test_a_bad_upload_field_is_a_validation_error_and_stores_nothing(admin, clock, db, fields, field):
    response = upload(admin, clock["id"], picture_bytes(), **{"alt": fields.pop("alt", "ok"), **fields})

    assert list(assert_error(response, 422, "validation_error")) == [field]
    assert db["images.files"].count_documents({}) == 0


def test_an_upload_without_a_file_says_to_choose_one(admin, clock):
    details = assert_error(upload(admin, clock["id"], None), 422, "validation_error")

    assert details == {"file": ["Choose an image file (JPEG, PNG or WebP) to upload."]}


def test_an_upload_that_is_not_multipart_is_an_unsupported_media_type(admin, clock):
    response = admin.post(f"/products/{clock['id']}/images", json={"alt": "x"})

    assert_error(response, 415, "unsupported_media_type")


def test_the_variant_of_a_product_without_options_is_the_product_itself(admin, clock, add_product):
    other = add_product("TEAPOT-CAST")

    image = uploaded(admin, clock["id"], variant_id=clock["id"])
    refused = upload(admin, clock["id"], picture_bytes(), variant_id=other["id"])

    assert image["variant_id"] == clock["id"]
    assert list(assert_error(refused, 422, "validation_error")) == ["variant_id"]


def test_deleting_an_image_removes_its_files_and_its_urls_answer_404(admin, clock, db, media):
    kept = uploaded(admin, clock["id"], alt="kept")
    gone = uploaded(admin, clock["id"], alt="gone", position=0)
    files_before = db["images.files"].count_documents({})

    response = admin.delete(f"/products/{clock['id']}/images/{gone['id']}")

    assert response.status_code == 204
    assert all(media.get(path_of(url)).status_code == 404 for url in gone["urls"].values())
    assert all(media.get(path_of(url)).status_code == 200 for url in kept["urls"].values())
    assert db["images.files"].count_documents({}) == files_before - len(gone["urls"])
    assert db["images.chunks"].count_documents({"files_id": {"$in": [f["_id"] for f in db["images.files"].find()]}}) \
        == db["images.chunks"].count_documents({})
    assert positions(admin, clock["id"]) == [("kept", 0)]
    assert_error(admin.delete(f"/products/{clock['id']}/images/{gone['id']}"), 404, "not_found")


def test_an_image_of_an_unknown_product_or_another_product_is_a_404(admin, clock, add_product):
    other = add_product("TEAPOT-CAST")
    image = uploaded(admin, clock["id"])

    assert_error(upload(admin, "0" * 24, picture_bytes()), 404, "not_found")
    assert_error(admin.patch(f"/products/{other['id']}/images/{image['id']}", json={"alt": "x"}), 404, "not_found")
    assert_error(admin.delete(f"/products/{other['id']}/images/{image['id']}"), 404, "not_found")


def test_only_admins_change_images(admin, anonymous, shopper, clock, db):
    image = uploaded(admin, clock["id"])
    files_before = db["images.files"].count_documents({})

    for caller, status, code in [(anonymous, 401, "unauthorized"), (shopper, 403, "forbidden")]:
        assert_error(upload(caller, clock["id"], picture_bytes()), status, code)
        assert_error(caller.patch(f"/products/{clock['id']}/images/{image['id']}", json={"alt": "x"}), status, code)
        assert_error(caller.delete(f"/products/{clock['id']}/images/{image['id']}"), status, code)

    assert db["images.files"].count_documents({}) == files_before
    assert positions(admin, clock["id"]) == [("A teal square", 0)]


def test_product_answers_carry_their_images_in_order(admin, anonymous, clock):
    uploaded(admin, clock["id"], alt="front")
    uploaded(admin, clock["id"], alt="back")

    listed = anonymous.get("/products").get_json()["items"][0]["images"]
    one = anonymous.get(f"/products/{clock['slug']}").get_json()["images"]

    assert [i["alt"] for i in listed] == [i["alt"] for i in one] == ["front", "back"]
    assert set(one[0]) == {"id", "alt", "width", "height", "position", "variant_id", "urls"}


def test_another_app_on_the_same_database_serves_the_same_image(app, admin, clock):
    image = uploaded(admin, clock["id"])
    other = started_app(TEST_SETTINGS, mongo_client=app.extensions["mongo_client"])

    mine = media_client(app).get(path_of(image["urls"]["640"]))
    theirs = media_client(other).get(path_of(image["urls"]["640"]))

    assert theirs.status_code == 200 and theirs.data == mine.data
    assert theirs.headers["ETag"] == mine.headers["ETag"]


@pytest.mark.parametrize("mode, image_format, kept_mode", [
    ("P", "PNG", "RGBA"), ("I;16", "PNG", "RGB"), ("CMYK", "JPEG", "RGB"), ("L", "JPEG", "L"), ("LA", "PNG", "LA"),
])
def test_unusual_colour_modes_are_stored_in_one_their_format_keeps(admin, clock, media, mode, image_format, kept_mode):
    picture = Image.new(mode, (200, 100))
    out = io.BytesIO()
    picture.save(out, image_format, **({"transparency": 0} if mode == "P" else {}))

    image = uploaded(admin, clock["id"], out.getvalue(), filename="odd." + image_format.lower())

    kept, _ = stored(media, image["urls"]["200"])
    assert kept.mode == kept_mode


def test_an_image_tagged_with_a_colour_profile_keeps_its_colours_in_srgb_without_the_profile(admin, clock, media):
    from PIL import ImageCms

    srgb_bytes = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (100, 100), (200, 40, 40)).save(out, "JPEG", icc_profile=srgb_bytes, quality=95)

    image = uploaded(admin, clock["id"], out.getvalue(), filename="tagged.jpg")

    kept, _ = stored(media, image["urls"]["100"])
    assert "icc_profile" not in kept.info
    red, green, blue = kept.getpixel((50, 50))
    assert abs(red - 200) < 8 and green < 60 and blue < 60  # sRGB in, the same colour out


def test_a_photo_of_several_megabytes_is_taken(admin, clock, media):
    noise = Image.frombytes("RGB", (1400, 1000), bytes(random.Random(3).randbytes(1400 * 1000 * 3)))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert 3 * 1024 * 1024 < len(buffer.getvalue()) < 10 * 1024 * 1024  # well past what a form field may hold

    image = uploaded(admin, clock["id"], buffer.getvalue())

    assert (image["width"], image["height"]) == (1400, 1000)
    assert media.get(path_of(image["urls"]["1400"])).status_code == 200
