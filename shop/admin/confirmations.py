"""The back office's second step for a change that cannot be undone (delete, archive): the
list links to a page saying what will happen, whose "Yes" posts back to that same address."""
from flask import redirect, render_template, request

from ..forms import ActionForm


def two_steps(template, act, yes_label, keep_url, **page):
    """Opened (GET): `template` (extending _confirm.html) says what will happen; nothing changes.
    Posted with the page's CSRF token: `act()` does it, flashes what happened and says where to go."""
    form = ActionForm() if request.method == "POST" else ActionForm(formdata=None)
    if form.validate_on_submit():
        return redirect(act())
    return render_template(template, form=form, action=request.path, yes_label=yes_label, keep_url=keep_url,
                           admin=True, **page), form.status()
