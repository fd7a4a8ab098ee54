"""`/media/<file>`: the stored images, one URL per width, cached for a year.

A file's bytes never change (a new image is a new file with a new name), so its
answer is `immutable`; its ETag is its SHA-256, and a matching If-None-Match is a 304.
"""
from flask import Blueprint, make_response, url_for

from ..caching import immutable
from ..db import get_db
from . import services
from .repository import ImageRepository

media_bp = Blueprint("media", __name__)


@media_bp.get("/media/<file_name>")
def image_file(file_name):
    """One stored width of an image."""
    data, media_type, digest = services.media_file(ImageRepository(get_db()), file_name)
    response = make_response(data)
    response.headers["Content-Type"] = media_type
    return immutable(response, digest)


@media_bp.app_template_global()
def image_src(image, width=640):
    """The URL of the image's rendition nearest `width` (at least as wide, when there is one)."""
    return url_for("media.image_file", file_name=image.nearest(width).file_name(image.extension))


@media_bp.app_template_global()
def image_srcset(image):
    """`url 320w, url 640w, ...`: every width the image is stored at."""
    return ", ".join(f"{url_for('media.image_file', file_name=name)} {width}w"
                     for width, name in image.files_by_width().items())
