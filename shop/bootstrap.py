"""Data an app starts with: v1 products migrated, the products' search fields, the admin from
the environment, the demo catalogue. `prepare` runs them all, from the entry point (wsgi.py)
or `flask --app shop.app prepare`; `create_app` runs none of them."""
import logging

from .auth import services as auth_services
from .auth.repository import UserRepository
from .categories import services as category_services
from .categories.repository import CategoryRepository
from .clock import utcnow
from .errors import Conflict
from .db import get_db, is_embedded
from .images import services as image_services
from .images.demo import demo_picture
from .images.repository import ImageRepository
from .products import services as product_services
from .products.migration import give_products_variants
from .products.repository import LedgerRepository, ProductRepository

log = logging.getLogger(__name__)

DEMO_PRODUCTS = [
    ("RETRO-CLOCK", "Retro Alarm Clock", "A twin-bell alarm clock in enamelled steel that wakes the whole street.",
     3450, 25),
    ("TEAPOT-CAST", "Cast Iron Teapot", "Keeps tea hot for an hour; 900 ml, with a stainless steel infuser.", 5900, 12),
    ("MUG-STONE", "Stoneware Mug", "Hand-glazed, 350 ml, dishwasher safe. Each one is a little different.", 1800, 60),
    ("LAMP-DESK", "Brass Desk Lamp", "An adjustable arm, a warm 2700 K LED bulb and a weighted base.", 8900, 8),
    ("NOTEBOOK-A5", "Dot Grid Notebook A5", "192 pages of 100 g/m² paper that fountain pens love.", 1450, 100),
    ("PEN-FOUNTAIN", "Steel Fountain Pen", "A medium nib, a converter and two ink cartridges in a gift tin.", 4200, 15),
    ("BLANKET-WOOL", "Merino Wool Blanket", "150 x 200 cm of soft merino in forest green.", 12900, 5),
    ("CANDLE-CEDAR", "Cedar Candle", "Soy wax with cedarwood and vetiver; burns for 50 hours.", 2400, 40),
    ("PLANTER-CLAY", "Terracotta Planter", "Unglazed clay with a saucer, 18 cm across.", 1600, 30),
    ("KNIFE-CHEF", "Chef's Knife 20 cm", "Forged carbon steel with an oak handle. Sharpen it and it will outlive you.",
     11500, 3),
    ("APRON-CANVAS", "Canvas Apron", "Waxed cotton canvas with leather straps and two deep pockets.", 3900, 20),
    ("BOARD-OAK", "Oak Cutting Board", "End-grain oak, 40 x 30 cm, oiled and ready.", 6500, 0),
    ("LINEN-TEE", "Linen T-Shirt", "Washed European linen, cool in summer; a relaxed fit in two colours.", 2600, 0),
]


# (slug, name, parent slug, description, SKUs of its products): parents before their children.
DEMO_CATEGORIES = [
    ("kitchen", "Kitchen", None, "Things to cook with, serve with and wear while doing it.", []),
    ("tea-and-coffee", "Tea and coffee", "kitchen", "Teapots and mugs for the slow morning.",
     ["TEAPOT-CAST", "MUG-STONE"]),
    ("cooking", "Cooking", "kitchen", "Knives, boards and aprons that last.",
     ["KNIFE-CHEF", "BOARD-OAK", "APRON-CANVAS"]),
    ("home", "Home", None, "Warmth, light and green things for every room.", []),
    ("living-room", "Living room", "home", "Blankets, candles and planters.",
     ["BLANKET-WOOL", "CANDLE-CEDAR", "PLANTER-CLAY"]),
    ("bedroom", "Bedroom", "home", "For sleeping well and waking on time.", ["BLANKET-WOOL", "RETRO-CLOCK"]),
    ("clothing", "Clothing", "home", "Linen and wool to wear at home and out.", ["LINEN-TEE"]),
    ("desk", "Desk", None, "Paper, pens and a good light to work by.", []),
    ("writing", "Writing", "desk", "Notebooks and pens that are a pleasure to use.", ["NOTEBOOK-A5", "PEN-FOUNTAIN"]),
    ("desk-lighting", "Desk lighting", "desk", "Lamps for reading and writing.", ["LAMP-DESK"]),
]


def prepare(app):
    """Everything an app's store must have before it serves: safe to repeat, and by several
    processes starting at once on the same database."""
    with app.app_context():
        migrated = give_products_variants(get_db())
        if migrated:
            log.warning("Gave %d v1 product(s) their default variant and ledger.", migrated)
        create_admin_from_env(app)
        backfill_search_fields(app)
        if wants_demo_catalog(app):
            seed_demo_catalog(app)


def wants_demo_catalog(app):
    """`DEMO_CATALOG` unset seeds only the embedded store; set to true, any empty store."""
    demo = app.config["DEMO_CATALOG"]
    return demo if demo is not None else is_embedded(app.extensions["mongo_client"])


def create_admin_from_env(app):
    email, password = app.config.get("SHOP_ADMIN_EMAIL"), app.config.get("SHOP_ADMIN_PASSWORD")
    if not (email and password):
        return
    problems = auth_services.admin_credentials_problems(email, password)
    if problems:  # the same rule as the API's and `flask create-admin`'s: refuse to start
        fields = "; ".join(f"{'SHOP_ADMIN_' + name.upper()}: {' '.join(messages)}"
                           for name, messages in problems.items())
        raise RuntimeError(f"The admin account from the environment is not valid: {fields}")
    if auth_services.ensure_admin(UserRepository(get_db()), email, password, utcnow()):
        log.warning("Created the admin account %s from SHOP_ADMIN_EMAIL.", email)


DEMO_VARIANTS = {
    "LINEN-TEE": {
        "options": [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Colour", "values": ["Sand", "Slate"]}],
        "variants": [
            {"sku": f"LINEN-TEE-{size}-{colour.upper()}", "options": {"Size": size, "Colour": colour},
             "stock": stock, **({"price": 2900} if size == "L" else {})}
            for (size, colour), stock in {("S", "Sand"): 8, ("M", "Sand"): 12, ("L", "Sand"): 3,
                                          ("S", "Slate"): 0, ("M", "Slate"): 6, ("L", "Slate"): 4}.items()
        ],
    },
}


def backfill_search_fields(app):
    """Products stored before search folded their text (or under an older rule) get their
    search fields; several processes starting at once write each product's fields once."""
    written = ProductRepository(get_db()).backfill_search_fields()
    if written:
        log.warning("Folded the search text of %d products.", written)


def seed_demo_catalog(app):
    products, ledger = ProductRepository(get_db()), LedgerRepository(get_db())
    if products.count():
        return
    now = utcnow()
    categories = CategoryRepository(get_db())
    in_categories = _seed_demo_categories(categories, products, now)
    for sku, name, description, price, stock in DEMO_PRODUCTS:
        data = {"sku": sku, "name": name, "description": description, "price": price, "stock": stock,
                "category_ids": in_categories.get(sku, [])}
        if sku in DEMO_VARIANTS:  # a product sold in sizes and colours: no sku or stock of its own
            data = dict(data, **DEMO_VARIANTS[sku])
            del data["sku"], data["stock"]
        try:
            product = product_services.create_product(products, ledger, data, None, now, categories=categories)
        except Conflict:
            continue  # another process starting on the same database seeded this one first
        image_services.add_image(ImageRepository(get_db()), product.id, demo_picture(name, sku), name, None, None, now)


def _seed_demo_categories(categories, products, now):
    """The demo tree; returns {sku: [category ids]}. A category another process made first is used as it is."""
    ids, in_categories = {}, {}
    for slug, name, parent, description, skus in DEMO_CATEGORIES:
        data = {"slug": slug, "name": name, "description": description, "parent_id": ids.get(parent)}
        try:
            ids[slug] = category_services.create_category(categories, products, data, now).id
        except Conflict:
            ids[slug] = categories.by_slug(slug).id
        for sku in skus:
            in_categories.setdefault(sku, []).append(ids[slug])
    return in_categories
