"""The benchmark's fixed catalogue: the same few hundred products on every run, in a
fixed tree of categories (four top-level ones, a subcategory per kind of thing)."""
import random

SIZE = 300
STOCK = 1_000_000  # enough that no benchmark run sells out
_ADJECTIVES = ["Retro", "Oak", "Brass", "Linen", "Stoneware", "Copper", "Walnut", "Merino", "Cedar", "Enamel",
               "Glass", "Canvas", "Steel", "Clay", "Bamboo"]
_NOUNS = ["Clock", "Teapot", "Mug", "Lamp", "Notebook", "Pen", "Blanket", "Candle", "Planter", "Knife",
          "Apron", "Board", "Bowl", "Vase", "Tray", "Basket", "Kettle", "Stool", "Mirror", "Rug"]


def products():
    """SIZE product bodies for `POST /api/v1/products`, identical on every run."""
    rng = random.Random(5)
    items = []
    for number in range(SIZE):
        adjective, noun = _ADJECTIVES[number % len(_ADJECTIVES)], _NOUNS[number % len(_NOUNS)]
        items.append({
            "sku": f"BENCH-{number:04d}",
            "name": f"{adjective} {noun} {number:03d}",
            "description": f"A {adjective.lower()} {noun.lower()} made to last; item {number} of the bench catalogue.",
            "price": rng.randrange(500, 20000),
            "stock": STOCK,
        })
    return items


SIZES, COLOURS = ["XS", "S", "M", "L", "XL"], ["Sand", "Slate"]


def products_with_variants(count=10):
    """`count` product bodies with 10 variants each (5 sizes x 2 colours), identical on every run."""
    return [{
        "name": f"Linen Shirt {number:02d}", "price": 3900,
        "description": "Washed linen; a shirt of the bench catalogue.",
        "options": [{"name": "Size", "values": SIZES}, {"name": "Colour", "values": COLOURS}],
        "variants": [{"sku": f"BENCH-SHIRT-{number:02d}-{size}-{colour.upper()}",
                      "options": {"Size": size, "Colour": colour},
                      "price": 3900 + 100 * index, "stock": STOCK}
                     for index, (size, colour) in enumerate((s, c) for s in SIZES for c in COLOURS)],
    } for number in range(count)]


# Top-level category -> the kinds of things (nouns) in it; each kind is a subcategory.
CATEGORIES = {"Kitchen": ["Teapot", "Mug", "Knife", "Board", "Bowl", "Kettle"],
              "Home": ["Blanket", "Candle", "Planter", "Vase", "Rug", "Mirror", "Basket"],
              "Desk": ["Clock", "Lamp", "Notebook", "Pen", "Tray"],
              "Workshop": ["Apron", "Stool"]}


def categories():
    """(name, parent name or None) of every category, parents first."""
    return [(top, None) for top in CATEGORIES] + [(f"{noun}s", top) for top, nouns in CATEGORIES.items()
                                                   for noun in nouns]


def category_of(product):
    """The name of the subcategory a product body goes in: its kind of thing."""
    return product["name"].split()[1] + "s"
