"""Shipping method use cases. The repository comes in as an argument."""
from ..errors import NotFound
from .model import free_shipping

NOT_FOUND = "No such shipping method."


def get_method(methods, method_id, include_inactive=True):
    """The method, or NotFound (also for an inactive one, unless `include_inactive`)."""
    method = methods.get(method_id)
    if method is None or not (method.active or include_inactive):
        raise NotFound(NOT_FOUND)
    return method


def list_methods(methods, page, per_page, country=None, currency=None):
    """(methods, total): all of them, or the active ones serving `country` (in `currency`)."""
    return methods.page(page, per_page, country, currency)


def free_shipping_offer(methods):
    """How far shipping is free for every order (model.FreeShipping), or None: what the pages may say."""
    return free_shipping(methods.active())


def create_method(methods, data, now):
    return methods.add(dict(data, created_at=now, updated_at=now))


def update_method(methods, method_id, changes, now):
    get_method(methods, method_id)
    method = methods.update(method_id, changes, now)
    if method is None:  # deleted meanwhile
        raise NotFound(NOT_FOUND)
    return method


def delete_method(methods, method_id):
    """Delete it; orders keep their copy of its name and price."""
    if not methods.delete(method_id):
        raise NotFound(NOT_FOUND)
