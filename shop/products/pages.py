"""What a product page shows: the variant picked by its options, and the forms for it.

Shared by the product page and the add-to-cart view that shows the page again
with its errors (routes of two blueprints, which must not import each other).
"""
from flask import request

from .forms import OPTION_FIELD, AddToCartForm
from .images import for_variant


def chosen_options(product, args):
    """{option name: value} from the option lists' query arguments, or None when not every
    option has a value (then the page shows its default variant)."""
    chosen = {option["name"]: args.get(OPTION_FIELD.format(index)) for index, option in enumerate(product.options)}
    return chosen if chosen and all(chosen.values()) else None


def product_page_context(product, variant_id=None, form=None, chosen=None):
    """The template's context: the variant shown (None: the combination asked for is not
    sold), the values selected in the option lists, and the add-to-cart form, which sends
    them. `chosen`: the options an add that failed sent (else the page's query arguments)."""
    chosen = chosen or (None if variant_id else chosen_options(product, request.args))
    variant = product.pick(None if chosen else variant_id or request.args.get("variant"), chosen)
    if form is None:
        form = AddToCartForm(formdata=None, product_id=product.id)
    selected = variant.options if variant else (chosen or {})
    on_sale = any(v.active for v in product.variants)
    return {"product": product, "variant": variant, "form": form, "selected": selected,
            "images": for_variant(product.images, variant.id if variant else None),
            "asked_for_missing": variant is None and bool(chosen or variant_id or request.args.get("variant")),
            "can_add": product.active and on_sale and (product.has_options or bool(variant and variant.in_stock)),
            "option_field": OPTION_FIELD}
