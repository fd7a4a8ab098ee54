"""A product's list of images, as its document holds it: each image's description, its stored
widths, and where it goes in the list (which come first for a variant). No I/O here; the
pictures' bytes and how they are made are the images package's."""
from dataclasses import dataclass, field
from datetime import datetime

MAX_IMAGES = 250  # per product, as Shopify's
ALT_MAX = 200
# Pillow's format name -> (media type, file extension); the stored image keeps its format.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass
class Rendition:
    """One stored width of an image: a file of its own, named by its id and extension."""

    width: int
    height: int
    file_id: str
    digest: str  # SHA-256 of the file's bytes: its ETag

    def file_name(self, extension):
        return f"{self.file_id}.{extension}"


@dataclass
class Image:
    id: str
    alt: str
    width: int
    height: int
    format: str
    created_at: datetime
    variant_id: str = None
    renditions: list = field(default_factory=list)
    position: int = 0

    @property
    def extension(self):
        return FORMATS[self.format][1]

    @property
    def file_ids(self):
        return [rendition.file_id for rendition in self.renditions]

    def nearest(self, width):
        """The narrowest rendition at least `width` wide, else the widest."""
        ordered = sorted(self.renditions, key=lambda r: r.width)
        return next((r for r in ordered if r.width >= width), ordered[-1])

    def files_by_width(self):
        """{width: file name}, narrowest first."""
        return {r.width: r.file_name(self.extension) for r in sorted(self.renditions, key=lambda r: r.width)}


def placed(images, image, position=None):
    """`images` with `image` at `position` (0-based; None or past the end: last)."""
    at = len(images) if position is None else min(position, len(images))
    return images[:at] + [image] + images[at:]


def moved(images, image_id, position):
    """`images` with the one whose id is `image_id` moved to `position` (past the end: last)."""
    image = find(images, image_id)
    return placed(without(images, image_id), image, position)


def without(images, image_id):
    return [image for image in images if image.id != image_id]


def find(images, image_id):
    return next((image for image in images if image.id == image_id), None)


def renumbered(images):
    """The list with each image's `position` its place in it."""
    for position, image in enumerate(images):
        image.position = position
    return images


def is_variant_of(variant_ids, variant_id):
    """Whether `variant_id` names one of the product's variants (`variant_ids`)."""
    return variant_id in variant_ids


def for_variant(images, variant_id):
    """A product page's images: the chosen variant's own first, then the rest, each in order."""
    if variant_id is None:
        return list(images)
    own = [image for image in images if image.variant_id == variant_id]
    return own + [image for image in images if image.variant_id != variant_id]
