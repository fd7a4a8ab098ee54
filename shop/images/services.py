"""Image use cases: add, describe or move, remove, and read a stored file.

An image is decoded and made into every width it is served at once, when it is
uploaded: serving is then a read of stored bytes on every process, with no image
work per request and nothing to keep in step. Its files are stored before the
product's list names them, and removed after the list stops naming them, so a
listed image always has its files; a process that dies in between leaves only
unnamed files behind, never a broken image.
"""
import logging

from ..errors import InvalidInput, NotFound, ShopError
from ..products import images as image_list
from ..products.images import FORMATS, Image, Rendition
from . import model, processing

log = logging.getLogger(__name__)
ATTEMPTS = 20


class PayloadTooLarge(ShopError):
    status, code, message = 413, "payload_too_large", "The image is larger than 10 MiB. Send a smaller file."


class UnsupportedImage(ShopError):
    status, code, message = 415, "unsupported_media_type", "Send the image as a JPEG, PNG or WebP file."


class ImageBusy(ShopError):
    status, code, message = 409, "conflict", "This product's images are being changed by others at once; please retry."


def add_image(images, product_id, data, alt, variant_id, position, now):
    """Decode, clean and store an upload, then place it in the product's list."""
    _check_variant(images, product_id, variant_id)
    picture, image_format = _decoded(data)
    media_type = FORMATS[image_format][0]
    renditions = [Rendition(width, height, images.store_file(encoded, media_type, digest), digest)
                  for width, height, encoded, digest in processing.renditions(picture, image_format)]
    image = Image(id=images.new_id(), alt=alt, width=picture.width, height=picture.height, format=image_format,
                  created_at=now, variant_id=variant_id, renditions=renditions)
    try:
        listed = _change(images, product_id, lambda current: _with_room(current, image, position))
    except ShopError:
        images.delete_files(image.file_ids)
        raise
    return image_list.find(listed, image.id)


def _with_room(current, image, position):
    if len(current) >= image_list.MAX_IMAGES:
        raise InvalidInput({"file": [f"A product has at most {image_list.MAX_IMAGES} images: remove one first."]})
    return image_list.placed(current, image, position)


def _decoded(data):
    if len(data) > model.MAX_BYTES:
        raise PayloadTooLarge()
    try:
        return processing.decode(data)
    except processing.NotAnImage:
        raise UnsupportedImage()
    except processing.DamagedImage:
        raise InvalidInput({"file": ["This image is damaged and cannot be read: send it again, or another file."]})
    except processing.TooManyPixels:
        raise InvalidInput({"file": [f"Send an image of at most {model.MAX_PIXELS // 1_000_000} megapixels."]})


def _check_variant(images, product_id, variant_id):
    if images.list_of(product_id) is None:
        raise NotFound("No such product.")
    if variant_id is not None and not image_list.is_variant_of(images.variant_ids(product_id), variant_id):
        raise InvalidInput({"variant_id": ["Choose one of this product's variants, by its id."]})


def update_image(images, product_id, image_id, changes):
    """Change an image's alt text and/or its position."""
    def change(current):
        image = _found(current, image_id)
        if "alt" in changes:
            image.alt = changes["alt"]
        return image_list.moved(current, image_id, changes["position"]) if "position" in changes else current

    return image_list.find(_change(images, product_id, change), image_id)


def delete_image(images, product_id, image_id):
    """Remove an image from the list, then its files."""
    removed = []

    def change(current):
        removed[:] = [_found(current, image_id)]
        return image_list.without(current, image_id)

    _change(images, product_id, change)
    images.delete_files(removed[0].file_ids)


def _found(current, image_id):
    image = image_list.find(current, image_id)
    if image is None:
        raise NotFound("No such image.")
    return image


def _change(images, product_id, change):
    """Apply `change` (current list -> new list) as one conditional write, retried when
    another change came first. Returns the list as stored, renumbered."""
    for _ in range(ATTEMPTS):
        listed = images.list_of(product_id)
        if listed is None:
            raise NotFound("No such product.")
        current, seq = listed
        wanted = change(current)
        if images.replace_list(product_id, seq, wanted):
            return image_list.renumbered(wanted)
    raise ImageBusy()


def media_file(images, file_name):
    """(bytes, media type, digest) of a `/media/` file, or NotFound."""
    named = model.file_media_type(file_name)
    stored = images.read_file(named[0]) if named else None
    if stored is None or stored[1] != named[1]:
        raise NotFound("No such image.")
    return stored
