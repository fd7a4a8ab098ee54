"""Back-office refunds: choose the units and the amount, confirm, refund once."""
from flask import flash, redirect, render_template, url_for

from ..auth.session import signed_in_user
from ..clock import utcnow
from ..errors import InvalidInput, InvalidTransition, RefundExceedsPayment
from ..money import format_money
from ..orders import refunding, refunds, services
from ..orders.forms import RefundForm
from ..orders.repositories import Repositories
from ..orders.schemas import RefundSchema
from .routes import bp

REFUND = RefundSchema()



@bp.get("/orders/<oid:order_id>/refund")
def refund_form(order_id):
    """What to refund of a paid, shipped or delivered order: units (restocked or not), an amount."""
    order = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    return _page(order, RefundForm.for_order(order))


@bp.post("/orders/<oid:order_id>/refund")
def refund(order_id):
    """First the refund's amount to confirm, then (confirmed) the refund itself, made once."""
    order = services.get_order(Repositories.for_request(), signed_in_user(), order_id, utcnow())
    form = RefundForm()
    if not (form.validate_on_submit() and (data := form.load(REFUND, form.schema_data()))):
        return _page(order, form)
    request = refunding.RefundRequest.from_body(data)
    try:
        if form.confirmed.data == "edit":  # back from the confirmation, with what was chosen
            return _page(order, form)
        if form.confirmed.data != "yes":
            order, amount, lines = refunding.preview_refund(Repositories.for_request(), order_id, request)
            return _page(order, form, preview={"amount": amount, "lines": lines})
        order, made, _ = refunding.refund_order(Repositories.for_request(), signed_in_user(), order_id, request,
                                                form.key.data, utcnow())
    except InvalidInput as error:
        form.show_error(error)
        return _page(order, form)
    except (InvalidTransition, RefundExceedsPayment) as error:  # not a field's: what the order allows now
        form.form_errors.append(error.message)
        return _page(order, form)
    flash(f"Refunded {format_money(made.amount, order.currency)} on order {order.number}.", "success")
    return redirect(url_for("admin.order", order_id=order.id))


def _page(order, form, preview=None):
    lines = {line.variant_id: line for line in order.items}
    status = form.status() if form.is_submitted() and not preview else 200
    return render_template("admin/refund.html", order=order, form=form, lines=lines, preview=preview,
                           refundable=refunds.refundable(order)), status
