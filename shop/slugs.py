"""Slugs: the readable, URL-safe names that products and categories are found by."""
import re
import unicodedata


def slugify(text):
    """`Retro Clock (Blue)` -> `retro-clock-blue`; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100].strip("-") or "product"
