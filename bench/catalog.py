"""The benchmark's fixed catalogue: the same few hundred products on every run."""
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
