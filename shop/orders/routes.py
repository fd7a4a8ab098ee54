"""My orders, one order's page, paying and cancelling, in the browser."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from ..auth.forms import ActionForm
from ..auth.session import signed_in_user
from ..clock import utcnow
from ..db import get_db
from ..errors import InvalidTransition, PaymentDeclined
from ..fields import PageArgs
from ..forms import keeps_typed_input, page_args
from . import services
from .forms import PayForm
from .schemas import CardSchema

bp = Blueprint("orders", __name__)

PER_PAGE = 20


def _stores():
    return services.Stores.on(get_db())


@bp.get("/orders")
@login_required
def my_orders():
    """Your orders, newest first."""
    args = page_args(PageArgs())
    orders, total = services.list_orders(_stores(), signed_in_user(), None, None, args["page"], PER_PAGE)
    return render_template("orders/list.html", orders=orders, total=total, page=args["page"], per_page=PER_PAGE)


def _order_page(order_id, pay_form=None, status=200):
    order = services.get_order(_stores(), signed_in_user(), order_id, utcnow())
    return render_template("orders/detail.html", order=order, pay_form=pay_form or PayForm(formdata=None)), status


@bp.get("/orders/<id:order_id>")
@login_required
def show_order(order_id):
    """One of your orders: its lines, address, history, and what you can do next."""
    return _order_page(order_id)


@bp.post("/orders/<id:order_id>/pay")
@login_required
@keeps_typed_input
def pay(order_id):
    """Pay a placed order with a (sandbox) card; the number and CVC are never kept."""
    form = PayForm()
    if form.validate_on_submit() and (card := form.load(CardSchema(), form.schema_data())):
        try:
            order = services.pay_order(_stores(), signed_in_user(), order_id, card, utcnow())
        except PaymentDeclined:  # not a field to correct: the bank said no
            form.form_errors.append("Your card was declined, and nothing was charged. "
                                    "Try another card, or ask your bank why.")
        except InvalidTransition as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Thank you! Order {order.number} is paid.", "success")
            return redirect(url_for("orders.show_order", order_id=order.id))
    form.forget_card()
    return _order_page(order_id, form, status=form.status())


@bp.post("/orders/<id:order_id>/cancel")
@login_required
def cancel(order_id):
    """Cancel your order while it is placed or paid; a payment is refunded."""
    if ActionForm().validate_on_submit():
        try:
            order = services.cancel_order(_stores(), signed_in_user(), order_id, utcnow())
            flash(f"Order {order.number} is cancelled.", "info")
        except InvalidTransition as error:
            flash(error.message, "error")
    return redirect(url_for("orders.show_order", order_id=order_id))
