"""What a product page shows: the variant picked by its options, and the forms for it.

Shared by the product page and the add-to-cart view that shows the page again
with its errors (routes of two blueprints, which must not import each other).
"""
from flask import request

from ..cart.forms import AddToCartForm
from ..images.model import for_variant

OPTION_ARG = "o{}"  # the option picker's query arguments: o0, o1, o2 (by option position)


def chosen_options(product, args):
    """{option name: value} from the picker's query arguments, or None when not every
    option has a value (then the page shows its default variant)."""
    chosen = {option["name"]: args.get(OPTION_ARG.format(index)) for index, option in enumerate(product.options)}
    return chosen if chosen and all(chosen.values()) else None


def product_page_context(product, variant_id=None, form=None):
    """The template's context: the variant shown (None: the combination asked for is not
    sold), the values selected in the picker, and the add-to-cart form for that variant."""
    chosen = None if variant_id else chosen_options(product, request.args)
    variant = product.pick(variant_id or request.args.get("variant"), chosen)
    if form is None:
        form = AddToCartForm(formdata=None, product_id=product.id, variant_id=variant.id if variant else "")
    selected = variant.options if variant else (chosen or {})
    return {"product": product, "variant": variant, "form": form, "selected": selected,
            "images": for_variant(product.images, variant.id if variant else None),
            "asked_for_missing": variant is None and bool(chosen or variant_id or request.args.get("variant")),
            "option_arg": OPTION_ARG}
