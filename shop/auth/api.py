"""`/api/v1/auth/...` and `/api/v1/me`: accounts over JSON."""
from flask import current_app, jsonify, request

from ..api import load_body
from ..clock import utcnow
from ..db import get_db
from . import api_bp, services
from .guards import bearer_token, current_api_user, token_required
from .repository import LoginFailures, TokenRepository, UserRepository
from .schemas import CredentialsSchema, RegisterSchema, TokenSchema, UserSchema

# Schemas hold no per-request state, so each is built once (building one costs more than using it).
REGISTER = RegisterSchema()
USER = UserSchema()
CREDENTIALS = CredentialsSchema()
TOKEN = TokenSchema()


@api_bp.post("/auth/register")
def register():
    """Create a customer account."""
    data = load_body(REGISTER)
    user = services.register(UserRepository(get_db()), data["email"], data["password"], data["name"], utcnow())
    return USER.dump(user), 201


@api_bp.post("/auth/tokens")
def create_token():
    """Exchange an email and password for a bearer token."""
    data = load_body(CREDENTIALS)
    db = get_db()
    now = utcnow()
    user = services.authenticate(
        UserRepository(db), LoginFailures(db), data["email"], data["password"],
        request.remote_addr or "unknown", current_app.config, now,
    )
    token, expires_at = services.issue_token(TokenRepository(db), user, current_app.config["TOKEN_TTL_DAYS"], now)
    body = {"token": token, "token_type": "Bearer", "expires_at": expires_at, "user": user}
    return TOKEN.dump(body), 201


@api_bp.delete("/auth/tokens/current")
@token_required
def revoke_token():
    """Log out: the token stops working."""
    services.revoke_token(TokenRepository(get_db()), bearer_token())
    return "", 204


@api_bp.get("/me")
def me():
    """The token holder's account."""
    return jsonify(USER.dump(current_api_user()))
