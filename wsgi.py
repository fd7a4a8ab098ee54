"""The WSGI entry point: `app` for any WSGI server; `python wsgi.py` serves it with waitress."""
import logging
import signal
import sys

from waitress import serve

from shop import create_app
from shop.config import waitress_options
from shop.db import close, is_embedded
from shop.jobs import start_worker

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = create_app()
worker = start_worker(app) if app.config["WORKER_ENABLED"] else None

if __name__ == "__main__":
    if is_embedded(app.extensions["mongo_client"]):
        logging.getLogger("shop").warning(
            "Embedded store (mongomock): all data lives in this process's memory and ends with it. "
            "Set MONGO_URI=mongodb://... to keep it."
        )
    # `docker stop` and process managers send SIGTERM: stop as on Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Serving the shop on http://{host}:{port}/", flush=True)
    try:
        serve(app, host=host, port=port, **waitress_options(app.config))
    finally:  # the worker first, so that no round starts on a closed client
        if worker:
            worker.stop()
        close(app)
