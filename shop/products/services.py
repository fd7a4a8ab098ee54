"""Catalogue use cases, and an admin's stock adjustments. Repositories come in as arguments.

The stock policy (what an order takes and gives back, and how a movement reaches the
ledger) is stock.py's.
"""
from ..categories import services as category_services
from ..errors import Conflict, InvalidInput, NotFound, OutOfStock
from ..ids import object_id
from ..slugs import slugify
from .model import (
    Shortage, check_options, check_options_change, check_variants, combination_problem,
    in_option_order,
)
from .stock import finish_movement, move
from .variant_repository import DuplicateVariant


# The catalogue ------------------------------------------------------------


def create_product(products, ledger, data, actor_id, now, categories=None):
    """A product and its variants: the one default variant (options {}) when it has no
    options, whose id is the product's, as every v1 product's is after the migration."""
    options = data.get("options") or []
    wanted = data.get("variants") or [{"sku": data["sku"], "options": {}, "stock": data.get("stock", 0)}]
    check_options(options)
    check_variants(options, wanted)
    _refuse_taken_skus(products, [variant["sku"] for variant in wanted])
    product_id = products.new_id()
    drafts = [products.variants.draft(product_id, variant["sku"], in_option_order(options, variant["options"]),
                                      variant.get("price", data["price"]), variant.get("stock", 0), position, now,
                                      actor_id, variant_id=product_id if not options else None)
              for position, variant in enumerate(wanted)]
    fields = {
        "_id": product_id, "name": data["name"], "description": data.get("description", ""),
        "currency": data.get("currency", "USD"), "active": data.get("active", True), "options": options,
        "slug": data.get("slug") or _free_slug(products, data["name"], wanted[0]["sku"]),
        "category_ids": category_services.require_existing(categories, data.get("category_ids")),
        "created_at": now, "updated_at": now,
    }
    products.add(fields, drafts)
    store_pending_variants(products, ledger, product_id, drafts)
    return category_services.without_deleted(categories, products, products.get(product_id), now)


def store_pending_variants(products, ledger, product_id, drafts):
    """Store the variants a product lists as pending, record their initial stock, then
    refresh its summary. Safe to repeat (the repair does, after a crash). When another
    product took an SKU meanwhile, a product being created is undone as a whole, and an
    added variant is dropped: nothing is left half-made."""
    for draft in drafts:
        try:
            products.variants.insert(draft)
        except DuplicateVariant:
            if products.being_created(product_id):
                products.variants.delete_of_product(product_id)
                products.delete(product_id)
            else:
                products.drop_pending_variant(product_id, draft)
            raise Conflict("A product with this SKU exists.", {"sku": ["A product with this SKU exists."]})
    for draft in drafts:
        for movement in products.variants.pending_in(draft):
            finish_movement(products.variants, ledger, movement)
    products.refresh(product_id)


def _refuse_taken_skus(products, skus):
    taken = products.variants.sku_taken(skus)
    if taken:
        message = ("A product with this SKU exists." if len(skus) == 1
                   else f"A product with the SKU {min(taken)} exists.")
        raise Conflict(message, {"sku": [message]})


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


def featured_products(products, limit):
    """The newest products a shopper can buy now: on sale, with units in stock."""
    return products.newest_in_stock(limit)


def update_product(products, product_id, changes, now, categories=None, actor_id=None):
    """Name, description, slug, active, options, categories; `price` only for a product
    with one variant. Putting it on or off sale is kept in its history, by `actor_id`."""
    product = get_product(products, product_id, include_inactive=True)  # by id or slug: write by its id
    changes = dict(changes)
    price = changes.pop("price", None)
    if price is not None:
        if len(product.variants) > 1:
            raise InvalidInput({"price": ["This product has several variants: change each variant's price."]})
        update_variant(products, product.id, product.variants[0].id, {"price": price}, now)
    if "options" in changes:
        check_options_change(product.options, changes["options"], product.variants)
    if not changes:
        return products.get(product.id)
    if "category_ids" in changes:
        changes = dict(changes, category_ids=category_services.require_existing(categories, changes["category_ids"]))
    return category_services.without_deleted(categories, products,
                                             products.update(product.id, changes, now, by=actor_id), now)


def archive_product(products, product_id, now, actor_id=None, reason=None):
    """Take a product off sale; its history keeps who did it, when, and why (`reason`)."""
    product = get_product(products, product_id, include_inactive=True)
    return products.update(product.id, {"active": False}, now, by=actor_id, reason=reason)


def product_history(products, product_id):
    """The product's archive and re-activation entries, newest first."""
    product = get_product(products, product_id, include_inactive=True)
    return list(reversed(products.history(product.id)))


# Variants -----------------------------------------------------------------


def add_variant(products, ledger, product_id, data, actor_id, now):
    product = get_product(products, product_id, include_inactive=True)
    if not product.options:
        raise InvalidInput({"options": ["This product has no options, so it has one variant only."]})
    problem = combination_problem(product.options, data["options"])
    if problem:
        raise InvalidInput({"options": [problem]})
    if product.variant_with(data["options"]):
        raise Conflict("A variant with these options exists.", {"options": ["A variant with these options exists."]})
    _refuse_taken_skus(products, [data["sku"]])
    draft = products.variants.draft(product.id, data["sku"], in_option_order(product.options, data["options"]),
                                    data.get("price", product.price), data.get("stock", 0), len(product.variants),
                                    now, actor_id)
    products.mark_changing(product.id, now, new_variant=draft)
    store_pending_variants(products, ledger, product.id, [draft])
    return products.variants.get(products.variants.draft_id(draft))


def get_variant(products, product_id, variant_id, include_inactive=True):
    product = get_product(products, product_id, include_inactive=True)
    variant = product.variant(variant_id)
    if variant is None or (not variant.active and not include_inactive):
        raise NotFound("No such variant.")
    return product, variant


def update_variant(products, product_id, variant_id, changes, now):
    """Price, active or SKU of one variant (never its stock)."""
    product, variant = get_variant(products, product_id, variant_id)
    if "sku" in changes and changes["sku"] != variant.sku:  # its own SKU, sent back unchanged, is no conflict
        _refuse_taken_skus(products, [changes["sku"]])
    products.mark_changing(product.id, now)
    try:
        variant = products.variants.update(variant_id, changes, now)
    except DuplicateVariant:
        raise Conflict("A variant with this SKU exists.", {"sku": ["A variant with this SKU exists."]})
    finally:
        products.refresh(product.id)
    return variant


def archive_variant(products, product_id, variant_id, now):
    return update_variant(products, product_id, variant_id, {"active": False}, now)


def finish_products(products, ledger, older_than):
    """Repair: store the variants and refresh the summaries that crashed writes left."""
    finished = 0
    for product_id, pending in products.unfinished(older_than):
        try:
            store_pending_variants(products, ledger, product_id, pending)
        except Conflict:
            pass  # undone, or the variant dropped: nothing left to finish
        finished += 1
    return finished


# Stock ----------------------------------------------------------------------


def stock_variant(products, product_id, variant_id):
    """The variant that a stock adjustment or ledger request means (404/422 otherwise)."""
    product = get_product(products, product_id, include_inactive=True)
    variant = product.variant_for(variant_id)
    if variant is None:
        if variant_id is None:
            raise InvalidInput({"variant_id": ["This product has several variants: say which one."]})
        raise NotFound("No such variant.")
    return product, variant


def adjust_stock(products, ledger, product_id, variant_id, delta, reason, note, actor_id, now):
    """An admin's stock adjustment of one variant. Returns (movement, product)."""
    product, variant = stock_variant(products, product_id, variant_id)
    recorded = adjust_variant_stock(products.variants, ledger, variant, delta, reason, note, actor_id, now)
    return recorded, products.get(product.id)


def adjust_variant_stock(variants, ledger, variant, delta, reason, note, actor_id, now):
    """An admin's stock adjustment of a variant already read (a CSV import corrects many of one
    product's variants: reading the whole product again for each would cost a read of every
    variant per row). Returns the movement."""
    fields = {"reason": reason, "note": note, "order_id": None, "actor_id": actor_id}
    moved, movement = move(variants, variant.id, delta, fields, now)
    if moved is None:
        raise NotFound("No such variant.")
    if movement is None:
        raise OutOfStock([Shortage(variant.product_id, variant.id, -delta, moved.stock).as_dict()])
    return finish_movement(variants, ledger, movement)


def movements(products, ledger, product_id, variant_id, page, per_page):
    """A product's ledger, newest first: of one variant, or of all when none is named."""
    product = get_product(products, product_id, include_inactive=True)
    if variant_id is not None:
        _, variant = stock_variant(products, product_id, variant_id)
        return ledger.for_variants([variant.id], page, per_page)
    return ledger.for_variants([v.id for v in product.variants], page, per_page)


def low_stock(products, threshold, page, per_page):
    """Active variants of products on sale at or under `threshold`: [(product, variant)], total."""
    variants, total = products.variants.low_stock(threshold, products.active_ids(), page, per_page)
    catalogue = products.many({v.product_id for v in variants})
    return [(catalogue[v.product_id], v) for v in variants if v.product_id in catalogue], total


def audit_stock(variants, ledger):
    """Every variant whose stock is not the sum of its ledger (counting movements still
    pending in it), or is negative."""
    ledger_sums = ledger.sum_by_variant()
    problems = []
    for variant_id, product_id, sku, stock, pending in variants.all_stock():
        unrecorded = sum(movement.delta for movement in pending if not ledger.has(movement))
        expected = ledger_sums.get(variant_id, 0) + unrecorded
        if stock != expected or stock < 0:
            problems.append({"product_id": product_id, "variant_id": variant_id, "sku": sku, "stock": stock,
                             "ledger_sum": expected})
    return problems
