"""Pillow's part: read an upload as an image, and write it out again, clean.

Every upload is decoded and re-encoded, never stored as sent: the EXIF orientation
is applied to the pixels first, colours described by an embedded profile are turned
into sRGB (what browsers assume of an untagged image), and nothing else of the file
survives (EXIF, GPS, XMP, comments, the profile itself, extra frames). What is not a JPEG, PNG or WebP by
its first bytes is refused whatever it is called; a file that says it is one of
them but does not decode is damaged; and the pixel count is checked from the
header, before any pixel is decoded, so a small file that would unpack into
gigabytes (a decompression bomb) costs nothing.
"""
import hashlib
import io
import warnings

from PIL import Image, ImageCms, ImageOps

from ..products.images import FORMATS
from .model import MAX_PIXELS, rendition_widths, scaled_height

SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 82, "method": 4},
}
# What each format is written in: JPEG has no alpha; palettes and 16-bit modes become
# 8-bit RGB(A), which every format stores and resizes smoothly.
KEPT_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA"), "WEBP": ("RGB", "RGBA")}


class NotAnImage(Exception):
    """Not JPEG, PNG or WebP content (415)."""


class DamagedImage(Exception):
    """A JPEG, PNG or WebP that does not decode (422)."""


class TooManyPixels(Exception):
    """Over MAX_PIXELS (422)."""


def _signed(data):
    return data.startswith(SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def decode(data):
    """(picture upright, with no metadata, Pillow's format name) of the upload's bytes."""
    if not _signed(data):
        raise NotAnImage()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if picture.width * picture.height > MAX_PIXELS:
                raise TooManyPixels()
            picture.load()
            image_format = picture.format
            clean = _clean(_in_srgb(ImageOps.exif_transpose(picture)), image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels()
    except TooManyPixels:
        raise
    except Exception:  # noqa: BLE001  a broken file makes Pillow's decoders raise nearly anything
        raise DamagedImage()
    return clean, image_format


SRGB = ImageCms.createProfile("sRGB")


def _in_srgb(picture):
    """The picture's colours in sRGB when it carries a colour profile (a camera's Display P3,
    a print shop's CMYK); as it is when it has none, or one that cannot be read."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if picture.mode == "RGBA" else "L" if picture.mode == "L" else "RGB"
        converted = ImageCms.profileToProfile(picture, source, SRGB if mode != "L" else source, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return picture
    return converted or picture


def _clean(picture, image_format):
    """The pixels alone, in a mode the format keeps: no info (EXIF, ICC, text) rides along."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    if picture.mode not in KEPT_MODES[image_format] or "transparency" in picture.info:
        wanted = "RGBA" if has_alpha and image_format != "JPEG" else "RGB"
        picture = picture.convert("RGBA" if has_alpha else "RGB").convert(wanted)
    picture.info = {}
    return picture


def encode(picture, image_format):
    """The picture as a file of `image_format`, with nothing but its pixels."""
    out = io.BytesIO()
    picture.save(out, image_format, **SAVE_OPTIONS[image_format])
    return out.getvalue()


def renditions(picture, image_format):
    """[(width, height, bytes, sha256 hex)] for every width the image is served at."""
    made = []
    for width in rendition_widths(picture.width):
        height = scaled_height(picture.width, picture.height, width)
        sized = picture if width == picture.width else picture.resize((width, height), Image.Resampling.LANCZOS,
                                                                       reducing_gap=3.0)
        data = encode(sized, image_format)
        made.append((width, height, data, hashlib.sha256(data).hexdigest()))
    return made
