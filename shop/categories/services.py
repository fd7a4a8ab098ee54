"""Category use cases. Repositories come in as arguments.

Products refer to categories by id (`category_ids`), and `products.services`
asks this module whether those exist. This package imports nothing of the
products: the callers above it hand the tree's changes a `products` argument
(the products' repository: `count_in_category`, `remove_category`).

A delete and an assignment that race cannot leave a product in a deleted
category: the delete takes the category out of every product after it is gone,
and an assignment looks again after it is written and drops a category that was
deleted meanwhile (each write comes after the other's read, so one of the two
sees it).
"""
from ..errors import Conflict, InvalidInput, NotFound
from ..ids import canonical_id, object_id
from ..retries import MAX_ATTEMPTS, backoff
from ..slugs import slugify
from .model import CategoryTree
from .repository import DUPLICATE_SLUG, DuplicateSlug

SLUG_ATTEMPTS = 50


def tree(categories):
    return CategoryTree(categories.all())


def get_category(categories, id_or_slug):
    """The category named by id or slug, in a tree (its children, ancestors), or NotFound."""
    found = tree(categories)
    category = found.by_id.get(id_or_slug) if object_id(id_or_slug) else None
    category = category or found.by_slug.get(id_or_slug)
    if category is None:
        raise NotFound("No such category.")
    return category, found


def create_category(categories, products, data, now):
    """A new category: stored at the top, then moved under its parent through the log."""
    current = tree(categories)
    _refuse(current.move_problem(None, data.get("parent_id")), "parent_id")
    fields = {"name": data["name"], "description": data.get("description", ""), "created_at": now, "updated_at": now}
    category = _add(categories, fields, data.get("slug"))
    if data.get("parent_id"):
        try:
            _change_tree(categories, products, now, lambda found: _move(found, category.id, data["parent_id"]))
        except (InvalidInput, Conflict):  # the parent went (or moved too deep) meanwhile: nothing is kept
            _change_tree(categories, products, now, lambda found: {"kind": "delete", "category_id": category.id})
            raise
    return get_category(categories, category.id)[0]


def _add(categories, fields, slug):
    """Insert with the slug given (409 when taken), else one made from the name, numbered when taken."""
    if slug:
        try:
            return categories.add(dict(fields, slug=slug))
        except DuplicateSlug:
            raise Conflict(DUPLICATE_SLUG, {"slug": [DUPLICATE_SLUG]})
    base = slugify(fields["name"])
    for number in range(1, SLUG_ATTEMPTS + 1):
        try:
            return categories.add(dict(fields, slug=base if number == 1 else f"{base[:95]}-{number}"))
        except DuplicateSlug:
            continue
    raise Conflict(DUPLICATE_SLUG, {"slug": [DUPLICATE_SLUG]})


def update_category(categories, products, category_id, changes, now):
    """Name, slug and description are written at once; a new parent goes through the log.
    The move is checked first, so a refused one changes nothing."""
    category, current = get_category(categories, category_id)
    moving = "parent_id" in changes and changes["parent_id"] != category.parent_id
    if moving:
        _refuse(current.move_problem(category, changes["parent_id"]), "parent_id")
    fields = {name: value for name, value in changes.items() if name != "parent_id"}
    if fields:
        categories.update(category.id, fields, now)
    if moving:
        _change_tree(categories, products, now, lambda found: _move(found, category.id, changes["parent_id"]))
    return get_category(categories, category.id)[0]


def delete_category(categories, products, category_id, now):
    """Delete a category without subcategories or products (409 otherwise)."""
    category, _ = get_category(categories, category_id)

    def deletion(found):
        current = found.by_id.get(category.id)
        if current is None:
            raise NotFound("No such category.")
        problem = found.delete_problem(current, products.count_in_category(current.id))
        if problem:
            raise Conflict(problem)
        return {"kind": "delete", "category_id": current.id}

    _change_tree(categories, products, now, deletion)


def _move(found, category_id, parent_id):
    category = found.by_id.get(category_id)
    if category is None:
        raise NotFound("No such category.")
    _refuse(found.move_problem(category, parent_id), "parent_id")
    return {"kind": "move", "category_id": category_id, "parent_id": parent_id}


def _refuse(problem, field):
    if problem:
        raise InvalidInput({field: [problem]})


def _change_tree(categories, products, now, make_change):
    """Check a change against the tree at its current version, log it, apply it, clear it.
    `make_change(tree)` returns the change, or raises why it is refused."""
    for attempt in range(MAX_ATTEMPTS):
        version, pending = categories.log_state()
        if pending is not None:  # a change another request logged and has not cleared yet
            _finish(categories, products, pending, now)
            continue
        change = categories.claim(version, make_change(tree(categories)))
        if change is not None:
            return _finish(categories, products, change, now)
        backoff(attempt)
    raise Conflict("The categories are being changed by many requests at once; please retry.")


def _finish(categories, products, change, now):
    categories.apply(change, now)
    if change["kind"] == "delete":  # an assignment made while the delete was checked is undone
        products.remove_category(change["category_id"], now)
    categories.clear(change)


def require_existing(categories, category_ids):
    """`category_ids` without repeats, when each names a category; else a 422 on `category_ids`."""
    wanted = list(dict.fromkeys(category_ids or []))
    if not wanted:
        return wanted
    known = categories.existing(wanted)
    missing = [category_id for category_id in wanted if category_id not in known]
    if missing:
        raise InvalidInput({"category_ids": [
            f"Choose categories that exist: there is no category {', '.join(missing)}."]})
    return wanted


def without_deleted(categories, products, product, now):
    """The product, minus any category deleted while it was being written (the delete won)."""
    if not product.category_ids:
        return product
    gone = set(product.category_ids) - categories.existing(product.category_ids)
    return products.remove_categories(product.id, sorted(gone), now) if gone else product


def products_filter(categories, id_or_slug):
    """The category ids `?category=` names: that category's and its descendants'; none for an
    unknown one (its list is empty, as a filter that matches nothing), None without the filter."""
    if id_or_slug is None:
        return None
    found = tree(categories)
    category = found.find(canonical_id(id_or_slug))
    return tuple(found.descendant_ids(category)) if category else ()
