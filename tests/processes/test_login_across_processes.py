"""The failed log-in counters across real `python wsgi.py` processes behind a proxy
(TRUSTED_PROXIES=1): one (e-mail, client) is limited whichever process it reaches, and a
stranger limited on every process never locks the owner out of any."""
import pytest

from tests.racing import call

pytestmark = [pytest.mark.server, pytest.mark.slow]

LIMIT = 3
OWNER, STRANGER = "198.51.100.7", "203.0.113.66"


def log_in(shop, password, address):
    return call(shop.port, "POST", "/auth/tokens", body={"email": "ada@example.com", "password": password},
                headers={"X-Forwarded-For": address})[0]


def test_behind_a_proxy_a_stranger_is_limited_on_every_process_and_the_owner_on_none(start_shops, register):
    register("ada@example.com")
    shops = start_shops(2, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES=LIMIT)

    stranger = [log_in(shops[attempt % 2], "a wrong guess", STRANGER) for attempt in range(LIMIT + 2)]
    owner = [log_in(shop, "correct horse battery", OWNER) for shop in shops]

    assert stranger == [401] * LIMIT + [429, 429]  # the failures of both processes count together
    assert owner == [201, 201]
