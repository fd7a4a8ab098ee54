"""Background work: expire unpaid orders, deliver e-mail, repair what crashes left.

Each job is a plain function over the database, so it runs the same from the
in-process worker thread, from a `flask` command, or from a scheduler. Their
claims are atomic conditional updates, so several processes may run them at once.

E-mail has its own, shorter beat: a burst of orders queues a message each, and
delivering them every few seconds in one go would leave a backlog between rounds
and a long spell of work after the burst; a round that stops at its time budget
with messages still due runs again at once.
"""
import logging
import threading
import time

from .clock import utcnow
from .db import settle_memory
from .mail import deliver_due
from .outbox_repository import OutboxRepository
from .orders import repair as order_repair
from .orders.expiry import expire_unpaid
from .orders.links import OrderLinks
from .orders.repositories import Repositories
from .products import services as product_services
from .products.repository import LedgerRepository
from .products.variant_repository import VariantRepository

log = logging.getLogger(__name__)


def expire_orders(db, links=None):
    return expire_unpaid(Repositories.on(db, links), utcnow())


# How long a worker round (`deliver_round`) sends e-mail for at most, so that the other jobs still run.
MAIL_ROUND_SECONDS = 1.0


def deliver_emails(db, backend, deadline=None):
    """Send the messages due now, until `deadline` (time.monotonic()) if given; how many were sent."""
    return deliver_due(OutboxRepository(db), backend, utcnow(), deadline)


def repair(db, stale_after_seconds, links=None):
    return order_repair.repair(Repositories.on(db, links), utcnow(), stale_after_seconds)


def audit_stock(db):
    """(variants whose stock differs from their ledger, units held by rejected or cancelled orders)."""
    differ = product_services.audit_stock(VariantRepository(db), LedgerRepository(db))
    return differ, order_repair.units_held_by_dead_orders(Repositories.on(db))


def run_all(app):
    """One round of every job (and the embedded store's documents kept out of full garbage
    collections); True when e-mail stopped at its time budget with messages left."""
    db, links = app.extensions["mongo_db"], OrderLinks.of(app.config)
    repair(db, app.config["REPAIR_AFTER_SECONDS"], links)
    expire_orders(db, links)
    settle_memory(app.extensions["mongo_client"])
    return deliver_round(app)


def deliver_round(app):
    """Send what is due for up to MAIL_ROUND_SECONDS; True if the budget ran out first."""
    deadline = time.monotonic() + MAIL_ROUND_SECONDS
    deliver_emails(app.extensions["mongo_db"], app.extensions["mail_backend"], deadline)
    return time.monotonic() >= deadline


class Worker:
    """The in-process worker: a daemon thread that runs every job each
    WORKER_INTERVAL_SECONDS and, in between, delivers e-mail each MAIL_INTERVAL_SECONDS
    (at once again while a round leaves messages due), until `stop()`."""

    def __init__(self, app):
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="shop-worker", daemon=True)

    def _loop(self):
        every, mail_every = self.app.config["WORKER_INTERVAL_SECONDS"], self.app.config["MAIL_INTERVAL_SECONDS"]
        next_round = time.monotonic() + every
        pause = min(every, mail_every)
        while not self.stopping.wait(pause):
            if time.monotonic() >= next_round:
                next_round = time.monotonic() + every
                left = self._run(run_all)
            else:
                left = self._run(deliver_round)
            pause = 0 if left else max(0, min(mail_every, next_round - time.monotonic()))

    def _run(self, job):
        try:
            return job(self.app)
        except Exception:  # keep the worker alive; the next round tries again
            log.exception("background jobs failed")
            return False

    def stop(self, timeout=30):
        """Ask the worker to stop and wait for the round it may be in to end."""
        self.stopping.set()
        self.thread.join(timeout)


def start_worker(app):
    worker = Worker(app)
    worker.thread.start()
    return worker
