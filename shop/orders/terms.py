"""An order's terms: the shipping method and the discount code it is priced with.

Each answers `pricing`'s input (a `pricing.Shipping`, a DiscountCode) or refuses the request
with the contract's 422, on the field the shopper has to change.
"""
import dataclasses

from ..errors import InvalidInput
from ..pricing import FREE

# A race lost at the last use (the code's own rule said yes a moment before): its sentences.
USED_UP = {"code": "This discount code has been used up.",
           "customer": "You have already used this discount code as often as it allows."}


def shipping_for(methods, country, currency, method_id):
    """The `pricing.Shipping` of the chosen method; free when the shop has no active method
    and none is named."""
    if method_id is None and not methods.has_active():
        return FREE
    method = methods.get(method_id) if method_id is not None else None
    if method_id is not None and (method is None or not method.active):
        raise InvalidInput({"shipping_method_id": ["No such shipping method."]})
    if method is not None and method.serves(country, currency):
        return method.as_pricing()
    # Refused: which error is read off the methods that serve the country (one more read,
    # spared to every order that names a method that serves it).
    serving = methods.active_for(country, None)  # in any currency
    if not serving:
        raise InvalidInput({"shipping_address": {"country": ["We do not ship there."]}})
    if method is None:
        raise InvalidInput({"shipping_method_id": ["Choose a shipping method."]})
    reason = (f"This shipping method does not deliver to {country}." if method.id not in {m.id for m in serving}
              else f"This shipping method serves orders in {method.currency}, not {currency}.")
    raise InvalidInput({"shipping_method_id": [reason]})


def code_for(codes, uses, text, subtotal, currency, customer, now):
    """The DiscountCode `text` names, if this order may use it now; None without a code."""
    if text is None:
        return None
    code = codes.by_code(text, with_uses=False)
    if code is None:
        raise InvalidInput({"discount_code": ["There is no such discount code."]})
    if code.max_uses is not None:  # counted only where a limit needs them: an order of a popular code stays cheap
        code = dataclasses.replace(code, uses=uses.count(code.id))
    by_customer = uses.count_by_customer(code.id, customer) if code.max_uses_per_customer is not None else 0
    problem = code.problem(subtotal, currency, now, by_customer)
    if problem:
        raise InvalidInput({"discount_code": [problem]})
    return code
