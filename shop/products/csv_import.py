"""Importing the catalogue from CSV rows: what the rows would change (`plan`); doing
it is csv_apply.py. Repositories come in as arguments; the rows come typed and
checked by the schemas (csv_file.py).

Rows are keyed by SKU. A known SKU updates its variant and its product; a new SKU
joins the product of an earlier row with the same slug (or, without one, the same
name), else the catalogue's product with that slug (a new variant), else starts a
new product. Stock is a target: the difference from the stock at that moment is
one `correction` in the ledger; the same stock is no entry at all.
"""
from dataclasses import dataclass, field

from ..categories.model import MAX_PER_PRODUCT
from ..money import format_amount, format_money
from .model import MAX_VARIANTS, combination_problem

LABELS = {"name": "name", "slug": "slug", "currency": "currency", "active": "on-sale state",
          "description": "description", "categories": "categories"}
COLUMN_OF = {"active": "product_active"}
NEW_PRODUCT_CURRENCY = "USD"  # a new product's without a currency cell, as products.services.create_product makes it


@dataclass
class Row:
    """One row of the file, typed: `product` and `variant` hold the cells that were filled
    in (an empty cell changes nothing)."""

    number: int
    product: dict = field(default_factory=dict)
    variant: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column, message)

    def error(self, column, message):
        """One message per cell: the first problem found is the one to fix."""
        if all(found != column for found, _ in self.errors):
            self.errors.append((column, message))


@dataclass
class Change:
    """One thing the import does, as the dry run lists it."""

    row: int
    kind: str  # "create", "variant" (of a product created), "add", "update", "stock"
    sku: str
    what: str


@dataclass
class Group:
    """The rows of one product (new or in the catalogue), and what they change in it."""

    rows: list
    product: object = None  # the stored Product, or None for a new one
    fields: dict = field(default_factory=dict)
    create: dict = None
    updates: dict = field(default_factory=dict)
    variant_updates: list = field(default_factory=list)  # (row, variant, changes)
    additions: list = field(default_factory=list)  # (row, data)
    targets: list = field(default_factory=list)  # (row, sku, stock now, target)
    changes: list = field(default_factory=list)


@dataclass
class Plan:
    rows: list
    groups: list

    @property
    def errors(self):
        return [(row.number, column, message) for row in self.rows for column, message in row.errors]

    @property
    def changes(self):
        return sorted((change for group in self.groups for change in group.changes), key=lambda c: c.row)

    def summary(self):
        kinds = [change.kind for change in self.changes]
        return {"rows": len(self.rows), "created": kinds.count("create"), "added": kinds.count("add"),
                "updated": kinds.count("update"), "stock": kinds.count("stock"),
                "unchanged": len(self.rows) - len({change.row for change in self.changes})}


class _Catalogue:
    def __init__(self, products, categories):
        self.by_sku = {v.sku: (p, v) for p in products for v in p.variants}
        self.by_slug = {p.slug: p for p in products}
        self.category_ids = {c.slug: c.id for c in categories}


def catalogue(products, categories):
    """(every product with its variants, {category id: slug}): what the export writes."""
    return products.all(), {category.id: category.slug for category in categories.all()}


def plan(products, categories, rows):
    """What importing `rows` would do to the catalogue as it is now; writes nothing."""
    catalogue = _Catalogue(products.all(), categories.all())
    groups, of_product, keys, skus = [], {}, {}, {}
    for row in rows:
        sku = row.variant.get("sku")
        if sku is None:
            continue
        if sku in skus:
            row.error("sku", f"This SKU is on row {skus[sku]} too: give each variant one row.")
            continue
        skus[sku] = row.number
        group = _group_for(row, catalogue, groups, of_product, keys)
        if group is not None:
            group.rows.append(row)
    groups = [group for group in groups if group.rows]  # a product whose only row was refused
    for group in groups:
        _decide(group, catalogue)
    return Plan(rows, groups)


def _group_for(row, catalogue, groups, of_product, keys):
    slug, name = row.product.get("slug"), row.product.get("name")
    found = catalogue.by_sku.get(row.variant["sku"])
    if found:
        group = _existing(found[0], groups, of_product)
    elif (slug and ("slug", slug) in keys) or (not slug and name and ("name", name) in keys):
        group = keys[("slug", slug) if slug else ("name", name)]
    elif slug and slug in catalogue.by_slug:
        group = _existing(catalogue.by_slug[slug], groups, of_product)
    elif slug or name:
        group = Group(rows=[])
        groups.append(group)
    else:
        row.error("name", "Enter the product's name (or its slug), so that this new SKU has a product.")
        return None
    if slug:
        other = keys.setdefault(("slug", slug), group)
        taken = catalogue.by_slug.get(slug)
        if other is not group or (taken is not None and taken is not group.product):
            row.error("slug", "Another product has this slug: give this product another one.")
            return None
    if name:
        keys.setdefault(("name", name), group)
    return group


def _existing(product, groups, of_product):
    if product.id not in of_product:
        of_product[product.id] = Group(rows=[], product=product)
        groups.append(of_product[product.id])
    return of_product[product.id]


def _decide(group, catalogue):
    """Fill in what the group's rows change, or their errors."""
    _merge_fields(group, catalogue)
    if group.product is None:
        _decide_new(group)
    else:
        _decide_existing(group)


def _merge_fields(group, catalogue):
    """The product's fields from its first row; later rows may repeat them or leave them
    empty, but not differ."""
    first = group.rows[0]
    for row in group.rows:
        for name, value in row.product.items():
            if name not in group.fields:
                group.fields[name] = value
            elif group.fields[name] != value:
                row.error(COLUMN_OF.get(name, name),
                          f"Row {first.number} gives this product another {LABELS[name]}: "
                          "give each of its rows the same, or leave it empty.")
    if "categories" not in group.fields:
        return
    slugs = list(dict.fromkeys(group.fields.pop("categories")))
    unknown = [slug for slug in slugs if slug not in catalogue.category_ids]
    if unknown:
        first.error("categories", f"No category has the slug {', '.join(unknown)}: create it first, or leave it out.")
    elif len(slugs) > MAX_PER_PRODUCT:
        first.error("categories", f"Give up to {MAX_PER_PRODUCT} categories.")
    group.fields["category_ids"] = [catalogue.category_ids.get(slug) for slug in slugs]


def _option_names(row):
    return list(row.variant["options"])


def _decide_new(group):
    """A product the catalogue does not have yet: made from the group's rows, one variant each."""
    first = group.rows[0]
    names = _option_names(first)
    _check_new(group, first, names)
    if any(row.errors for row in group.rows):
        return
    data = _new_product(group, first, names)
    group.create = data
    currency = data.get("currency", NEW_PRODUCT_CURRENCY)
    what = f"creates the product {data['name']}" + (f" with {len(group.rows)} variants" if names else "")
    group.changes.append(Change(first.number, "create", first.variant["sku"],
                                f"{what} at {_price(first, data['price'], currency)}"))
    for row in group.rows:
        if row is not first:  # made with the product: counted with it, but not "nothing to change"
            group.changes.append(Change(row.number, "variant", row.variant["sku"],
                                        f"a variant of {data['name']} at {_price(row, data['price'], currency)}"))
        _target(group, row, row.variant["sku"], 0)


def _check_new(group, first, names):
    """Mark what a new product's rows lack or contradict: a name, a price on the first row, the
    first row's options on every row (a product without options has one row), no combination twice."""
    if "name" not in group.fields:
        first.error("name", "Enter a name.")
    if "price" not in first.variant:
        first.error("price", "Enter a price.")
    combinations = {}
    for row in group.rows:
        if not names and row is not first:
            row.error("option1_name", f"Row {first.number} makes a product without options, which has one variant "
                                      "only: give its rows options, or this row another slug.")
        elif _option_names(row) != names:
            row.error("option1_name", f"Give the options of row {first.number}: {', '.join(names)}.")
        elif names:
            _unique_combination(row, combinations)
    if len(group.rows) > MAX_VARIANTS:
        group.rows[MAX_VARIANTS].error("sku", f"A product has at most {MAX_VARIANTS} variants.")


def _new_product(group, first, names):
    """The body the new product is created with: its options and variants, or its one SKU."""
    data = dict(group.fields)
    data["price"] = first.variant["price"]
    if names:
        values = {name: list(dict.fromkeys(row.variant["options"][name] for row in group.rows)) for name in names}
        data["options"] = [{"name": name, "values": values[name]} for name in names]
        data["variants"] = [{"sku": row.variant["sku"], "options": row.variant["options"],
                             **({"price": row.variant["price"]} if "price" in row.variant else {})}
                            for row in group.rows]
    else:
        data["sku"] = first.variant["sku"]
    return data


def _price(row, product_price, currency):
    """What the new variant of `row` will cost, as the dry run shows it (so that a person sees
    how their cell was read): its own price, else its product's."""
    return format_money(row.variant.get("price", product_price), currency)


def _unique_combination(row, combinations, taken=None):
    key = tuple(sorted(row.variant["options"].items()))
    if key in combinations:
        row.error("option1_value", f"Row {combinations[key]} has these options too: give each variant its own.")
    elif taken and key in taken:
        row.error("option1_value", f"Variant {taken[key]} of this product has these options.")
    combinations[key] = row.number


def _decide_existing(group):
    product = group.product
    _product_updates(group)
    options = [dict(option, values=list(option["values"])) for option in product.options]
    taken = {tuple(sorted(v.options.items())): v.sku for v in product.variants}
    combinations = {}
    for row in group.rows:
        variant = next((v for v in product.variants if v.sku == row.variant["sku"]), None)
        if variant is not None:
            _variant_updates(group, row, variant)
        elif _new_variant_problem(row, product, options):
            continue
        else:
            _unique_combination(row, combinations, taken)
            if not row.errors:
                data = {"sku": row.variant["sku"], "options": row.variant["options"],
                        **({"price": row.variant["price"]} if "price" in row.variant else {})}
                group.additions.append((row, data))
                price = _price(row, product.price, product.currency)
                group.changes.append(Change(row.number, "add", data["sku"],
                                            f"adds the variant {data['sku']} at {price}"))
                _target(group, row, data["sku"], 0)
    if options != product.options:
        group.updates["options"] = options
        group.changes.append(Change(group.rows[0].number, "update", group.rows[0].variant["sku"],
                                    "options: " + "; ".join(f"{o['name']} {', '.join(o['values'])}" for o in options)))


def _product_updates(group):
    product, first, fields = group.product, group.rows[0], group.fields
    if fields.get("currency", product.currency) != product.currency:
        first.error("currency", f"A product's currency does not change: this one's is {product.currency}.")
    for name in ("name", "slug", "description", "active", "category_ids"):
        if name in fields and fields[name] != getattr(product, name):
            group.updates[name] = fields[name]
    if group.updates:
        described = ", ".join(_describe(name, getattr(product, name), value) for name, value in group.updates.items())
        group.changes.append(Change(first.number, "update", first.variant["sku"], described))


def _describe(name, old, new):
    if name in ("description", "category_ids"):
        return {"description": "description", "category_ids": "categories"}[name]
    if name == "price":
        old, new = format_amount(old), format_amount(new)
    label = {"active": "on sale"}.get(name, name)
    return f"{label} {_shown(old)} → {_shown(new)}"


def _shown(value):
    """A value as the dry run shows it: true and false as a CSV cell gives them."""
    return str(value).lower() if isinstance(value, bool) else value


def _variant_updates(group, row, variant):
    if row.variant["options"] != variant.options:
        row.error("option1_value", f"A variant's options do not change: {variant.sku} is "
                                   f"{variant.label() or 'without options'}.")
        return
    changes = {name: row.variant[name] for name in ("price", "active")
               if name in row.variant and row.variant[name] != getattr(variant, name)}
    if changes:
        group.variant_updates.append((row, variant, changes))
        group.changes.append(Change(row.number, "update", variant.sku, ", ".join(
            _describe(name, getattr(variant, name), value) for name, value in changes.items())))
    _target(group, row, variant.sku, variant.stock)


def _new_variant_problem(row, product, options):
    """Why a new SKU cannot be added to this stored product (the error is on the row);
    a value the product's options lack yet is added to `options`."""
    if not product.options:
        row.error("sku", f"{product.name} has no options, so it has one variant only ({product.sku}): "
                         "give this row another slug to make a new product.")
        return True
    chosen = row.variant["options"]
    if set(chosen) != {option["name"] for option in options}:
        row.error("option1_name", combination_problem(options, {}) or "Choose the product's options.")
        return True
    for option in options:
        if chosen[option["name"]] not in option["values"]:
            option["values"].append(chosen[option["name"]])
    return False


def _target(group, row, sku, stock_now):
    target = row.variant.get("stock")
    if target is not None and target != stock_now:
        group.targets.append((row, sku, stock_now, target))
        group.changes.append(Change(row.number, "stock", sku, f"stock {stock_now} → {target} "
                                                              f"({target - stock_now:+d}, correction)"))
