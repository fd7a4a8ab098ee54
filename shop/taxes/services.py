"""Tax rate use cases. The repository comes in as an argument."""
from ..errors import Conflict, NotFound
from .repository import CountryTaken

NOT_FOUND = "No such tax rate."


def _taken(country):
    message = f"{country} has a tax rate already: change that one instead."
    return Conflict(message, {"country": [message]})


def get_rate(rates, rate_id):
    rate = rates.get(rate_id)
    if rate is None:
        raise NotFound(NOT_FOUND)
    return rate


def list_rates(rates, page, per_page):
    return rates.page(page, per_page)


def create_rate(rates, data, now):
    """A country's rate; a second one for the same country is 409."""
    try:
        return rates.add(dict(data, created_at=now, updated_at=now))
    except CountryTaken:
        raise _taken(data["country"])


def update_rate(rates, rate_id, changes, now):
    get_rate(rates, rate_id)
    try:
        rate = rates.update(rate_id, changes, now)
    except CountryTaken:
        raise _taken(changes["country"])
    if rate is None:
        raise NotFound(NOT_FOUND)
    return rate


def delete_rate(rates, rate_id):
    """Delete it: the country is taxed at 0 from now on; placed orders keep their taxes."""
    if not rates.delete(rate_id):
        raise NotFound(NOT_FOUND)
