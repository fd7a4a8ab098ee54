"""My orders, one order's page, paying and cancelling, in the browser."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from ..auth.session import signed_in_user
from ..clock import utcnow
from ..errors import ClaimedOrder, InvalidTransition, PaymentDeclined
from ..fields import PageArgs
from ..forms import ActionForm, keeps_typed_input, page_args
from . import lists, services
from .forms import PayForm
from .pages import confirm_cancel
from .repositories import Repositories
from .schemas import CardSchema

bp = Blueprint("orders", __name__)

PER_PAGE = 20



@bp.get("/orders")
@login_required
def my_orders():
    """Your orders, newest first."""
    args = page_args(PageArgs())
    orders, total = lists.list_orders(Repositories.for_request(), signed_in_user(), None, None, args["page"], PER_PAGE,
                                      utcnow())
    return render_template("orders/list.html", orders=orders, total=total, page=args["page"], per_page=PER_PAGE,
                           guest_orders=services.has_guest_orders(Repositories.for_request(), signed_in_user()))


def _order_page(order_id, pay_form=None, status=200):
    order = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    return _render_order(order, pay_form, status, pay_url=url_for("orders.pay", order_id=order.id))


def _render_order(order, pay_form, status, pay_url=None):
    """The order's page; `pay_url` where its pay form posts (None: no form)."""
    return render_template("orders/detail.html", order=order, pay_form=pay_form or PayForm(formdata=None),
                           pay_url=pay_url), status


def _guest_page(guest_order_id, token, pay_form=None, status=200):
    order = services.get_guest_order(Repositories.for_request(), guest_order_id, token, utcnow())
    return _render_order(order, pay_form, status,
                         pay_url=url_for("orders.pay_as_guest", guest_order_id=order.id, token=token))


@bp.get("/orders/<oid:guest_order_id>/guest/<token>")
def show_guest_order(guest_order_id, token):
    """A guest's order, through the private link in its e-mails: see it and pay it."""
    return _guest_page(guest_order_id, token)


@bp.post("/orders/<oid:guest_order_id>/guest/<token>/pay")
@keeps_typed_input
def pay_as_guest(guest_order_id, token):
    """The guest pays their order through its private link."""
    return _pay(lambda card: services.pay_guest_order(Repositories.for_request(), guest_order_id, token, card,
                                                      utcnow()),
                lambda order: url_for("orders.show_guest_order", guest_order_id=order.id, token=token),
                lambda form: _guest_page(guest_order_id, token, form, status=form.status()))


@bp.errorhandler(ClaimedOrder)
def claimed_order(error):
    """A guest's link to an order claimed since: the order's page, which shows it to its owner
    only (and asks anyone logged out to log in, landing back there)."""
    return redirect(url_for("orders.show_order", order_id=error.order_id))


@bp.post("/orders/claim")
@login_required
def ask_to_claim():
    """E-mail the shopper a link that adds their guest orders (placed with their e-mail)."""
    if ActionForm().validate_on_submit():
        services.send_claim_link(Repositories.for_request(), signed_in_user(), utcnow())
        flash(f"We sent a link to {signed_in_user().email}: open it to add the orders you placed there as a guest "
              f"(one e-mail every {services.CLAIM_EMAIL_WINDOW_MINUTES} minutes at most).", "info")
    return redirect(url_for("orders.my_orders"))


@bp.get("/orders/claim/<claim_token>")
@login_required
def claim(claim_token):
    """The e-mailed link: the guest orders of the shopper's e-mail become theirs."""
    claimed = services.claim_guest_orders(Repositories.for_request(), signed_in_user(), claim_token, utcnow())
    flash(f"{claimed} guest order{'' if claimed == 1 else 's'} added to your orders." if claimed
          else "There were no guest orders to add.", "success" if claimed else "info")
    return redirect(url_for("orders.my_orders"))


@bp.get("/orders/<oid:order_id>")
@login_required
def show_order(order_id):
    """One of your orders: its lines, address, history, and what you can do next."""
    return _order_page(order_id)


@bp.post("/orders/<oid:order_id>/pay")
@login_required
@keeps_typed_input
def pay(order_id):
    """Pay a placed order with a (sandbox) card; the number and CVC are never kept."""
    return _pay(lambda card: services.pay_order(Repositories.for_request(), signed_in_user(), order_id, card, utcnow()),
                lambda order: url_for("orders.show_order", order_id=order.id),
                lambda form: _order_page(order_id, form, status=form.status()))


def _pay(pay, page_of, show_form):
    """The pay form's answer: `pay(card)` the order, then its page (`page_of(order)`), or the
    form again (`show_form(form)`) with what went wrong."""
    form = PayForm()
    if form.validate_on_submit() and (card := form.load(CardSchema(), form.schema_data())):
        try:
            order = pay(card)
        except PaymentDeclined:  # not a field to correct: the bank said no
            form.form_errors.append("Your card was declined, and nothing was charged. "
                                    "Try another card, or ask your bank why.")
        except InvalidTransition as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Thank you! Order {order.number} is paid.", "success")
            return redirect(page_of(order))
    form.forget_card()
    return show_form(form)


@bp.route("/orders/<oid:order_id>/cancel", methods=["GET", "POST"])
@login_required
@keeps_typed_input
def cancel(order_id):
    """Cancel your order while it is placed or paid, in two steps: this page says what will
    happen (the units go back, a payment is refunded) and asks for an optional reason."""
    order = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    return confirm_cancel(order, url_for("orders.cancel", order_id=order.id),
                          url_for("orders.show_order", order_id=order.id),
                          lambda reason: services.cancel_order(Repositories.for_request(), signed_in_user(), order.id,
                                                               utcnow(), reason=reason), admin=False)
