"""Register, log in and log out in the browser (Flask-Login session + CSRF); reset a
forgotten password through an e-mailed link; the account page (name, password)."""
from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..clock import utcnow
from ..db import get_db
from ..errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from . import services
from ..forms import ActionForm, keeps_typed_input
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NameForm, RegisterForm, ResetPasswordForm
from .guards import client_address
from .repository import LoginFailures, UserRepository
from .schemas import (
    CredentialsSchema, PasswordChangeSchema, PasswordResetRequestSchema, PasswordResetSchema, RegisterSchema,
    UserUpdateSchema,
)
from .session import log_in, log_out, safe_next, signed_in_user

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
@keeps_typed_input
def register():
    """Create a customer account and log in with it, then follow `next` inside the site."""
    form = RegisterForm()
    if form.validate_on_submit() and (data := form.load(RegisterSchema(), form.schema_data())):
        try:
            user = services.register(UserRepository(get_db()), data["email"], data["password"], data["name"], utcnow())
        except Conflict as error:
            form.show_error(error)
        else:
            _start_session(user, f"Welcome, {user.name}. Your account is ready.")
            return redirect(safe_next(request.args.get("next")) or url_for("site.home"))
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
            form.show_error(error)
        else:
            _start_session(user, f"Welcome back, {user.name}.")
            return redirect(safe_next(form.next.data) or url_for("site.home"))
    return render_template("auth/login.html", form=form), form.status(), form.headers()


def _start_session(user, greeting):
    log_in(user)  # the visitor's cart joins the shopper's: the cart listens for the log-in
    flash(greeting, "success")


def _authenticate(data):
    db = get_db()
    return services.authenticate(
        UserRepository(db), LoginFailures(db), data["email"], data["password"],
        client_address(), current_app.config, utcnow(),
    )


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token, so no other site can log you out)."""
    if ActionForm().validate_on_submit():
        log_out()
        flash("You have logged out.", "info")
    return redirect(url_for("site.home"))


# A forgotten password --------------------------------------------------------


@bp.route("/password-reset", methods=["GET", "POST"])
@keeps_typed_input
def forgot_password():
    """Ask for a link to set a new password; the answer is the same whether or not the email
    has an account (and whether or not the limit let one be sent)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit() and (data := form.load(PasswordResetRequestSchema(), form.schema_data())):
        services.request_password_reset(services.Accounts.of(get_db()), data["email"], client_address(),
                                        current_app.config, utcnow())
        return render_template("auth/reset_sent.html", email=data["email"],
                               ttl=current_app.config["PASSWORD_RESET_TTL_MINUTES"])
    return render_template("auth/forgot_password.html", form=form), form.status()


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """The e-mailed link's form: a new password, once; then every session ends and the
    shopper logs in with it. A used, expired or unknown link is a 404 page."""
    accounts = services.Accounts.of(get_db())
    form = ResetPasswordForm()
    if form.validate_on_submit() and (data := form.load(PasswordResetSchema(), form.schema_data())):
        try:
            services.reset_password(accounts, token, data["password"], utcnow())
        except NotFound:
            return _not_stored(render_template("auth/reset_unusable.html"), 404)
        flash("Your password is changed and you are logged out everywhere. Log in with the new password.", "success")
        return redirect(url_for("auth.login"))
    if not services.reset_link_is_open(accounts, token, utcnow()):
        return _not_stored(render_template("auth/reset_unusable.html"), 404)
    return _not_stored(render_template("auth/reset_password.html", form=form), form.status())


def _not_stored(page, status):
    """A page whose address is a secret (the reset link): no cache keeps it."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


# The account page ------------------------------------------------------------


@bp.get("/account")
@login_required
def account():
    """The shopper's account: their name and their password."""
    return _account_page()


@bp.post("/account/name")
@login_required
@keeps_typed_input
def rename():
    """Change the name the shop greets and addresses e-mails with."""
    form = NameForm()
    if form.validate_on_submit() and (data := form.load(UserUpdateSchema(), form.schema_data())):
        services.rename(services.Accounts.of(get_db()), signed_in_user(), data["name"])
        flash("Your name is changed.", "success")
        return redirect(url_for("auth.account"))
    return _account_page(name_form=form)


@bp.post("/account/password")
@login_required
def change_password():
    """A new password; this browser stays logged in, every other session and token ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and (data := form.load(PasswordChangeSchema(), form.schema_data())):
        try:
            services.change_password(services.Accounts.of(get_db()), signed_in_user(), data["current_password"],
                                     data["new_password"], client_address(), current_app.config, utcnow(),
                                     current_user.token)
        except (InvalidInput, RateLimited) as error:
            form.show_error(error)
        else:
            flash("Your password is changed. You are still logged in here; every other session and API token "
                  "has ended.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form)


def _account_page(name_form=None, password_form=None):
    """The page with one section per form; the one that was sent keeps its errors."""
    name_form = name_form or NameForm(formdata=None, name=current_user.name)
    password_form = password_form or ChangePasswordForm(formdata=None)
    status = max(name_form.status(), password_form.status())
    headers = password_form.headers()
    return render_template("auth/account.html", name_form=name_form, password_form=password_form), status, headers
