"""The shop as `python wsgi.py` serves it (embedded store, the worker as configured),
optionally grown first to N orders through the shop's own services.

Usage: python bench/serve_shop.py PORT [--orders N]

Growing happens in this process because the embedded store lives in it; the
shipped app has no route for it. The grown shop gets the same fixed catalogue,
created in-process before the orders. `GET /bench/outbox` (here only) answers the
outbox's messages by state, for the order-burst case.
"""
import argparse
import logging
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import catalog  # noqa: E402
from shop.app import create_app  # noqa: E402
from shop.bootstrap import prepare  # noqa: E402
from shop.auth import services as auth_services  # noqa: E402
from shop.auth.repository import UserRepository  # noqa: E402
from shop.clock import utcnow  # noqa: E402
from shop.config import tune_interpreter, waitress_options  # noqa: E402
from shop.jobs import start_worker  # noqa: E402
from shop.mail import MemoryBackend, deliver_due  # noqa: E402
from shop.orders import services as order_services  # noqa: E402
from shop.orders.placing import Checkout, place_order  # noqa: E402
from shop.orders.repositories import Repositories  # noqa: E402
from shop.outbox_repository import OutboxRepository  # noqa: E402
from shop.products import services as product_services  # noqa: E402
from shop.products.repository import LedgerRepository, ProductRepository  # noqa: E402
from shop.serving import serve  # noqa: E402

ADDRESS = {"name": "Bench Shopper", "line1": "1 Loop Road", "city": "Localhost", "postal_code": "12701",
           "country": "US"}
CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}


def grow(app, orders):
    """The catalogue, then `orders` orders from 20 shoppers: 70% paid, 10% cancelled, the rest placed.
    Each places, pays or cancels through the services, so every order writes its ledger entries."""
    db = app.extensions["mongo_db"]
    products, ledger = ProductRepository(db), LedgerRepository(db)
    now = utcnow()
    ids = [product_services.create_product(products, ledger, body, None, now).id for body in catalog.products()]
    users = UserRepository(db)
    shoppers = [auth_services.register(users, f"grown{n}@example.com", "bench-password-1", "Grown", now)
                for n in range(20)]
    stores, mail = Repositories.on(db), MemoryBackend()
    for number in range(orders):
        user, now = shoppers[number % len(shoppers)], utcnow()
        items = [{"product_id": ids[number % len(ids)], "quantity": 1}]
        order, _ = place_order(stores, user, Checkout(items, ADDRESS), None, now, 30)
        if number % 10 < 7:
            order_services.pay_order(stores, user, order.id, CARD, now)
        elif number % 10 == 7:
            order_services.cancel_order(stores, user, order.id, now)
        if number % 20 == 19:
            deliver_due(OutboxRepository(db), mail, now)  # as the worker would have meanwhile


def add_bench_routes(app):
    """What only the benchmark asks, and only this process can answer (its store is in memory)."""
    @app.get("/bench/outbox")
    def outbox_counts():
        return OutboxRepository(app.extensions["mongo_db"]).counts()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--orders", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app()
    prepare(app)  # the admin from the environment, as wsgi.py prepares it
    add_bench_routes(app)
    if args.orders:
        started = time.monotonic()
        grow(app, args.orders)
        print(f"grown to {args.orders} orders in {time.monotonic() - started:.1f}s", flush=True)
    if app.config["WORKER_ENABLED"]:
        start_worker(app)
    print("shop ready", flush=True)
    tune_interpreter(app.config)
    serve(app, "127.0.0.1", args.port, **waitress_options(app.config))


if __name__ == "__main__":
    main()
