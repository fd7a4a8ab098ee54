"""The address book in the browser: list, add, edit, delete (after a confirmation page),
and choose the default."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from ..auth.session import signed_in_user
from ..clock import utcnow
from ..countries import COUNTRY_NAMES
from ..db import get_db
from ..errors import InvalidInput
from ..forms import ActionForm, keeps_typed_input
from . import services
from .forms import AddressForm
from .model import MAX_ADDRESSES, printed_lines
from .repository import AddressRepository
from .schemas import AddressCreateSchema

bp = Blueprint("addresses", __name__)
# The form sends every field, so an edit is held to a new address's rules (a blank name is
# refused, not left out as a PATCH may leave it).
ADDRESS = AddressCreateSchema()


@bp.app_template_global()
def country_name(code):
    """"United Kingdom" for "GB", for the pages that show an address."""
    return COUNTRY_NAMES.get(code, code)


bp.add_app_template_global(printed_lines, "address_lines")  # every page that prints an address


def _addresses():
    return AddressRepository(get_db())


def _user_id():
    return signed_in_user().id


@bp.get("/account/addresses")
@login_required
def address_book():
    """Your addresses, the default marked, each with edit, delete and "make default"."""
    addresses = services.saved_addresses(_addresses(), _user_id())
    return render_template("addresses/list.html", addresses=addresses, max_addresses=MAX_ADDRESSES)


def _form_page(form, address=None, status=200):
    return render_template("addresses/form.html", form=form, address=address), status


@bp.get("/account/addresses/new")
@login_required
def new_address():
    """The form for a new address."""
    return _form_page(AddressForm(formdata=None, name=signed_in_user().name))


@bp.post("/account/addresses/new")
@login_required
@keeps_typed_input
def add_address():
    """Save the new address; back to the form, as typed, with what to correct."""
    form = AddressForm()
    if form.validate_on_submit() and (data := form.load(ADDRESS, form.schema_data())):
        try:
            services.add_address(_addresses(), _user_id(), data, utcnow())
        except InvalidInput as error:
            form.show_error(error)
        else:
            flash("The address is saved.", "success")
            return redirect(url_for("addresses.address_book"))
    return _form_page(form, status=form.status())


@bp.get("/account/addresses/<oid:address_id>/edit")
@login_required
def edit_address(address_id):
    """The form to change one of your addresses."""
    address = services.get_address(_addresses(), _user_id(), address_id)
    return _form_page(AddressForm(formdata=None, obj=address, default=False), address)


@bp.post("/account/addresses/<oid:address_id>/edit")
@login_required
@keeps_typed_input
def save_address(address_id):
    """Save the changes to one of your addresses."""
    address = services.get_address(_addresses(), _user_id(), address_id)
    form = AddressForm()
    if form.validate_on_submit() and (data := form.load(ADDRESS, form.schema_data())):
        try:
            services.update_address(_addresses(), _user_id(), address_id, data, utcnow())
        except InvalidInput as error:
            form.show_error(error)
        else:
            flash("The address is changed. Orders placed before keep the address they were sent to.", "success")
            return redirect(url_for("addresses.address_book"))
    return _form_page(form, address, status=form.status())


@bp.get("/account/addresses/<oid:address_id>/delete")
@login_required
def confirm_delete(address_id):
    """Asks before deleting (a page of its own, so that it works without JavaScript)."""
    address = services.get_address(_addresses(), _user_id(), address_id)
    return render_template("addresses/delete.html", address=address)


@bp.post("/account/addresses/<oid:address_id>/delete")
@login_required
def delete_address(address_id):
    """Delete the address, once confirmed."""
    if ActionForm().validate_on_submit():
        services.delete_address(_addresses(), _user_id(), address_id)
        flash("The address is deleted.", "info")
    return redirect(url_for("addresses.address_book"))


@bp.post("/account/addresses/<oid:address_id>/default")
@login_required
def make_default(address_id):
    """Make this address the default (the one the checkout chooses first)."""
    if ActionForm().validate_on_submit():
        services.update_address(_addresses(), _user_id(), address_id, {"default": True}, utcnow())
        flash("That address is now your default.", "success")
    return redirect(url_for("addresses.address_book"))
