"""The WSGI entry point: `app` for any WSGI server; `python wsgi.py` serves it with waitress
(shop/serving.py)."""
import logging
import signal
import sys

from shop.app import create_app
from shop.bootstrap import prepare
from shop.config import tune_interpreter, waitress_options
from shop.db import close, is_embedded
from shop.jobs import start_worker
from shop.orders.gateway_repository import APPROVED_TEST_CARD
from shop.serving import serve

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = create_app()
prepare(app)  # migrations and seeding: what the store must have before the first request
worker = start_worker(app) if app.config["WORKER_ENABLED"] else None


def next_steps(app):
    """What a newcomer needs after `make run`: where to go, how to get in, what to pay with."""
    config = app.config
    admin = (f"log in as {config['SHOP_ADMIN_EMAIL']} (from SHOP_ADMIN_EMAIL)" if config.get("SHOP_ADMIN_EMAIL") else
             "none yet: restart with SHOP_ADMIN_EMAIL=you@example.com SHOP_ADMIN_PASSWORD='10-or-more-chars' make run")
    mail = {"console": "printed here, in this log", "smtp": f"sent through {config['SMTP_HOST']}:{config['SMTP_PORT']}",
            "memory": "kept in memory (tests only)"}[config["MAIL_BACKEND"]]
    return "\n".join([
        f"Serving the shop on http://{config['HOST']}:{config['PORT']}/ (Ctrl-C stops it)",
        f"  Its address in links and e-mails: {config['SHOP_BASE_URL']}/ (SHOP_BASE_URL)",
        f"  Back office: {admin}",
        f"  Sandbox cards: {APPROVED_TEST_CARD} is approved, 4000000000000002 is declined (any future expiry, any CVC)",
        f"  E-mails: {mail}",
        f"  API: {config['SHOP_BASE_URL']}/api/v1/openapi.json",
    ])


if __name__ == "__main__":
    if is_embedded(app.extensions["mongo_client"]):
        logging.getLogger("shop").warning(
            "Embedded store (mongomock): all data lives in this process's memory and ends with it. "
            "Set MONGO_URI=mongodb://... to keep it."
        )
    # `docker stop` and process managers send SIGTERM: stop as on Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print(next_steps(app), flush=True)
    tune_interpreter(app.config)
    try:
        serve(app, app.config["HOST"], app.config["PORT"], **waitress_options(app.config))
    except KeyboardInterrupt:  # Ctrl-C: a normal way to stop, not an error
        pass
    finally:  # the worker first, so that no round starts on a closed client
        if worker:
            worker.stop()
        close(app)
        print("The shop has stopped.", flush=True)
