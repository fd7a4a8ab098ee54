"""What must hold in the stored data whatever happened: the shop's promises, read
straight from the collections, shared by the fault, soak and property tests.

`problems(db)` lists every broken promise (empty when all hold). With
`settled=True` it also asks that nothing is left half-done: call it after the
repair has run, when no request is in flight.
"""
from collections import Counter

from shop.jobs import audit_stock
from shop.orders.model import CANCELLED, EMAILED, PENDING, REJECTED, TRANSITIONS

PLACED_STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled")
LIVE_STATUSES = ("placed", "paid", "shipped", "delivered")
CHARGED_STATUSES = ("paid", "shipped", "delivered")


def problems(db, settled=True):
    differ, held = audit_stock(db)
    found = [f"stock differs from its ledger: {p}" for p in differ]
    if settled:
        found += [f"units held by an order that is not live: {p}" for p in held]
    found += [f"negative stock: {d['sku']} {d['stock']}" for d in db.variants.find({"stock": {"$lt": 0}})]
    if settled:
        found += [f"movement never recorded: {d['sku']}" for d in db.variants.find({"pending.0": {"$exists": True}})]
        found += [f"product write never finished: {d['slug']}"
                  for d in db.products.find({"summary_stale_since": {"$exists": True}})]
    moves = Counter()
    for move in db.stock_movements.find({"order_id": {"$ne": None}}):
        key = (move["order_id"], str(move["variant_id"]))
        moves[key + (move["reason"], move["delta"])] += 1
        moves[key + ("net",)] += move["delta"]
        moves[key + (move["reason"],)] += abs(move["delta"])
    found += _code_use_problems(db, settled)
    emails = {doc["key"] for doc in db.emails.find({}, {"key": 1})}
    charges = {doc["_id"]: doc for doc in db.sandbox_charges.find()}
    for order in db.orders.find():
        found += _order_problems(order, moves, emails, charges, settled)
    if settled:
        found += _forgotten_charges(db, charges)
    return found


def _order_problems(order, moves, emails, charges, settled):
    oid, status = str(order["_id"]), order["status"]
    label = f"order {order['number']} ({status})"
    history = [entry["status"] for entry in order["history"] if "refund_id" not in entry]  # a refund moves no status
    found = _state_problems(order, label, history, settled)
    for line in order["items"]:
        found += _line_problems(line, (oid, line.get("variant_id", line["product_id"])), status, label, moves, settled)
    if settled and status in PLACED_STATUSES:
        found += [f"{label} never queued its '{step}' e-mail" for step in history
                  if step in EMAILED and f"order:{oid}:{step}" not in emails]
    found += _payment_problems(order, label, charges, settled)
    return found


def _state_problems(order, label, history, settled):
    status = order["status"]
    found = []
    if settled and status == PENDING:
        found.append(f"{label} is half-placed")
    if settled and order.get("pending_actions"):
        found.append(f"{label} has follow-ups not done: {order['pending_actions']}")
    if settled and (order.get("payment") or {}).get("status") == "processing":
        found.append(f"{label} has a payment stuck in processing")
    if status in PLACED_STATUSES and not _valid_path(history, status):
        found.append(f"{label} has a history that is not a path of the state machine: {history}")
    return found


def _line_problems(line, key, status, label, moves, settled):
    quantity, sku = line["quantity"], line["sku"]
    net, returned = moves[key + ("net",)], moves[key + ("order_cancelled",)]
    sent_back, restocked, refunded = moves[key + ("returned",)], line.get("restocked", 0), line.get("refunded", 0)
    live = status in LIVE_STATUSES
    found = []
    if not sent_back <= restocked <= refunded <= quantity or (settled and live and sent_back != restocked):
        found.append(f"{label} took back {sent_back} of {sku} for {restocked} restocked, {refunded} refunded "
                     f"of {quantity}")
    if live and (moves[key + ("order_placed", -quantity)] != 1 or net != sent_back - quantity):
        found.append(f"{label} holds {-net} of {sku} for a line of {quantity} ({sent_back} returned)")
    if live and (returned or moves[key + ("order_rejected",)]):
        found.append(f"{label} gave {sku} back but is not cancelled")
    if not -quantity <= net <= 0:
        found.append(f"{label} moved {sku} by {net} in all, outside 0..-{quantity}")
    if settled and status in (CANCELLED, REJECTED, PENDING) and net != 0:
        found.append(f"{label} still holds {-net} of {sku}")
    if status == CANCELLED and moves[key + ("order_placed", -quantity)] != 1:
        found.append(f"{label} took {sku} {moves[key + ('order_placed', -quantity)]} times")
    return found


def _valid_path(history, status):
    if not history or history[0] != "placed" or history[-1] != status:
        return False
    return all(b in TRANSITIONS.get(a, ()) for a, b in zip(history, history[1:]))


def _payment_problems(order, label, charges, settled):
    payment = order.get("payment") or {}
    total = order.get("total", sum(line["unit_price"] * line["quantity"] for line in order["items"]))
    charge = charges.get(payment.get("attempt_id"))
    refunded = payment.get("refunded_amount", 0)
    by_refunds = sum(refund["amount"] for refund in order.get("refunds", ()))
    if not 0 <= by_refunds <= refunded <= payment.get("amount", 0):
        return [f"{label} refunded {refunded} ({by_refunds} by refunds) of {payment.get('amount', 0)} paid"]
    if order["status"] in CHARGED_STATUSES:
        if not charge or not charge["approved"] or charge["amount"] != total:
            return [f"{label} is {order['status']} without one approved charge of {total}"]
        if refunded != by_refunds:
            return [f"{label} is {order['status']} with {refunded} refunded but refunds of {by_refunds}"]
        expected = "paid" if not refunded else "refunded" if refunded == total else "partially_refunded"
        if payment.get("status") != expected:
            return [f"{label} is {order['status']} but its payment says {payment.get('status')}, not {expected}"]
    if settled and charge and charge["approved"] and charge.get("refunded_amount", 0) != refunded \
            and not (charge["refunded"] and "refunded_amount" not in charge):
        return [f"{label} refunded {refunded} but the gateway gave back {charge.get('refunded_amount', 0)}"]
    if payment.get("status") == "refunded" and charge and not charge["refunded"]:
        return [f"{label} says refunded but the gateway kept the money"]
    return []


def _forgotten_charges(db, charges):
    """Money taken that no paid order accounts for."""
    kept = {}
    for order in db.orders.find({"payment.attempt_id": {"$exists": True}}):
        kept[order["payment"]["attempt_id"]] = order
    found = []
    for attempt_id, charge in charges.items():
        if not charge["approved"] or charge["refunded"]:
            continue
        order = kept.get(attempt_id)
        if order is None or order["status"] not in CHARGED_STATUSES:
            found.append(f"charge {attempt_id} kept money for no paid order")
    return found


def assert_holds(db, settled=True):
    found = problems(db, settled)
    assert not found, "\n".join(found)


def stored_state(db):
    """What a refused request must leave exactly as it was."""
    state = {name: db[name].count_documents({}) for name in
             ("users", "tokens", "products", "variants", "stock_movements", "orders", "emails", "sandbox_charges",
              "categories", "images.files", "images.chunks", "shipping_methods", "tax_rates", "discount_codes")}
    state["stock"] = sorted((v["sku"], v["stock"], v["price"], v["active"]) for v in db.variants.find())
    state["products"] = sorted((p["slug"], p["name"], p["active"]) for p in db.products.find())
    state["images"] = sorted((p["slug"], [(i["id"], i["alt"]) for i in p.get("images") or []])
                             for p in db.products.find())
    state["statuses"] = sorted((str(o["_id"]), o["status"]) for o in db.orders.find())
    state["addresses"] = sorted(repr(sorted(doc.items())) for doc in db.addresses.find())
    state["address_books"] = sorted(repr(sorted(doc.items())) for doc in db.address_books.find())
    state["settings"] = sorted(repr(sorted((k, v) for k, v in doc.items() if k != "_id"))
                               for name in ("shipping_methods", "tax_rates", "discount_codes")
                               for doc in db[name].find())
    return state


def _code_use_problems(db, settled):
    """A discount code's use is held by exactly the live orders that carry the code: one each,
    none by a cancelled or rejected order, and never more than the code's limits allow."""
    found = []
    uses = {doc["_id"]: doc for doc in db.discount_uses.find()}
    orders = {str(doc["_id"]): doc for doc in db.orders.find({"discount": {"$ne": None}},
                                                            {"status": 1, "number": 1, "discount": 1})}
    for order_id, use in uses.items():
        order = orders.get(order_id)
        if order is None or (order["status"] not in LIVE_STATUSES and (settled or order["status"] != PENDING)):
            found.append(f"a use of a code held by an order that is not live: {order_id}")
    if settled:
        for order_id, order in orders.items():
            if order["status"] in LIVE_STATUSES and order_id not in uses:
                found.append(f"order {order['number']} carries code {order['discount']['code']} but holds no use of it")
    for code in db.discount_codes.find({"max_uses": {"$ne": None}}):
        held = sum(1 for use in uses.values() if use["code_id"] == code["_id"])
        if held > code["max_uses"]:
            found.append(f"code {code['code']} used {held} times, above its {code['max_uses']}")
    return found
