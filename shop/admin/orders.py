"""Back-office orders: filter by status, open one, ship, deliver or cancel it."""
from flask import current_app, flash, redirect, render_template, request, url_for

from ..auth.forms import ActionForm
from ..auth.session import signed_in_user
from ..clock import utcnow
from ..db import get_db
from ..errors import InvalidTransition
from ..forms import page_args
from ..orders import services
from ..orders.forms import OrderFilterForm, TransitionForm
from ..orders.schemas import OrderListArgs, TransitionSchema
from . import bp

PER_PAGE = 25


def _stores():
    return services.Stores.for_app(current_app)


@bp.get("/orders")
def orders():
    """Every order, newest first, optionally only those with one status."""
    form = OrderFilterForm(formdata=request.args)
    args = page_args(OrderListArgs(only=["status", "page"]))
    items, total = services.list_orders(_stores(), signed_in_user(), args.get("status"), None, args["page"], PER_PAGE)
    return render_template("admin/orders.html", form=form, orders=items, total=total, page=args["page"],
                           per_page=PER_PAGE)


@bp.get("/orders/<oid:order_id>")
def order(order_id):
    """One order with the buttons for what may happen to it next."""
    found = services.get_order(_stores(), signed_in_user(), order_id, utcnow())
    return render_template("admin/order.html", order=found, refundable=services.can_refund(found))


@bp.post("/orders/<oid:order_id>/status")
def move_order(order_id):
    """Ship a paid order, or mark a shipped one delivered."""
    form = TransitionForm()
    if form.validate_on_submit() and (data := form.load(TransitionSchema(), {"status": form.status.data})):
        _change(lambda: services.transition_order(_stores(), order_id, data["status"], signed_in_user(), utcnow()))
    for message in form.form_errors + form.status.errors:
        flash(message, "error")
    return redirect(url_for("admin.order", order_id=order_id))


@bp.post("/orders/<oid:order_id>/cancel")
def cancel_order(order_id):
    """Cancel a placed or paid order: its units go back to stock, a payment is refunded."""
    if ActionForm().validate_on_submit():
        _change(lambda: services.cancel_order(_stores(), signed_in_user(), order_id, utcnow()))
    return redirect(url_for("admin.order", order_id=order_id))


def _change(change):
    try:
        changed = change()
    except InvalidTransition as error:
        flash(error.message, "error")
    else:
        flash(f"Order {changed.number} is now {changed.status}.", "success")
