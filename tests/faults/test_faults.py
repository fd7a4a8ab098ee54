"""Every database write (and read) of placing, paying, cancelling and expiring an
order, and of a stock adjustment, made to fail or to kill the process in turn.

For each point: the shopper gets an answer in the contract's shape (never a
trace); after a fresh process runs the repair, stock equals the ledger and is
never negative, no order is half-placed, every follow-up (restock, refund,
e-mail) is done once, and a retry gives the outcome the shopper asked for.
"""
from datetime import timedelta

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect

from shop.clock import utcnow
from shop.mail import deliver_due
from shop.outbox_repository import OutboxRepository
from shop.orders import repair
from shop.orders.expiry import expire_unpaid
from shop.orders.repositories import Repositories
from tests.conftest import ADDRESS, DECLINED_CARD, GOOD_CARD
from tests.faults.harness import FAULT_TEXT, Crash, Faults, clone_store, kinds_at, make_app
from tests.invariants import problems

def _create_with_variants(base, client):
    body = {"name": "Wool Scarf", "price": 3900, "options": [{"name": "Colour", "values": ["Grey", "Rust"]}],
            "variants": [{"sku": "SCARF-GREY", "options": {"Colour": "Grey"}, "stock": 3},
                         {"sku": "SCARF-RUST", "options": {"Colour": "Rust"}, "stock": 2}]}
    return client.post("/api/v1/products", json=body, headers=base["admin"])


def _add_variant(base, client):
    body = {"sku": "TEE-L", "options": {"Size": "L"}, "stock": 6}
    return client.post(f"/api/v1/products/{base['products']['TEE']}/variants", json=body, headers=base["admin"])


def _place_siblings(base, client):
    tee = base["products"]
    body = {"items": [{"product_id": tee["TEE"], "variant_id": tee["TEE-M"], "quantity": 2},
                      {"product_id": tee["TEE"], "variant_id": tee["TEE-S"], "quantity": 1}],
            "shipping_address": ADDRESS}
    return client.post("/api/v1/orders", json=body, headers=dict(base["shopper"], **{"Idempotency-Key": "tee-7"}))


def _adjust_variant(base, client):
    body = {"variant_id": base["products"]["TEE-M"], "delta": -3, "reason": "damaged", "note": "moth"}
    return client.post(f"/api/v1/products/{base['products']['TEE']}/stock-adjustments", json=body,
                       headers=base["admin"])


def _place(base, client):
    body = {"items": [{"product_id": base["products"]["RETRO-CLOCK"], "quantity": 1},
                      {"product_id": base["products"]["STONE-MUG"], "quantity": 2}],
            "shipping_address": ADDRESS}
    headers = dict(base["shopper"], **{"Idempotency-Key": "checkout-42"})
    return client.post("/api/v1/orders", json=body, headers=headers)


def _place_with_code(base, client):
    body = {"items": [{"product_id": base["products"]["STONE-MUG"], "quantity": 1}], "shipping_address": ADDRESS,
            "discount_code": "SPRING"}
    return client.post("/api/v1/orders", json=body, headers=dict(base["shopper"], **{"Idempotency-Key": "code-9"}))


def _refund(base, client):
    """One clock back into stock and 1.00 more, retried with one Idempotency-Key."""
    body = {"amount": 1350, "lines": [{"product_id": base["products"]["RETRO-CLOCK"], "quantity": 1, "restock": True}],
            "reason": "Returned"}
    return client.post(f"/api/v1/orders/{base['paid']}/refunds", json=body,
                       headers={**base["admin"], "Idempotency-Key": "refund-7"})


def _expire_on_read(base, client):
    return client.get(f"/api/v1/orders/{base['placed']}", headers=base["shopper"])


def _adjust(delta, reason):
    def act(base, client):
        body = {"delta": delta, "reason": reason, "note": "counted"}
        return client.post(f"/api/v1/products/{base['products']['RETRO-CLOCK']}/stock-adjustments",
                           json=body, headers=base["admin"])
    return act


def _run_expiry_job(base, client):
    expire_unpaid(Repositories.on(client.application.extensions["mongo_db"]), utcnow())


FLOWS = {
    # name: (action, success status, what a retry after the repair is expected to answer)
    "place": (_place, 201, (200, 201)),
    "pay": (lambda b, c: c.post(f"/api/v1/orders/{b['placed']}/payments", json=GOOD_CARD, headers=b["shopper"]),
            200, (200, 409)),
    "pay_declined": (lambda b, c: c.post(f"/api/v1/orders/{b['placed']}/payments", json=DECLINED_CARD,
                                         headers=b["shopper"]), 402, (402, 409)),
    "cancel_placed": (lambda b, c: c.post(f"/api/v1/orders/{b['placed']}/cancel", headers=b["shopper"]),
                      200, (200, 409)),
    "cancel_paid": (lambda b, c: c.post(f"/api/v1/orders/{b['paid']}/cancel", headers=b["shopper"]), 200, (200, 409)),
    "ship": (lambda b, c: c.post(f"/api/v1/orders/{b['paid']}/transitions", json={"status": "shipped"},
                                 headers=b["admin"]), 200, (200, 409)),
    "expire_on_read": (_expire_on_read, 200, (200,)),
    "expire_job": (_run_expiry_job, None, None),
    "adjust_down": (_adjust(-2, "damaged"), 201, None),
    "adjust_up": (_adjust(4, "restock"), 201, None),
    # Variants: a product made with its variants, a variant added, two siblings ordered, one adjusted.
    # A retried creation finds the product made (409) or, when the crash undid it, makes it (201).
    "create_variants": (_create_with_variants, 201, (201, 409)),
    "add_variant": (_add_variant, 201, (201, 409)),
    "place_siblings": (_place_siblings, 201, (200, 201)),
    # A discount code's use: taken with the order, given back with a cancel, once.
    "place_with_code": (_place_with_code, 201, (200, 201)),
    "cancel_with_code": (lambda b, c: c.post(f"/api/v1/orders/{b['with_code']}/cancel", headers=b["shopper"]),
                         200, (200, 409)),
    "adjust_variant": (_adjust_variant, 201, None),
    # A refund with a return, and a cancel after a refund (what is left goes back, once).
    "refund": (_refund, 201, (200, 201)),
    "cancel_after_refund": (lambda b, c: c.post(f"/api/v1/orders/{b['refunded']}/cancel", headers=b["admin"]),
                            200, (200, 409)),
}


# The write that makes each change happen; once it is stored, the answer must be the success.
COMMITS = {
    "place": "orders.find_one_and_update", "pay": "orders.find_one_and_update",
    "cancel_placed": "orders.find_one_and_update", "cancel_paid": "orders.find_one_and_update",
    "ship": "orders.find_one_and_update", "expire_on_read": "orders.find_one_and_update",
    "adjust_down": "variants.find_one_and_update", "adjust_up": "variants.find_one_and_update",
    "place_siblings": "orders.find_one_and_update", "adjust_variant": "variants.find_one_and_update",
    "place_with_code": "orders.find_one_and_update", "cancel_with_code": "orders.find_one_and_update",
    "refund": "orders.find_one_and_update", "cancel_after_refund": "orders.find_one_and_update",
}


def commit_point(log, flow):
    writes = [where for op, where in log if op == "write"]
    return writes.index(COMMITS[flow]) + 1 if flow in COMMITS else None


def prepare(base, flow):
    """A fresh copy of the base store, set up for `flow`."""
    store = clone_store(base["store"])
    if flow.startswith("expire"):
        past = utcnow() - timedelta(minutes=1)
        store["shop"].orders.update_one({"_id": _oid(base["placed"])}, {"$set": {"expires_at": past}})
    return store


def _oid(text):
    return ObjectId(text)


def count_operations(base, flow):
    store = prepare(base, flow)
    faults = Faults()
    client = make_app(store, faults).test_client()
    faults.reset()
    FLOWS[flow][0](base, client)
    return dict(faults.counts), list(faults.log)


def contract_answer_problems(response, success):
    """An answer a client can rely on: the success, or 503 `unavailable` (the database
    connection dropped) or a bare 500, in the contract's shape."""
    if response is None:
        return []  # the process died: the client saw its connection drop
    text = response.get_data(as_text=True)
    found = []
    for leak in (FAULT_TEXT, "Traceback", "AutoReconnect", "pymongo"):
        if leak in text:
            found.append(f"the answer leaks {leak!r}: {text[:200]}")
    if not response.headers.get("X-Request-Id"):
        found.append("the answer has no X-Request-Id")
    if response.status_code == success:
        return found
    body = response.get_json(silent=True) or {}
    expected_code = {500: "internal", 503: "unavailable"}.get(response.status_code)
    if expected_code:
        if set(body) != {"error"} or body["error"].get("code") != expected_code or body["error"].get("details"):
            found.append(f"a {response.status_code} that is not the contract's {expected_code} error: {text[:200]}")
    else:
        found.append(f"unexpected status {response.status_code}: {text[:200]}")
    return found


def repair_and_retry(base, store, flow):
    """A fresh process: the repair runs, then the shopper retries once; returns what went wrong."""
    app = make_app(store)
    db = app.extensions["mongo_db"]
    stores = Repositories.on(db)
    repair.repair(stores, utcnow() + timedelta(seconds=1), 0)
    found = problems(db)
    action, success, retry_statuses = FLOWS[flow]
    if retry_statuses:
        retried = action(base, app.test_client())
        if retried.status_code not in retry_statuses:
            found.append(f"the retry answered {retried.status_code}: {retried.get_data(as_text=True)[:200]}")
    if flow in ("place", "place_with_code"):
        key = {"place": "checkout-42", "place_with_code": "code-9"}[flow]
        keyed = db.orders.count_documents({"idempotency_key": key, "status": {"$ne": "rejected"}})
        if keyed != 1:
            found.append(f"one checkout with one Idempotency-Key made {keyed} orders")
    if flow == "refund":
        refunds = db.orders.find_one({"_id": _oid(base["paid"])}).get("refunds", [])
        if len(refunds) != 1:
            found.append(f"one refund with one Idempotency-Key made {len(refunds)} refunds")
    if flow.startswith("expire"):
        expire_unpaid(stores, utcnow())
        if db.orders.find_one({"_id": _oid(base["placed"])})["status"] != "cancelled":
            found.append("the expired order was not cancelled")
    deliver_due(OutboxRepository(db), app.extensions["mail_backend"], utcnow() + timedelta(hours=2))
    sent = [(m["to"], m["subject"]) for m in app.extensions["mail_backend"].sent]
    if len(sent) != len(set(sent)):
        found.append(f"an e-mail was sent twice: {sent}")
    return found + problems(db)


def inject(base, flow, op, n, kind, commit=None):
    store = prepare(base, flow)
    faults = Faults()
    client = make_app(store, faults).test_client()
    faults.arm(op, n, kind)
    action, success, _ = FLOWS[flow]
    found = []
    try:
        response = action(base, client)
    except Crash:
        response = None
    except AutoReconnect:  # only a background job may see the database's error itself
        if success is not None:
            raise
        response = None
    faults.disarm()
    if faults.fired is None:
        return [f"{op} {n} was never reached"]
    if success is not None:
        found += contract_answer_problems(response, success)
    if response is not None and commit and op == "write" and n > commit and response.status_code != success:
        found.append(f"the change was stored but the answer was {response.status_code}")
    found += repair_and_retry(base, store, flow)
    store.close()  # on a server, its database is dropped now rather than at the test's end
    where = faults.fired[3]
    return [f"{flow}: {kind} at {op} {n} ({where}): {problem}" for problem in found]


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_a_failed_or_killed_write_at_any_step_is_repaired_and_answered_in_the_contracts_shape(base, flow):
    counts, log = count_operations(base, flow)
    assert counts["write"] >= 1, log
    commit = commit_point(log, flow)

    found = []
    for n in range(1, counts["write"] + 1):
        for kind in kinds_at(n):
            found += inject(base, flow, "write", n, kind, commit)

    assert not found, "\n".join(found)


@pytest.mark.parametrize("flow", ["place", "pay", "cancel_paid", "expire_on_read", "adjust_down", "create_variants",
                                  "place_siblings", "place_with_code"])
def test_a_failed_read_at_any_step_leaves_nothing_half_done(base, flow):
    counts, _ = count_operations(base, flow)

    found = []
    for n in range(1, counts["read"] + 1):
        found += inject(base, flow, "read", n, "error")

    assert not found, "\n".join(found)
