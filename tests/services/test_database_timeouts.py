"""The client's timeouts (shop/db.py client_options): a database that does not answer is given
up early enough that the 503 comes within MONGO_TIMEOUT_SECONDS of the request.
tests/processes/test_outage.py measures the whole answer against a stopped and a paused server."""
import time

import pymongo
import pytest

from shop import db
from tests.mongo_server import free_port

TIMEOUT_SECONDS = 2


@pytest.mark.parametrize("operation", [
    lambda store: store.command("ping"),
    lambda store: store.products.find_one({}),
    lambda store: store.orders.insert_one({"number": "AAAA-BBBB"}),
], ids=["ping", "read", "write"])
def test_an_operation_on_a_database_that_is_not_there_gives_up_in_time_for_the_answer(operation):
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{free_port()}/", **db.client_options(TIMEOUT_SECONDS, 1))
    started = time.monotonic()

    with pytest.raises(pymongo.errors.ConnectionFailure):
        operation(client.shop)
    seconds = time.monotonic() - started
    client.close()

    # Given up a second before the timeout, plus at most half a second (pymongo's last
    # look for a server may come that late): room left for the answer, never at the timeout.
    assert seconds < TIMEOUT_SECONDS - 0.25, seconds
