"""Racing real requests: each call on its own connection from its own thread,
all released together. Shared by the threaded and the multi-process tests."""
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import ADDRESS


def call(port, method, path, token=None, body=None, headers=None):
    """(status, JSON body) of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        connection.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                           headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


def race(calls):
    """Run every zero-argument callable in its own thread, all released together."""
    barrier = threading.Barrier(len(calls), timeout=30)

    def run(function):
        barrier.wait()
        return function()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def order_body(*lines):
    return {"items": [{"product_id": product_id, "quantity": quantity} for product_id, quantity in lines],
            "shipping_address": ADDRESS}
