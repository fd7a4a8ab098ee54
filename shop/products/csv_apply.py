"""Applying an import's plan (csv_import.plan) with the catalogue's own services, so
each write is theirs: atomic, and finished by the repair if a process dies in it.
Stock moves only by `adjust_variant_stock` with the reason `correction`."""
from ..errors import OutOfStock, ShopError
from . import services

NOTE = "CSV import"


def apply(plan, products, ledger, categories, actor_id, now):
    """Do what the plan says, product by product, with the catalogue's services (each of
    their writes is atomic and safe to repeat). A step that fails now (another admin's
    change, a sale taking the last units) is reported with its row and the rest go on.
    Returns [(row number, message)] of the steps that failed."""
    failures = []
    for group in plan.groups:
        product_id = group.product.id if group.product else None
        try:
            if group.create is not None:
                product_id = services.create_product(products, ledger, group.create, actor_id, now, categories).id
            elif group.updates:
                services.update_product(products, product_id, group.updates, now, categories)
        except ShopError as error:
            failures.append((group.rows[0].number, _message(error)))
            if product_id is None:
                continue
        for row, variant, changes in group.variant_updates:
            _try(failures, row, services.update_variant, products, product_id, variant.id, changes, now)
        for row, data in group.additions:
            _try(failures, row, services.add_variant, products, ledger, product_id, data, actor_id, now)
        _correct_stock(group, products, ledger, product_id, actor_id, now, failures)
    return failures


def _correct_stock(group, products, ledger, product_id, actor_id, now, failures):
    if not group.targets:
        return
    try:
        variants = {v.sku: v for v in services.get_product(products, product_id, include_inactive=True).variants}
    except ShopError as error:
        failures.append((group.rows[0].number, _message(error)))
        return
    for row, sku, _, target in group.targets:
        variant = variants.get(sku)
        if variant is not None and target != variant.stock:
            _try(failures, row, services.adjust_variant_stock, products.variants, ledger, variant,
                 target - variant.stock, "correction", NOTE, actor_id, now)


def _try(failures, row, step, *args):
    try:
        step(*args)
    except ShopError as error:
        failures.append((row.number, _message(error)))


def _message(error):
    if isinstance(error, OutOfStock):
        return f"Stock cannot go below zero: {error.details['items'][0]['available']} in stock."
    details = [message for messages in _flat(error.details) for message in messages] if error.details else []
    return " ".join(details) or error.message


def _flat(details):
    if isinstance(details, dict):
        for value in details.values():
            yield from _flat(value)
    elif isinstance(details, (list, tuple)):
        yield [str(item) for item in details if not isinstance(item, (dict, list))]
        for item in details:
            if isinstance(item, (dict, list)):
                yield from _flat(item)
