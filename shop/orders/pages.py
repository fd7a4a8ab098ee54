"""What the shop's order pages and the back office's share: the cancel's confirmation step."""
from flask import flash, redirect, render_template, request

from ..errors import InvalidTransition
from ..forms import ConfirmForm
from . import model
from .schemas import CancelSchema


def confirm_cancel(order, action, page, cancel, admin):
    """The cancel's confirmation page (posting to `action`), or, posted, `cancel(reason)` and
    back to the order's `page`."""
    if not order.can_cancel:
        flash(model.invalid_transition(order.status, model.CANCELLED).message, "error")
        return redirect(page)
    form = ConfirmForm() if request.method == "POST" else ConfirmForm(formdata=None)
    if form.validate_on_submit() and (data := form.load(CancelSchema(), form.schema_data())) is not None:
        try:
            cancelled = cancel(data.get("reason"))
            flash(f"Order {cancelled.number} is cancelled.", "info")
        except InvalidTransition as error:
            flash(error.message, "error")
        return redirect(page)
    return render_template("orders/cancel.html", order=order, form=form, action=action, yes_label="Yes, cancel",
                           keep_url=page, admin=admin), form.status()
