"""The repair command: it finishes what crashes left behind even when it crashes
itself, and several copies running at once restock, refund and e-mail once.
The audit command tells a tampered product from a sound one."""
import threading
from datetime import timedelta

import pytest
from pymongo.errors import AutoReconnect

from shop.clock import utcnow
from shop.mail import deliver_due
from shop.outbox_repository import OutboxRepository
from shop.orders import repair as order_repair
from shop.orders.repositories import Repositories
from tests.faults.harness import Crash, Faults, clone_store, kinds_at, make_app
from tests.faults.test_faults import FLOWS
from tests.invariants import problems

LEASE_SECONDS = 60


def crash(base, store, flow, n, kind="die_after"):
    """Run `flow` on `store` and kill the process at its `n`-th write."""
    faults = Faults()
    client = make_app(store, faults).test_client()
    faults.arm("write", n, kind)
    try:
        FLOWS[flow][0](base, client)
    except Crash:
        pass
    assert faults.fired, f"{flow} has no write {n}"


@pytest.fixture(scope="module")
def debris(base):
    """A store that four killed requests left behind: an order half-placed, a card
    charged but not recorded, a cancelled order not yet restocked or refunded, and
    a stock adjustment not yet in the ledger."""
    store = clone_store(base["store"])
    crash(base, store, "place", 3)           # both lines' units taken, the order still pending
    crash(base, store, "pay", 2)             # the gateway charged; the order does not know
    crash(base, store, "cancel_paid", 1)     # cancelled; restock, refund and e-mail to do
    crash(base, store, "adjust_up", 1)       # stock moved; the ledger does not know
    db = make_app(store).extensions["mongo_db"]
    assert problems(db), "the crashes should have left work for the repair"
    return store


def repair(db, now):
    return order_repair.repair(Repositories.on(db), now, 0, lease_seconds=LEASE_SECONDS)


def test_repair_finishes_every_kind_of_crash_debris(debris):
    db = make_app(clone_store(debris)).extensions["mongo_db"]

    report = repair(db, utcnow())

    assert report == {"products": 0, "movements": 3, "orders_undone": 1, "payments": 1, "actions": 1,
                      "units_released": 0}
    assert problems(db) == []
    order = db.orders.find_one({"status": "paid", "payment.status": "paid", "history.by": "system"})
    assert order is not None, "the charged order should be paid, settled by the repair"


def test_a_repair_killed_at_any_write_is_finished_by_the_next_one(debris):
    counting = Faults()
    repair(make_app(clone_store(debris), counting).extensions["mongo_db"], utcnow())
    writes = counting.counts["write"]
    assert writes > 10

    found = []
    for n in range(1, writes + 1):
        for kind in kinds_at(n):
            store, faults = clone_store(debris), Faults()
            db = make_app(store, faults).extensions["mongo_db"]
            faults.arm("write", n, kind)
            try:
                repair(db, utcnow())
            except (Crash, AutoReconnect):
                pass
            faults.disarm()
            # The next scheduled run, once the dead repairer's leases have lapsed.
            repair(make_app(store).extensions["mongo_db"], utcnow() + timedelta(seconds=LEASE_SECONDS + 1))
            found += [f"{kind} at repair write {n}: {p}" for p in problems(db)]
            store.close()

    assert not found, "\n".join(found)


@pytest.mark.parametrize("round_", range(5))
def test_repairs_run_at_once_restock_refund_and_email_once(debris, round_):
    store = clone_store(debris)
    app = make_app(store)
    db = app.extensions["mongo_db"]
    start = threading.Barrier(6)
    reports = []

    def one_process():
        start.wait()
        reports.append(repair(db, utcnow()))

    threads = [threading.Thread(target=one_process) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r["orders_undone"] for r in reports) == 1
    assert sum(r["payments"] for r in reports) == 1
    assert sum(r["actions"] for r in reports) == 1
    assert problems(db) == []
    refunds = db.sandbox_charges.count_documents({"refunded": True})
    assert refunds == 1
    deliver_due(OutboxRepository(db), app.extensions["mail_backend"], utcnow())
    sent = [m["subject"] for m in app.extensions["mail_backend"].sent]
    assert len(sent) == len(set(sent)) == db.emails.count_documents({})


def test_flask_repair_command_repairs_and_reports_as_json(debris):
    app = make_app(clone_store(debris))

    result = app.test_cli_runner().invoke(args=["repair", "--stale-after", "0"])

    assert result.exit_code == 0, result.output
    assert '"orders_undone": 1' in result.output
    assert problems(app.extensions["mongo_db"]) == []


def test_flask_audit_stock_passes_a_sound_store_and_names_a_tampered_product(base):
    app = make_app(clone_store(base["store"]))
    runner = app.test_cli_runner()

    sound = runner.invoke(args=["audit-stock"])
    app.extensions["mongo_db"].variants.update_one({"sku": "STONE-MUG"}, {"$inc": {"stock": 3}})
    tampered = runner.invoke(args=["audit-stock"])

    assert sound.exit_code == 0, sound.output
    assert "0 variant(s) differ" in sound.output
    assert tampered.exit_code == 1
    assert "STONE-MUG" in tampered.output and "RETRO-CLOCK" not in tampered.output
    assert "1 variant(s) differ" in tampered.output


def test_flask_audit_stock_counts_a_crashed_adjustment_as_sound_and_a_negative_stock_as_not(base):
    store = clone_store(base["store"])
    crash(base, store, "adjust_up", 1)
    app = make_app(store)
    runner = app.test_cli_runner()

    pending = runner.invoke(args=["audit-stock"])
    app.extensions["mongo_db"].variants.update_one({"sku": "STONE-MUG"}, {"$set": {"stock": -1}})
    negative = runner.invoke(args=["audit-stock"])

    assert pending.exit_code == 0, pending.output
    assert negative.exit_code == 1 and "STONE-MUG" in negative.output


def test_the_worker_round_repairs_expires_and_delivers_without_failing(debris):
    from shop.jobs import run_all
    app = make_app(clone_store(debris))
    app.config["REPAIR_AFTER_SECONDS"] = 0

    run_all(app)

    assert problems(app.extensions["mongo_db"]) == []
    subjects = [m["subject"] for m in app.extensions["mail_backend"].sent]
    assert any("cancelled" in s for s in subjects) and any("Payment received" in s for s in subjects)
