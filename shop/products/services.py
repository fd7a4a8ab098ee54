"""Catalogue and stock use cases. Repositories come in as arguments.

Every unit of stock moves through `move_stock`, which changes the product and
records the movement in the ledger, so that a product's stock always equals
the sum of its ledger's deltas.
"""
import logging

from pymongo.errors import PyMongoError

from ..errors import Conflict, NotFound, OutOfStock
from .model import INITIAL, Shortage, slugify
from ..ids import object_id
from .repository import MAX_ATTEMPTS, StockBusy, backoff, movement_from_doc

log = logging.getLogger(__name__)


def create_product(products, ledger, data, actor_id, now):
    fields = {
        "sku": data["sku"],
        "name": data["name"],
        "description": data.get("description", ""),
        "price": data["price"],
        "currency": data.get("currency", "USD"),
        "stock": data.get("stock", 0),
        "active": data.get("active", True),
        "slug": data.get("slug") or _free_slug(products, data["name"], data["sku"]),
        "created_at": now,
        "updated_at": now,
    }
    initial = None
    if fields["stock"]:
        initial = {"delta": fields["stock"], "reason": INITIAL, "order_id": None, "actor_id": actor_id, "created_at": now}
    product, movement = products.add(fields, initial)
    if movement:
        finish_movement(products, ledger, movement)
    return product


def _free_slug(products, name, sku):
    """A slug made from the name; the SKU is added when that one is taken."""
    slug = slugify(name)
    return slug if not products.slug_taken(slug) else slugify(f"{name}-{sku}")


def get_product(products, id_or_slug, include_inactive=False):
    product = products.get(id_or_slug) if object_id(id_or_slug) else None
    product = product or products.by_slug(id_or_slug)
    if product is None or (not product.active and not include_inactive):
        raise NotFound("No such product.")
    return product


def product_for_page(products, slug, include_inactive=False):
    """The product a page address names: by its id or its slug, else by a slug it had before
    (the page then moves to the current one); NotFound as for `get_product`."""
    try:
        return get_product(products, slug, include_inactive)
    except NotFound:
        moved = products.by_old_slug(slug)
        if moved is None:
            raise
        return get_product(products, moved.id, include_inactive)


def list_products(products, query):
    return products.search(query)


def update_product(products, product_id, changes, now):
    get_product(products, product_id, include_inactive=True)
    if not changes:
        return products.get(product_id)
    return products.update(product_id, changes, now)


def archive_product(products, product_id, now):
    get_product(products, product_id, include_inactive=True)
    return products.update(product_id, {"active": False}, now)


def adjust_stock(products, ledger, product_id, delta, reason, note, actor_id, now):
    """An admin's stock adjustment. Returns (movement, product)."""
    fields = {"reason": reason, "note": note, "order_id": None, "actor_id": actor_id}
    product, movement = _move(products, product_id, delta, fields, now)
    if product is None:
        raise NotFound("No such product.")
    if movement is None:
        raise OutOfStock([Shortage(product_id, -delta, product.stock).as_dict()])
    return finish_movement(products, ledger, movement), product


def move_stock(products, product_id, delta, reason, order_id, actor_id, now, seen=None):
    """Move stock for an order. Returns the pending movement, or a Shortage.

    The movement is stored in the product until `finish_movement` records it.
    `seen` is the product as just read, when the caller has it (saves a read).
    """
    fields = {"reason": reason, "order_id": order_id, "actor_id": actor_id}
    product, movement = _move(products, product_id, delta, fields, now, seen)
    if movement is None:
        return Shortage(product_id, -delta, product.stock if product else 0)
    return movement


def _move(products, product_id, delta, fields, now, seen=None):
    try:
        return products.apply_movement(product_id, delta, fields, now, seen)
    except StockBusy:
        raise Conflict("This product is being changed by many requests at once; please retry.")


def finish_movement(products, ledger, movement):
    """Copy a pending movement into the ledger, then drop it from the product.

    The movement counts from the moment it is in the product, so a database
    error here does not undo the caller's change: the repair records it later.
    """
    try:
        ledger.record(movement)
        products.clear_pending(movement["product_id"], movement["_id"])
    except PyMongoError as error:
        log.warning("stock movement %s left for the repair: %s", movement["_id"], type(error).__name__)
    return movement_from_doc(movement)


def give_back(products, ledger, product_id, order_id, reason, actor_id, now):
    """Return every unit that `order_id` still holds of this product. Returns the movement,
    or None when the order holds none (never taken, or given back already).

    Exactly once, however many callers try at the same time (a slow request, the
    repair, a second cancel): the product is read with its pending movements,
    then the ledger, and the write is guarded by the `ledger_seq` of that read.
    Another give-back either came before the read (it is then in `pending`, or
    already in the ledger, which is written before `pending` is cleared) or
    changed `ledger_seq`, and this write fails and looks again.
    """
    fields = {"reason": reason, "order_id": order_id, "actor_id": actor_id}
    for attempt in range(MAX_ATTEMPTS):
        product, pending = products.with_pending(product_id)
        if product is None:
            return None
        mine = [m for m in pending if m.get("order_id") == order_id]
        recorded = ledger.net_for_order(order_id, product_id, excluding={m["_id"] for m in mine})
        held = -(recorded + sum(m["delta"] for m in mine))
        if held <= 0:
            return None
        _, movement = products.try_movement(product, held, fields, now)
        if movement is not None:
            return finish_movement(products, ledger, movement)
        backoff(attempt)
    raise Conflict("This product is being changed by many requests at once; please retry.")


def movements(products, ledger, product_id, page, per_page):
    get_product(products, product_id, include_inactive=True)
    return ledger.for_product(product_id, page, per_page)


def low_stock(products, threshold, page, per_page):
    return products.low_stock(threshold, page, per_page)



def audit_stock(products, ledger):
    """Every product whose stock is not the sum of its ledger (counting movements
    still pending in the product), or is negative."""
    ledger_sums = ledger.sum_by_product()
    problems = []
    for product_id, sku, stock, pending in products.all_stock():
        unrecorded = sum(m["delta"] for m in pending if not ledger.has(m["_id"]))
        expected = ledger_sums.get(product_id, 0) + unrecorded
        if stock != expected or stock < 0:
            problems.append({"product_id": product_id, "sku": sku, "stock": stock, "ledger_sum": expected})
    return problems
