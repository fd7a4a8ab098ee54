"""`python wsgi.py` as `make run` starts it: on the embedded store, it says what to do
next, serves, and stops cleanly (no traceback, no error line) on Ctrl-C and SIGTERM."""
import signal

import pytest
import requests

from tests.processes.harness import ShopProcess


@pytest.fixture
def start_shop(tmp_path):
    """start_shop(**settings) -> a ready `python wsgi.py` on the embedded store."""
    def start(**settings):
        return ShopProcess(str(tmp_path / "shop.log"), **settings).start().wait_ready()

    return start


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_shop_says_what_to_do_next_and_stops_cleanly(start_shop, stop):
    # DEMO_CATALOG empty is unset, as for `make run`: the embedded store gets the demo catalogue.
    shop = start_shop(SHOP_ADMIN_EMAIL="boss@example.com", SHOP_ADMIN_PASSWORD="boss-password-1", DEMO_CATALOG="")
    port = shop.port
    assert requests.get(f"http://127.0.0.1:{port}/products", timeout=10).status_code == 200
    assert requests.get(f"http://127.0.0.1:{port}/api/v1/products", timeout=10).json()["total"] > 0
    login = {"email": "boss@example.com", "password": "boss-password-1"}
    assert requests.post(f"http://127.0.0.1:{port}/api/v1/auth/tokens", json=login, timeout=10).status_code == 201

    shop.signal(stop)
    shop.process.wait(30)
    output = shop.log()

    assert shop.process.returncode == 0, output
    assert f"Serving the shop on http://127.0.0.1:{port}/ (Ctrl-C stops it)" in output
    assert "log in as boss@example.com" in output
    assert "4242424242424242 is approved" in output
    assert "E-mails: printed here" in output
    assert output.rstrip().endswith("The shop has stopped.")
    assert "Traceback" not in output and " ERROR " not in output and "KeyboardInterrupt" not in output


def test_without_an_admin_it_says_how_to_get_one(start_shop):
    shop = start_shop(SHOP_ADMIN_EMAIL="", SHOP_ADMIN_PASSWORD="")
    shop.signal(signal.SIGTERM)
    shop.process.wait(30)
    output = shop.log()

    assert "Back office: none yet: restart with SHOP_ADMIN_EMAIL=" in output
