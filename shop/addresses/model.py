"""A saved address and the address book's rules (no Flask, no Mongo)."""
from dataclasses import dataclass
from datetime import datetime

from ..countries import COUNTRY_NAMES

MAX_ADDRESSES = 20  # per shopper: a book, not a store of anything
FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country", "phone")
OPTIONAL = ("line2", "region", "phone")  # empty when the address has none


class BookFull(Exception):
    """The shopper has MAX_ADDRESSES addresses already."""


@dataclass(frozen=True)
class Address:
    id: str
    user_id: str
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    phone: str
    created_at: datetime
    updated_at: datetime
    default: bool = False

    def shipping_address(self):
        """The copy an order keeps (shaped as AddressSchema loads one: no empty optional field)."""
        return {name: getattr(self, name) for name in FIELDS if name not in OPTIONAL or getattr(self, name)}

    def one_line(self):
        """For a choice at the checkout: "Ada Shopper, 1 Main Street, 12345 Springfield, United States"."""
        return ", ".join(printed_lines(self.shipping_address()))


def printed_lines(address):
    """An address (a saved one's or an order's copy) as it is printed, one line each, those it
    has not left out: name, street, second line, postal code and city, region, country, phone."""
    lines = [address.get("name"), address.get("line1"), address.get("line2"),
             f"{address.get('postal_code', '')} {address.get('city', '')}".strip(), address.get("region"),
             COUNTRY_NAMES.get(address.get("country"), address.get("country")),
             f"Phone: {address['phone']}" if address.get("phone") else None]
    return [line for line in lines if line]


def default_of(chosen_id, newest_id):
    """The default address: the one chosen (None when it no longer exists), else the newest.
    Deleting the default chooses the newest remaining one too, so this fallback only covers
    a choice that a racing delete left naming nothing."""
    return chosen_id if chosen_id is not None else newest_id


def free_slot(used):
    """The lowest slot in 0..MAX_ADDRESSES-1 not in `used`, or BookFull."""
    for slot in range(MAX_ADDRESSES):
        if slot not in used:
            return slot
    raise BookFull()
