"""Pictures for the demo catalogue, drawn at start-up (nothing is fetched): a soft
background, a few shapes and the product's name, different for every product."""
import io
import zlib

from PIL import Image, ImageDraw, ImageFont

SIZE = (960, 720)
PALETTES = [  # (background, shape, accent, text)
    ("#f3e9dc", "#c97b4a", "#2f5d50", "#2b2b2b"), ("#e3ede8", "#2f5d50", "#e0a458", "#1f2d2a"),
    ("#e8e6f2", "#5b5f97", "#ffc145", "#23253a"), ("#f6e7e7", "#b5525c", "#3d6e8f", "#2e1f21"),
    ("#e6eef5", "#3d6e8f", "#d96c3f", "#1d2a33"), ("#f4f1de", "#81b29a", "#e07a5f", "#3d405b"),
]


def demo_picture(name, sku):
    """A JPEG of SIZE for a product, the same for the same SKU."""
    seed = zlib.crc32(sku.encode())
    background, shape, accent, ink = PALETTES[seed % len(PALETTES)]
    picture = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(picture)
    width, height = SIZE
    for index in range(3):  # three shapes whose places and sizes come from the SKU
        bits = (seed >> (index * 8)) & 0xFF
        radius = 90 + bits % 110
        x, y = 160 + (bits * 7 + index * 260) % (width - 320), 150 + (bits * 3) % 260
        colour = shape if index % 2 == 0 else accent
        if (bits + index) % 3 == 0:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        elif (bits + index) % 3 == 1:
            draw.rounded_rectangle((x - radius, y - radius // 2, x + radius, y + radius // 2), radius=28, fill=colour)
        else:
            draw.regular_polygon((x, y, radius), n_sides=3 + bits % 4, fill=colour)
    draw.rectangle((0, height - 170, width, height), fill=background)
    font = ImageFont.load_default(size=64)
    draw.text((width // 2, height - 90), name, fill=ink, font=font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()
