"""Account use cases: register, log in for a token, find who a token belongs to."""
import hashlib
import secrets
from datetime import timedelta

from marshmallow import ValidationError
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, NotFound, RateLimited, Unauthorized
from .model import ADMIN, CUSTOMER, normalize_email
from .repository import TokenRepository
from .schemas import RegisterSchema

# Checked against when the email is unknown, so that both failures take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
BAD_CREDENTIALS = "The email or password is not correct."


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def list_customers(users, prefix, page, per_page):
    """A page of the customers' accounts, newest first (by e-mail or name `prefix`), and the total."""
    return users.page(CUSTOMER, prefix, page, per_page)


def get_user(users, user_id):
    """Anyone's account, for the back office; 404 when there is none."""
    user = users.get(user_id)
    if user is None:
        raise NotFound("No such customer.")
    return user


def register(users, email, password, name, now, role=CUSTOMER):
    return users.add(normalize_email(email), name, role, hash_password(password), now)


def authenticate(users, failures, email, password, client_address, settings, now):
    """The user with these credentials, or Unauthorized; RateLimited after repeated failures."""
    email = normalize_email(email)
    keys = [f"email:{email}", f"client:{client_address}"]
    limits = [settings["LOGIN_MAX_FAILURES"], settings["LOGIN_MAX_FAILURES"] * 4]
    wait = max(failures.blocked_for(key, limit, now) for key, limit in zip(keys, limits))
    if wait:
        raise RateLimited(wait)
    user = users.by_email(email)
    password_ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not password_ok:
        for key in keys:
            failures.record(key, settings["LOGIN_FAILURE_WINDOW_SECONDS"], now)
        raise Unauthorized(BAD_CREDENTIALS)
    failures.clear(keys[0])
    return user


def token_hash(token):
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(tokens, user, ttl_days, now, kind=TokenRepository.API):
    """A new random token (an API bearer token, or a site login); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=ttl_days)
    tokens.add(token_hash(token), user.id, now, expires_at, kind)
    return token, expires_at


def user_for_token(tokens, users, token, now, kind=TokenRepository.API):
    user_id = tokens.user_id_for(token_hash(token), now, kind) if token else None
    user = users.get(user_id) if user_id else None
    if user is None:
        raise Unauthorized("The token is missing, expired or revoked.")
    return user


def revoke_token(tokens, token):
    tokens.remove(token_hash(token))


def admin_credentials_problems(email, password):
    """What is wrong with an admin's email and password, by the same rule as registering
    through the API (RegisterSchema): {field: [message]}, empty when nothing is."""
    try:
        RegisterSchema().load({"email": email, "password": password, "name": "Administrator"})
    except ValidationError as error:
        return error.messages
    return {}


def ensure_admin(users, email, password, now):
    """Create the admin account unless a user with that email exists. True if created."""
    if users.by_email(normalize_email(email)):
        return False
    try:
        register(users, email, password, "Administrator", now, role=ADMIN)
    except Conflict:  # another process created it first
        return False
    return True
