"""Background work: expire unpaid orders, deliver e-mail, repair what crashes left.

Each job is a plain function over the database, so it runs the same from the
in-process worker thread, from a `flask` command, or from a scheduler. Their
claims are atomic conditional updates, so several processes may run them at once.
"""
import logging
import threading

from .clock import utcnow
from .mail import Outbox, deliver_due
from .orders import repair as order_repair
from .orders import services as order_services
from .products import services as product_services
from .products.repository import LedgerRepository
from .products.variants import VariantRepository

log = logging.getLogger(__name__)


def expire_orders(db):
    return order_services.expire_unpaid(order_services.Stores.on(db), utcnow())


def deliver_emails(db, backend):
    return deliver_due(Outbox(db), backend, utcnow())


def repair(db, stale_after_seconds):
    return order_repair.repair(order_services.Stores.on(db), utcnow(), stale_after_seconds)


def audit_stock(db):
    """(variants whose stock differs from their ledger, units held by rejected or cancelled orders)."""
    differ = product_services.audit_stock(VariantRepository(db), LedgerRepository(db))
    return differ, order_repair.units_held_by_dead_orders(order_services.Stores.on(db))


def run_all(app):
    db = app.extensions["mongo_db"]
    repair(db, app.config["REPAIR_AFTER_SECONDS"])
    expire_orders(db)
    deliver_emails(db, app.extensions["mail_backend"])


class Worker:
    """The in-process worker: a daemon thread that runs every job each
    WORKER_INTERVAL_SECONDS until `stop()`."""

    def __init__(self, app):
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="shop-worker", daemon=True)

    def _loop(self):
        while not self.stopping.wait(self.app.config["WORKER_INTERVAL_SECONDS"]):
            try:
                run_all(self.app)
            except Exception:  # keep the worker alive; the next round tries again
                log.exception("background jobs failed")

    def stop(self, timeout=30):
        """Ask the worker to stop and wait for the round it may be in to end."""
        self.stopping.set()
        self.thread.join(timeout)


def start_worker(app):
    worker = Worker(app)
    worker.thread.start()
    return worker
