"""A database that goes away and comes back, under a running shop process.

The test starts a MongoDB server of its own (SecantusDB, tests/mongo_server.py),
so that stopping it touches nothing else the suite uses.
"""
import time

import pytest
import requests

from tests.conftest import ADDRESS
from tests.mongo_server import MongoServer

pytestmark = [pytest.mark.server, pytest.mark.slow]

TIMEOUT_SECONDS = 5  # MONGO_TIMEOUT_SECONDS's default: the contract's "503 within 5 s of the request"


@pytest.fixture
def own_server(tmp_path):
    server = MongoServer(data_dir=str(tmp_path / "data"), log_path=str(tmp_path / "mongo.log")).start()
    yield server
    server.close()


def timed(method, url, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, timeout=60, **kwargs)
    return response, time.monotonic() - started


def assert_unavailable(response):
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "unavailable"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def _shop_with_an_order(start_shops, server):
    """(shop, api url, admin headers, product, order body), one order placed."""
    [shop] = start_shops(1, mongo_uri=server.uri, db_name="shop", MONGO_TIMEOUT_SECONDS=TIMEOUT_SECONDS)
    api = shop.url + "/api/v1"
    admin = {"Authorization": "Bearer " + requests.post(api + "/auth/tokens", timeout=30, json={
        "email": "admin@example.com", "password": "admin-password-1"}).json()["token"]}
    product = requests.post(api + "/products", headers=admin, timeout=30,
                            json={"sku": "RETRO-CLOCK", "name": "Retro clock", "price": 3450, "stock": 5}).json()
    order = {"items": [{"product_id": product["id"], "quantity": 1}], "shipping_address": ADDRESS}
    assert requests.post(api + "/orders", headers=admin, json=order, timeout=30).status_code == 201
    return shop, api, admin, product, order


def assert_every_answer_is_a_503_within_the_timeout(shop, api, admin, product, order):
    """/healthz, reads, an order and a page each answer 503 within TIMEOUT_SECONDS of the request."""
    health, seconds = timed("GET", shop.url + "/healthz")
    assert health.status_code == 503 and health.json() == {"status": "unavailable", "db": "unavailable"}
    assert seconds < TIMEOUT_SECONDS, ("/healthz", seconds)
    for method, path, body in [("GET", "/products", None), ("POST", "/orders", order),
                               ("GET", f"/products/{product['id']}", None)]:
        response, seconds = timed(method, api + path, headers=admin, json=body)
        assert_unavailable(response)
        assert seconds < TIMEOUT_SECONDS, (path, seconds)
    page, seconds = timed("GET", shop.url + "/")
    assert page.status_code == 503 and "Traceback" not in page.text
    assert seconds < TIMEOUT_SECONDS, ("/", seconds)


def test_a_database_that_goes_away_is_a_503_within_the_timeout_and_the_shop_recovers_when_it_is_back(
        start_shops, own_server):
    shop, api, admin, product, order = _shop_with_an_order(start_shops, own_server)

    own_server.stop()

    assert_every_answer_is_a_503_within_the_timeout(shop, api, admin, product, order)

    own_server.start()  # same data directory: what was stored is kept

    deadline = time.monotonic() + 30
    while requests.get(shop.url + "/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the shop did not recover without a restart"
        time.sleep(0.2)
    stock = requests.get(api + f"/products/{product['id']}", timeout=30).json()["stock"]
    assert stock == 4  # the order placed before the outage, and nothing of the refused one
    assert requests.post(api + "/orders", headers=admin, json=order, timeout=30).status_code == 201
    listed = requests.get(api + "/orders", headers=admin, timeout=30).json()
    assert listed["total"] == 2


def test_a_database_that_stops_answering_is_a_503_within_the_timeout_and_the_shop_recovers_when_it_answers(
        start_shops, own_server):
    shop, api, admin, product, order = _shop_with_an_order(start_shops, own_server)

    own_server.pause()  # connections stay open and nothing comes back on them
    try:
        assert_every_answer_is_a_503_within_the_timeout(shop, api, admin, product, order)
    finally:
        own_server.resume()

    deadline = time.monotonic() + 30
    while requests.get(shop.url + "/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the shop did not recover without a restart"
        time.sleep(0.2)
    assert requests.get(api + f"/products/{product['id']}", timeout=30).json()["stock"] == 4
