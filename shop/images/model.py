"""Pictures and the rules about them: how large an upload may be, which widths are kept, which
file a `/media/` name spells. No I/O here. An image's description and its place in a
product's list are the product's (products.images)."""
from ..products.images import FORMATS

MiB = 1024 * 1024
MAX_BYTES = 10 * MiB  # the contract's limit for the image itself
FORM_OVERHEAD = 64 * 1024  # the other fields and the multipart boundaries around it
MAX_PIXELS = 50_000_000
WIDTHS = (320, 640, 1280)
MEDIA_TYPES = {extension: media_type for media_type, extension in FORMATS.values()}


def rendition_widths(width):
    """Each of WIDTHS narrower than the original, and the original's own width."""
    return sorted({w for w in WIDTHS if w < width} | {width})


def scaled_height(width, height, to_width):
    return max(1, round(height * to_width / width))


def file_media_type(file_name):
    """(file id, media type) that a `/media/` file name spells, or None."""
    file_id, dot, extension = file_name.lower().rpartition(".")
    if not dot or extension not in MEDIA_TYPES:
        return None
    return file_id, MEDIA_TYPES[extension]
