"""`/api/v1/auth/...` and `/api/v1/me`: accounts over JSON."""
from flask import Blueprint, current_app, jsonify

from ..api import load_body
from ..clock import utcnow
from ..db import get_db
from ..operations import TOKEN_HOLDER, operation
from . import services
from .guards import bearer_token, client_address, current_api_user, token_required
from .repository import LoginFailures, TokenRepository, UserRepository
from .schemas import (
    AcceptedSchema, CredentialsSchema, PasswordChangeSchema, PasswordResetRequestSchema, PasswordResetSchema,
    RegisterSchema, TokenSchema, UserSchema, UserUpdateSchema,
)

api_bp = Blueprint("auth_api", __name__)

# Schemas hold no per-request state, so each is built once (building one costs more than using it).
REGISTER = RegisterSchema()
USER = UserSchema()
CREDENTIALS = CredentialsSchema()
TOKEN = TokenSchema()
USER_UPDATE = UserUpdateSchema()
PASSWORD_CHANGE = PasswordChangeSchema()
RESET_REQUEST = PasswordResetRequestSchema()
RESET = PasswordResetSchema()
RESET_ACCEPTED = AcceptedSchema().dump(
    {"message": "If an account has this email, a link to reset its password is on its way."})


@api_bp.post("/auth/register")
@operation("Create a customer account", body=RegisterSchema, answer=UserSchema, status=201, errors=(409,))
def register():
    """Create a customer account."""
    data = load_body(REGISTER)
    user = services.register(UserRepository(get_db()), data["email"], data["password"], data["name"], utcnow())
    return USER.dump(user), 201


@api_bp.post("/auth/tokens")
@operation("Log in: exchange email and password for a bearer token", body=CredentialsSchema, answer=TokenSchema,
           status=201, errors=(401, 429))
def create_token():
    """Exchange an email and password for a bearer token."""
    data = load_body(CREDENTIALS)
    db = get_db()
    now = utcnow()
    user = services.authenticate(
        UserRepository(db), LoginFailures(db), data["email"], data["password"],
        client_address(), current_app.config, now,
    )
    token, expires_at = services.issue_token(TokenRepository(db), user, current_app.config["TOKEN_TTL_DAYS"], now)
    body = {"token": token, "token_type": "Bearer", "expires_at": expires_at, "user": user}
    return TOKEN.dump(body), 201


@api_bp.delete("/auth/tokens/current")
@operation("Log out: revoke this token", who=TOKEN_HOLDER, status=204)
@token_required
def revoke_token():
    """Log out: the token stops working."""
    services.revoke_token(TokenRepository(get_db()), bearer_token())
    return "", 204


@api_bp.post("/auth/password-resets")
@operation("E-mail a one-use link to set a new password (202 whether or not the email has an account, and over the "
           "limit, when nothing is sent)", body=PasswordResetRequestSchema, answer=AcceptedSchema, status=202)
def request_password_reset():
    """E-mail a one-use link to set a new password: 202 whether or not the email has an account."""
    data = load_body(RESET_REQUEST)
    services.request_password_reset(services.Accounts.of(get_db()), data["email"], client_address(),
                                    current_app.config, utcnow())
    return RESET_ACCEPTED, 202


@api_bp.post("/auth/password-resets/<token>")
@operation("Set a new password through the e-mailed link, once; every session and token of the account ends",
           body=PasswordResetSchema, status=204)
def reset_password(token):
    """Set a new password through the e-mailed link; every session and token of the account ends."""
    data = load_body(RESET)
    services.reset_password(services.Accounts.of(get_db()), token, data["password"], utcnow())
    return "", 204


@api_bp.get("/me")
@operation("The token holder's account", who=TOKEN_HOLDER, answer=UserSchema)
def me():
    """The token holder's account."""
    return jsonify(USER.dump(current_api_user()))


@api_bp.patch("/me")
@operation("Change the token holder's name", who=TOKEN_HOLDER, body=UserUpdateSchema, answer=UserSchema)
@token_required
def update_me():
    """Change the token holder's name."""
    data = load_body(USER_UPDATE)
    return USER.dump(services.rename(services.Accounts.of(get_db()), current_api_user(), data["name"]))


@api_bp.post("/me/password")
@operation("Change the password (422 on details.current_password when it is wrong); every other session and token "
           "ends, this token keeps working", who=TOKEN_HOLDER, body=PasswordChangeSchema, status=204, errors=(429,))
@token_required
def change_password():
    """Change the password; every other session and token of the account ends, this token works on."""
    data = load_body(PASSWORD_CHANGE)
    services.change_password(services.Accounts.of(get_db()), current_api_user(), data["current_password"],
                             data["new_password"], client_address(), current_app.config, utcnow(), bearer_token())
    return "", 204
