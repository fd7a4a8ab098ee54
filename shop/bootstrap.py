"""Data an app starts with: the admin from the environment, the demo catalogue."""
import logging

from .auth import services as auth_services
from .auth.repository import UserRepository
from .clock import utcnow
from .errors import Conflict
from .db import get_db
from .products import services as product_services
from .products.repository import LedgerRepository, ProductRepository

log = logging.getLogger(__name__)

DEMO_PRODUCTS = [
    ("RETRO-CLOCK", "Retro Alarm Clock", "A twin-bell alarm clock in enamelled steel that wakes the whole street.", 3450, 25),
    ("TEAPOT-CAST", "Cast Iron Teapot", "Keeps tea hot for an hour; 900 ml, with a stainless steel infuser.", 5900, 12),
    ("MUG-STONE", "Stoneware Mug", "Hand-glazed, 350 ml, dishwasher safe. Each one is a little different.", 1800, 60),
    ("LAMP-DESK", "Brass Desk Lamp", "An adjustable arm, a warm 2700 K LED bulb and a weighted base.", 8900, 8),
    ("NOTEBOOK-A5", "Dot Grid Notebook A5", "192 pages of 100 g/m² paper that fountain pens love.", 1450, 100),
    ("PEN-FOUNTAIN", "Steel Fountain Pen", "A medium nib, a converter and two ink cartridges in a gift tin.", 4200, 15),
    ("BLANKET-WOOL", "Merino Wool Blanket", "150 x 200 cm of soft merino in forest green.", 12900, 5),
    ("CANDLE-CEDAR", "Cedar Candle", "Soy wax with cedarwood and vetiver; burns for 50 hours.", 2400, 40),
    ("PLANTER-CLAY", "Terracotta Planter", "Unglazed clay with a saucer, 18 cm across.", 1600, 30),
    ("KNIFE-CHEF", "Chef's Knife 20 cm", "Forged carbon steel with an oak handle. Sharpen it and it will outlive you.", 11500, 3),
    ("APRON-CANVAS", "Canvas Apron", "Waxed cotton canvas with leather straps and two deep pockets.", 3900, 20),
    ("BOARD-OAK", "Oak Cutting Board", "End-grain oak, 40 x 30 cm, oiled and ready.", 6500, 0),
]


def create_admin_from_env(app):
    email, password = app.config.get("SHOP_ADMIN_EMAIL"), app.config.get("SHOP_ADMIN_PASSWORD")
    if not (email and password):
        return
    problems = auth_services.admin_credentials_problems(email, password)
    if problems:  # the same rule as the API's and `flask create-admin`'s: refuse to start
        fields = "; ".join(f"{'SHOP_ADMIN_' + name.upper()}: {' '.join(messages)}" for name, messages in problems.items())
        raise RuntimeError(f"The admin account from the environment is not valid: {fields}")
    if auth_services.ensure_admin(UserRepository(get_db()), email, password, utcnow()):
        log.warning("Created the admin account %s from SHOP_ADMIN_EMAIL.", email)


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
    for sku, name, description, price, stock in DEMO_PRODUCTS:
        data = {"sku": sku, "name": name, "description": description, "price": price, "stock": stock}
        try:
            product_services.create_product(products, ledger, data, None, now)
        except Conflict:
            pass  # another process starting on the same database seeded this one first
