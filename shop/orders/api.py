"""`/api/v1/orders`: place, list, read, pay, cancel and move orders along; `/api/v1/customers`, the
accounts with the count of orders each placed."""
import re

from flask import Blueprint, current_app, jsonify, request, url_for

from ..addresses import services as address_book
from ..addresses.repository import AddressRepository
from ..api import load_args, load_body, page_response
from ..auth.guards import admin_required, current_api_user, token_required
from ..auth.repository import UserRepository
from ..auth.schemas import CustomerListArgs, CustomerSchema
from ..clock import utcnow
from ..db import get_db
from ..dumping import dumper
from ..errors import InvalidInput, QuoteChanged
from ..operations import ADMIN, TOKEN_HOLDER, operation
from . import lists, placing, refunding, services
from .model import IDEMPOTENCY_KEY_PATTERN
from .repositories import Repositories
from .schemas import (
    CancelSchema, CardSchema, OrderListArgs, OrderSchema, PlaceOrderSchema, QuoteOutSchema, RefundResultSchema,
    RefundSchema, TransitionSchema,
)

api_bp = Blueprint("orders_api", __name__)

_KEY_PATTERN = re.compile(IDEMPOTENCY_KEY_PATTERN)

# Schemas hold no per-request state, so each is built once (building one costs more than using it).
PLACE_ORDER = PlaceOrderSchema()
ORDER = OrderSchema()
DUMP_ORDER = dumper(ORDER)  # the same answer as ORDER.dump, at a fraction of its cost
QUOTE = QuoteOutSchema()
ORDER_LIST_ARGS = OrderListArgs()
CARD = CardSchema()
TRANSITION = TransitionSchema()
REFUND = RefundSchema()
REFUND_RESULT = RefundResultSchema()
CANCEL = CancelSchema()
CUSTOMER = CustomerSchema()
CUSTOMER_LIST_ARGS = CustomerListArgs()


def _idempotency_key():
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY_PATTERN.fullmatch(key):
        raise InvalidInput({"Idempotency-Key": [
            "Use 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces) for the "
            "Idempotency-Key."]})
    return key



def _checkout(body):
    """The body as a Checkout; an `address_id` is replaced by a copy of that saved address."""
    if "address_id" in body:
        body = dict(body, shipping_address=address_book.shipping_address(
            AddressRepository(get_db()), current_api_user().id, body["address_id"]))
    return placing.Checkout.from_body(body)


@api_bp.post("/orders")
@operation("Place an order (all or nothing)", who=TOKEN_HOLDER, body=PlaceOrderSchema, answer=OrderSchema, status=201,
           errors=(409,), idempotent="order")
@token_required
def place_order():
    """Place an order, all or nothing; a repeated Idempotency-Key returns the first order."""
    key = _idempotency_key()
    body = load_body(PLACE_ORDER)
    if key and "address_id" in body:
        # A retry replays its order even when the saved address it named was deleted since.
        earlier = placing.replay_order(Repositories.for_request(), current_api_user(), key,
                                       placing.Checkout.from_body(body))
        if earlier is not None:
            return DUMP_ORDER(earlier), 200, {"Location": url_for("orders_api.get_order", order_id=earlier.id)}
    checkout = _checkout(body)
    try:
        order, created = placing.place_order(
            Repositories.for_request(), current_api_user(), checkout, key, utcnow(),
            current_app.config["ORDER_PAYMENT_TTL_MINUTES"], current_app.config["PRICES_INCLUDE_TAX"],
        )
    except QuoteChanged as changed:
        changed.details = {"quote": QUOTE.dump(changed.quote)}
        raise
    location = url_for("orders_api.get_order", order_id=order.id)
    return DUMP_ORDER(order), 201 if created else 200, {"Location": location}


@api_bp.post("/orders/quote")
@operation("The order this body would place now (totals, shipping, discount, taxes, short lines); nothing moves",
           who=TOKEN_HOLDER, body=PlaceOrderSchema, answer=QuoteOutSchema)
@token_required
def quote_order():
    """The order this body would place now (totals, shipping, discount, taxes) and the lines
    that could not be served now; nothing moves."""
    checkout = _checkout(load_body(PLACE_ORDER))
    quote = placing.quote_order(Repositories.for_request(), current_api_user(), checkout, utcnow(),
                                 current_app.config["PRICES_INCLUDE_TAX"])
    return jsonify(QUOTE.dump(quote))


@api_bp.get("/orders")
@operation("Your orders (admins: all), newest first", who=TOKEN_HOLDER, args=OrderListArgs, answer=OrderSchema,
           page=True)
@token_required
def list_orders():
    """Your orders, newest first; admins see everyone's and may filter."""
    args = load_args(ORDER_LIST_ARGS)
    items, total = lists.list_orders(
        Repositories.for_request(), current_api_user(), args.get("status"), args.get("user_id"), args["page"],
        args["per_page"], utcnow(), number=args.get("number"), email=args.get("email"),
    )
    return page_response(ORDER, items, total, args["page"], args["per_page"], dump=DUMP_ORDER)


@api_bp.get("/orders/<oid:order_id>")
@operation("One order", who=TOKEN_HOLDER, answer=OrderSchema)
@token_required
def get_order(order_id):
    """One order: yours, or any for an admin."""
    order = services.get_order(Repositories.for_request(), current_api_user(), order_id, utcnow())
    return jsonify(DUMP_ORDER(order))


@api_bp.post("/orders/<oid:order_id>/payments")
@operation("Pay an order by card", who=TOKEN_HOLDER, body=CardSchema, answer=OrderSchema, errors=(402, 403, 409))
@token_required
def pay_order(order_id):
    """Pay a placed order by card through the configured gateway."""
    card = load_body(CARD)
    order = services.pay_order(Repositories.for_request(), current_api_user(), order_id, card, utcnow())
    return jsonify(DUMP_ORDER(order))


@api_bp.post("/orders/<oid:order_id>/cancel")
@operation("Cancel an order, with an optional reason (a body is optional); stock returns, payment is refunded",
           who=TOKEN_HOLDER, body=CancelSchema, body_required=False, answer=OrderSchema, errors=(409,))
@token_required
def cancel_order(order_id):
    """Cancel a placed or paid order: stock returns, a payment is refunded. An optional
    JSON body `{"reason"}` is kept in the history; no body at all cancels as v1 did."""
    reason = load_body(CANCEL).get("reason") if request.get_data() else None  # no body: as in v1
    order = services.cancel_order(Repositories.for_request(), current_api_user(), order_id, utcnow(),
                                  reason=reason or None)
    return jsonify(DUMP_ORDER(order))


@api_bp.post("/orders/<oid:order_id>/transitions")
@operation("Ship (with an optional carrier and tracking number) or deliver an order", who=ADMIN, body=TransitionSchema,
           answer=OrderSchema, errors=(409,))
@admin_required
def transition_order(order_id):
    """Ship a paid order, or mark a shipped one delivered."""
    data = load_body(TRANSITION)
    order = services.transition_order(Repositories.for_request(), order_id, data["status"], current_api_user(),
                                      utcnow(), data.get("carrier"), data.get("tracking_number"))
    return jsonify(DUMP_ORDER(order))


@api_bp.post("/orders/<oid:order_id>/refunds")
@operation("Refund money and take back units of a paid, shipped or delivered order (never more than was paid)",
           who=ADMIN, body=RefundSchema, answer=RefundResultSchema, status=201, errors=(409,), idempotent="refund")
@admin_required
def refund_order(order_id):
    """Refund money and take back units of a paid, shipped or delivered order; never more than
    was paid. A repeated Idempotency-Key returns the first refund."""
    request_body = refunding.RefundRequest.from_body(load_body(REFUND))
    order, refund, created = refunding.refund_order(Repositories.for_request(), current_api_user(), order_id,
                                                    request_body, _idempotency_key(), utcnow())
    return REFUND_RESULT.dump({"refund": refund, "order": order}), 201 if created else 200


@api_bp.get("/customers")
@operation("The customers' accounts, newest first, each with how many orders it placed; q: the start of an e-mail "
           "or a name, any case", who=ADMIN, args=CustomerListArgs, answer=CustomerSchema, page=True)
@admin_required
def list_customers():
    """The customers' accounts, newest first, each with how many orders it placed; `q`: the
    start of an e-mail or a name, any case."""
    args = load_args(CUSTOMER_LIST_ARGS)
    found, counts, total = lists.customers_page(Repositories.for_request(), UserRepository(get_db()), args.get("q"),
                                                args["page"], args["per_page"])
    return page_response(CUSTOMER, found, total, args["page"], args["per_page"],
                         dump=lambda user: dict(CUSTOMER.dump(user), orders_count=counts.get(user.id, 0)))
