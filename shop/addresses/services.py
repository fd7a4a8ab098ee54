"""Address book use cases: list, add, change, delete, choose the default, and ship an order
to a saved address. The repository comes in as an argument."""
from ..errors import InvalidInput, NotFound
from .model import MAX_ADDRESSES, BookFull

NOT_FOUND = "No such address in your address book."
FULL = (f"Your address book is full ({MAX_ADDRESSES} addresses): delete one you no longer use "
        "before adding another.")
NOT_YOURS = "Choose one of the addresses in your address book."


def list_addresses(addresses, user_id, page, per_page):
    """(addresses, total) of the shopper, oldest first, the default marked."""
    return addresses.page(user_id, page, per_page)


def saved_addresses(addresses, user_id):
    """Every address of the shopper, for a choice (the book holds at most MAX_ADDRESSES)."""
    return addresses.page(user_id, 1, MAX_ADDRESSES)[0]


def get_address(addresses, user_id, address_id):
    address = addresses.get(user_id, address_id)
    if address is None:
        raise NotFound(NOT_FOUND)
    return address


def add_address(addresses, user_id, data, now):
    """Save an address (as AddressCreateSchema loaded it); `default: true` makes it the default."""
    fields = dict(data)
    make_default = fields.pop("default", False)
    try:
        address = addresses.add(user_id, fields, now)
    except BookFull:
        raise InvalidInput({"_schema": [FULL]}, FULL)
    if make_default and not address.default:
        addresses.make_default(user_id, address.id)
        address = get_address(addresses, user_id, address.id)
    return address


def remember(addresses, user_id, address, now):
    """Save an order's address (AddressSchema's shape) unless the shopper has saved it already;
    the new Address, or None when it was there. A full book is a 422, as for adding."""
    if any(saved.shipping_address() == address for saved in saved_addresses(addresses, user_id)):
        return None
    return add_address(addresses, user_id, address, now)


def update_address(addresses, user_id, address_id, data, now):
    """Change any of the address's fields (as AddressUpdateSchema loaded them); `default: true`
    makes it the default."""
    changes = dict(data)
    make_default = changes.pop("default", False)
    address = addresses.update(user_id, address_id, changes, now)
    if address is None:
        raise NotFound(NOT_FOUND)
    if make_default and not address.default:
        addresses.make_default(user_id, address_id)
        address = get_address(addresses, user_id, address_id)
    return address


def delete_address(addresses, user_id, address_id):
    """Delete it; if it was the default, the newest remaining address becomes the default."""
    if not addresses.delete(user_id, address_id):
        raise NotFound(NOT_FOUND)


def shipping_address(addresses, user_id, address_id, field="address_id"):
    """A copy of the shopper's saved address for an order to keep; another's or an unknown
    one is a 422 on `field` (it is a field of the order's body, not the path's thing)."""
    address = addresses.get(user_id, address_id)
    if address is None:
        raise InvalidInput({field: [NOT_YOURS]})
    return address.shipping_address()
