"""The API's fast dumps (shop/dumping.py) of orders answer what OrderSchema.dump does, for
orders in every state: placed, paid, refunded, shipped with tracking, cancelled, a guest's."""
from shop.dumping import dumper
from shop.orders.repositories import Repositories
from shop.orders.schemas import OrderSchema
from tests.conftest import ADDRESS, GOOD_CARD, add_guest_order


def test_orders_in_every_state_dump_as_the_schema_dumps_them(app, admin, shopper, add_product, db):
    clock = add_product("RETRO-CLOCK", price=3450, stock=50)
    admin.post("/discount-codes", json={"code": "TEN", "kind": "percent", "value": 1000})

    def place(**extra):
        body = {"items": [{"product_id": clock["id"], "quantity": 2}], "shipping_address": ADDRESS, **extra}
        return shopper.post("/orders", json=body).get_json()

    _placed, paid, refunded, shipped, cancelled = (place(), place(), place(discount_code="TEN"), place(), place())
    for order in (paid, refunded, shipped, cancelled):
        shopper.post(f"/orders/{order['id']}/payments", json=GOOD_CARD)
    admin.post(f"/orders/{refunded['id']}/refunds", json={
        "lines": [{"product_id": clock["id"], "quantity": 1, "restock": True}], "reason": "Late"})
    admin.post(f"/orders/{shipped['id']}/transitions", json={"status": "shipped", "carrier": "DHL",
                                                             "tracking_number": "JD01"})
    shopper.post(f"/orders/{cancelled['id']}/cancel", json={"reason": "Changed my mind"})
    add_guest_order(app, clock["id"])
    stores, schema = Repositories.on(app.extensions["mongo_db"]), OrderSchema()
    dump = dumper(schema)

    orders = [stores.orders.get(str(doc["_id"])) for doc in db.orders.find()]

    assert len(orders) == 6
    assert {order.status for order in orders} == {"placed", "paid", "shipped", "cancelled"}
    for order in orders:
        assert dump(order) == schema.dump(order)
