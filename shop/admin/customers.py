"""Back-office customers: the accounts, newest first, searchable; one customer and their orders."""
from flask import render_template, request

from ..auth import services as accounts
from ..auth.forms import CustomerSearchForm
from ..auth.repository import UserRepository
from ..clock import utcnow
from ..auth.schemas import CustomerListArgs
from ..auth.session import signed_in_user
from ..db import get_db
from ..fields import PageArgs
from ..forms import page_args
from ..orders import lists as order_lists
from ..orders.repositories import Repositories
from .routes import bp

PER_PAGE = 25
SEARCH_ARGS = CustomerListArgs(only=["q", "page"])
PAGE_ARGS = PageArgs(only=["page"])


@bp.get("/customers")
def customers():
    """Every customer account, newest first, with how many orders each placed; by the start
    of an e-mail or a name."""
    form = CustomerSearchForm(formdata=request.args)
    args = page_args(SEARCH_ARGS)
    found, counts, total = order_lists.customers_page(Repositories.for_request(), UserRepository(get_db()),
                                                      args.get("q"), args["page"], PER_PAGE)
    return render_template("admin/customers.html", form=form, customers=found, counts=counts, total=total,
                           page=args["page"], per_page=PER_PAGE, link_args={"q": args["q"]} if args.get("q") else {})


@bp.get("/customers/<oid:user_id>")
def customer(user_id):
    """One customer: who they are, and their orders, newest first."""
    user = accounts.get_user(UserRepository(get_db()), user_id)
    page = page_args(PAGE_ARGS)["page"]
    placed, total = order_lists.list_orders(Repositories.for_request(), signed_in_user(), None, user.id,
                                            page, PER_PAGE, utcnow())
    return render_template("admin/customer.html", customer=user, orders=placed, total=total, page=page,
                           per_page=PER_PAGE)
