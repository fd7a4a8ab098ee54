"""Register, log in and log out in the browser (Flask-Login session + CSRF)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..cart.routes import carry_cart_over
from ..clock import utcnow
from ..db import get_db
from ..errors import Conflict, RateLimited, Unauthorized
from . import services
from ..forms import keeps_typed_input
from .forms import ActionForm, LoginForm, RegisterForm
from .repository import LoginFailures, UserRepository
from .schemas import CredentialsSchema, RegisterSchema
from .session import log_in, log_out, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
@keeps_typed_input
def register():
    """Create a customer account, then go to the log-in page."""
    form = RegisterForm()
    if form.validate_on_submit() and (data := form.load(RegisterSchema(), form.schema_data())):
        try:
            services.register(UserRepository(get_db()), data["email"], data["password"], data["name"], utcnow())
        except Conflict as error:
            form.show_error(error)
        else:
            flash("Your account is ready. Please log in.", "success")
            return redirect(url_for("auth.login", next=safe_next(request.args.get("next"))))
    return render_template("auth/register.html", form=form), form.status()


@bp.route("/login", methods=["GET", "POST"])
@keeps_typed_input
def login():
    """Log in with email and password; follow `next` only inside the site."""
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit() and (data := form.load(CredentialsSchema(), form.schema_data())):
        try:
            user = _authenticate(data)
        except (Unauthorized, RateLimited) as error:
            form.form_errors.append(error.message)
        else:
            log_in(user)
            carry_cart_over()
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("site.home"))
    return render_template("auth/login.html", form=form), form.status()


def _authenticate(data):
    db = get_db()
    return services.authenticate(
        UserRepository(db), LoginFailures(db), data["email"], data["password"],
        request.remote_addr or "unknown", current_app.config, utcnow(),
    )


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token, so no other site can log you out)."""
    if ActionForm().validate_on_submit():
        log_out()
        flash("You have logged out.", "info")
    return redirect(url_for("site.home"))
