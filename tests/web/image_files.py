"""Image files for the image tests, drawn with Pillow, and an upload helper."""
import io

from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def picture_bytes(size=(1000, 600), image_format="PNG", colour="teal", **save):
    picture = Image.new("RGBA" if image_format in ("PNG", "WEBP") else "RGB", size, colour)
    out = io.BytesIO()
    picture.save(out, image_format, **save)
    return out.getvalue()


def multipart(fields, data=None, filename="picture.png", content_type="image/png"):
    """(body, content type) of a multipart form, made in memory (the test client would spool a
    large one to a temporary file and never close it)."""
    values = dict(fields)
    if data is not None:
        values["file"] = FileStorage(io.BytesIO(data), filename, "file", content_type)
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def upload(api, product_id, data, alt="A teal square", filename="picture.png", **fields):
    """POST the image as multipart, as an admin (or whoever `api` is)."""
    body, content_type = multipart({"alt": alt, **{name: str(value) for name, value in fields.items()}}, data,
                                   filename)
    return api.client.post(f"/api/v1/products/{product_id}/images", data=body, headers=api.headers(),
                           content_type=content_type)


def uploaded(api, product_id, data=None, **fields):
    response = upload(api, product_id, picture_bytes() if data is None else data, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def media_client(app):
    """A client that reads bytes (the suite's checked client reads every answer as text)."""
    return FlaskClient(app, app.response_class, use_cookies=False)


def path_of(url):
    return url.removeprefix("http://127.0.0.1:8000")
