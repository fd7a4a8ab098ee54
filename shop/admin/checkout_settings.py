"""Back-office checkout settings: shipping methods, tax rates and discount codes (list, new,
edit, delete after a confirmation step). Each form is validated by its API's schemas and saved
by its API's services."""
from flask import flash, redirect, render_template, request, url_for

from ..clock import utcnow
from ..db import get_db
from ..discounts import services as discount_services
from ..discounts.forms import DiscountCodeForm
from ..discounts.repository import DiscountCodeRepository
from ..discounts.schemas import DiscountCodeCreateSchema, DiscountCodeUpdateSchema
from ..errors import Conflict, InvalidInput, NotFound
from ..fields import PageArgs
from ..forms import keeps_typed_input, page_args
from ..shipping import services as shipping_services
from ..shipping.forms import ShippingMethodForm
from ..shipping.repository import ShippingMethodRepository
from ..shipping.schemas import ShippingMethodCreateSchema, ShippingMethodUpdateSchema
from ..taxes import services as tax_services
from ..taxes.forms import TaxRateForm
from ..taxes.repository import TaxRateRepository
from ..taxes.schemas import TaxRateCreateSchema, TaxRateUpdateSchema
from .routes import bp
from .confirmations import two_steps

PER_PAGE = 50


class Setting:
    """One kind of setting as the back office shows it: its words, pages, form, schemas and services."""

    def __init__(self, name, plural, endpoint, repository, form, create_schema, update_schema, service, verbs, label):
        self.name, self.plural, self.endpoint = name, plural, endpoint
        self.repository, self.form = repository, form
        self.create_schema, self.update_schema = create_schema(), update_schema()
        self.get, self.list, self.create, self.update, self.delete = (getattr(service, verb) for verb in verbs)
        self.label = label  # model -> how flashes name it

    def store(self):
        return self.repository(get_db())


SHIPPING = Setting("shipping method", "Shipping methods", "shipping_methods", ShippingMethodRepository,
                   ShippingMethodForm, ShippingMethodCreateSchema, ShippingMethodUpdateSchema, shipping_services,
                   ("get_method", "list_methods", "create_method", "update_method", "delete_method"),
                   lambda method: method.name)
TAXES = Setting("tax rate", "Tax rates", "tax_rates", TaxRateRepository, TaxRateForm, TaxRateCreateSchema,
                TaxRateUpdateSchema, tax_services,
                ("get_rate", "list_rates", "create_rate", "update_rate", "delete_rate"),
                lambda rate: f"The tax rate of {rate.country}")
DISCOUNTS = Setting("discount code", "Discount codes", "discount_codes", DiscountCodeRepository, DiscountCodeForm,
                    DiscountCodeCreateSchema, DiscountCodeUpdateSchema, discount_services,
                    ("get_code", "list_codes", "create_code", "update_code", "delete_code"),
                    lambda code: f"The code {code.code}")


def _list(setting):
    page = page_args(PageArgs(only=["page"]))["page"]
    items, total = setting.list(setting.store(), page, PER_PAGE)
    return render_template(f"admin/{setting.endpoint}.html", setting=setting, items=items, total=total, page=page,
                           per_page=PER_PAGE)


def _new(setting):
    form = setting.form()
    if form.validate_on_submit() and (data := form.load(setting.create_schema, form.schema_data())):
        try:
            item = setting.create(setting.store(), data, utcnow())
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{setting.label(item)} is added.", "success")
            return redirect(url_for(f"admin.{setting.endpoint}"))
    return _form_page(setting, form, None)


def _edit(setting, item_id):
    item = setting.get(setting.store(), item_id)
    form = setting.form.of(item) if request.method == "GET" else setting.form()
    if form.validate_on_submit() and (changes := form.load(setting.update_schema, form.schema_data())):
        try:
            item = setting.update(setting.store(), item_id, changes, utcnow())
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{setting.label(item)} is saved.", "success")
            return redirect(url_for(f"admin.{setting.endpoint}"))
    return _form_page(setting, form, item)


def _form_page(setting, form, item):
    return render_template("admin/setting_form.html", setting=setting, form=form, item=item), form.status()


def _delete(setting, key, item_id):
    """The delete's confirmation step (admin/delete_<key>.html says what will happen), then the delete."""
    item = setting.get(setting.store(), item_id)
    listing = url_for(f"admin.{setting.endpoint}")

    def delete():
        try:
            setting.delete(setting.store(), item_id)
        except NotFound as error:  # deleted meanwhile, in another tab
            flash(error.message, "error")
        else:
            flash(f"{setting.label(item)} is deleted.", "info")
        return listing

    return two_steps(f"admin/delete_{key}.html", delete, "Yes, delete", listing, item=item)


def _pages(setting, path, key, id_arg):
    """The list, new, edit and delete pages of one setting, at /admin/<path>; `id_arg` names
    the id in their paths as the API's do (method_id, rate_id, code_id)."""
    def listing():
        return _list(setting)

    def new():
        return _new(setting)

    def edit(**path_args):
        return _edit(setting, path_args[id_arg])

    def delete(**path_args):
        return _delete(setting, key, path_args[id_arg])

    for view, name in ((listing, ""), (new, "new_"), (edit, "edit_"), (delete, "delete_")):
        view.__name__ = f"{name}{setting.endpoint if not name else key}"
        view.__doc__ = f"{setting.plural}: {name.rstrip('_') or 'the list'}."
    bp.add_url_rule(f"/{path}", view_func=listing, methods=["GET"])
    bp.add_url_rule(f"/{path}/new", view_func=keeps_typed_input(new), methods=["GET", "POST"])
    bp.add_url_rule(f"/{path}/<id:{id_arg}>/edit", view_func=keeps_typed_input(edit), methods=["GET", "POST"])
    bp.add_url_rule(f"/{path}/<id:{id_arg}>/delete", view_func=delete, methods=["GET", "POST"])


_pages(SHIPPING, "shipping-methods", "shipping_method", "method_id")
_pages(TAXES, "tax-rates", "tax_rate", "rate_id")
_pages(DISCOUNTS, "discount-codes", "discount_code", "code_id")
