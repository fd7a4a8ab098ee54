"""Pages of orders, as each order is now: the shopper's, an admin's, the back office's search,
and the customers with their order counts. An unpaid order past its payment window is expired
as a list reads it, as reading it alone does (expiry.expired_if_due), so no list shows it
placed."""
from ..auth.model import CUSTOMER, normalize_email
from . import model
from .expiry import expired_if_due


def _as_of_now(repos, found, now):
    """A page of orders `(orders, total)` as each is now: an unpaid order past its window is
    expired on the way, as reading it alone does, so no list shows it as placed."""
    orders, total = found
    return [expired_if_due(repos, order, now) for order in orders], total


def list_orders(repos, user, status, user_id, page, per_page, now, number=None, email=None):
    """A page of the orders `user` may see (an admin: anyone's, or `user_id`'s), optionally
    only those with `status`, the order `number` (as typed) or the customer's `email`."""
    owner = user_id if user.is_admin else user.id
    found = repos.orders.page(owner, status, page, per_page, number=model.typed_number(number) if number else None,
                               email=normalize_email(email) if email else None)
    return _as_of_now(repos, found, now)


def search_orders(repos, users, status, page, per_page, now, number=None, customer=None):
    """The back office's search: a page of everyone's orders, newest first, optionally only
    those with `status`, whose number starts as `number` (any case, with or without its dash)
    and whose customer's e-mail holds `customer` or whose name (the customer account's or the
    shipping address's) starts with it."""
    found = repos.orders.search(status, page, per_page, number_start=model.number_start(number) if number else None,
                                 customer=customer, user_ids=users.ids_named(CUSTOMER, customer) if customer else ())
    return _as_of_now(repos, found, now)


def customers_page(repos, users, prefix, page, per_page):
    """A page of the customers' accounts, newest first (those whose e-mail or name starts with
    `prefix`, any case), with how many orders each placed that shoppers can see: (users,
    {user_id: count}, total). The page's counts are one grouped read, not one per account."""
    found, total = users.page(CUSTOMER, prefix, page, per_page)
    return found, repos.orders.count_by_user([user.id for user in found]), total
