"""Back-office orders: search by number, customer and status, open one, ship, deliver or cancel it."""
from flask import flash, redirect, render_template, request, url_for

from ..auth.repository import UserRepository
from ..auth.session import signed_in_user
from ..clock import utcnow
from ..db import get_db
from ..errors import InvalidTransition
from ..forms import keeps_typed_input, page_args
from ..orders import lists, services
from ..orders.refunding import can_refund
from ..orders.forms import OrderSearchForm, TransitionForm
from ..orders.pages import confirm_cancel
from ..orders.repositories import Repositories
from ..orders.schemas import OrderSearchArgs, TransitionSchema
from .routes import bp

PER_PAGE = 25
SEARCH_ARGS = OrderSearchArgs()



@bp.get("/orders")
def orders():
    """Every order, newest first; by the start of its number, its customer (part of the e-mail,
    the start of a name) and status, combined."""
    form = OrderSearchForm(formdata=request.args)
    args = page_args(SEARCH_ARGS)
    items, total = lists.search_orders(Repositories.for_request(), UserRepository(get_db()), args.get("status"),
                                       args["page"], PER_PAGE, utcnow(), number=args.get("number"),
                                       customer=args.get("customer"))
    return render_template("admin/orders.html", form=form, orders=items, total=total, page=args["page"],
                           per_page=PER_PAGE, link_args=form.link_args(args))


@bp.get("/orders/<oid:order_id>")
def order(order_id):
    """One order with the forms for what may happen to it next."""
    return _order_page(order_id, TransitionForm(formdata=None))


def _order_page(order_id, ship_form, status=200):
    found = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    return render_template("admin/order.html", order=found, ship_form=ship_form,
                           refundable=can_refund(found)), status


@bp.post("/orders/<oid:order_id>/status")
def move_order(order_id):
    """Ship a paid order (with an optional carrier and tracking number), or mark a shipped
    one delivered; a mistyped field comes back next to it, with what was typed."""
    form = TransitionForm()
    if form.validate_on_submit() and (data := form.load(TransitionSchema(), form.schema_data())):
        try:
            changed = services.transition_order(Repositories.for_request(), order_id, data["status"], signed_in_user(),
                                                utcnow(), data.get("carrier"), data.get("tracking_number"))
        except InvalidTransition as error:
            flash(error.message, "error")
        else:
            flash(f"Order {changed.number} is now {changed.status}.", "success")
        return redirect(url_for("admin.order", order_id=order_id))
    if form.status.errors or form.status.data != "shipped":  # not the ship form's fields: said on top
        for message in form.form_errors + form.status.errors:
            flash(message, "error")
        return redirect(url_for("admin.order", order_id=order_id))
    return _order_page(order_id, form, 422)  # (its `status` is the field: the CSRF check came before the view)


@bp.route("/orders/<oid:order_id>/cancel", methods=["GET", "POST"])
@keeps_typed_input
def cancel_order(order_id):
    """Cancel a placed or paid order, in two steps: what will happen (its units go back to
    stock, a payment is refunded), an optional reason, then yes or keep it."""
    found = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    return confirm_cancel(found, url_for("admin.cancel_order", order_id=found.id),
                          url_for("admin.order", order_id=found.id),
                          lambda reason: services.cancel_order(Repositories.for_request(), signed_in_user(), found.id,
                                                               utcnow(), reason=reason), admin=True)
