"""Account use cases: register, log in for a token, find who a token belongs to, reset
or change a password, rename."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from marshmallow import ValidationError
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from ..outbox_repository import OutboxRepository
from .emails import password_reset_email
from .model import ADMIN, CUSTOMER, normalize_email
from .repository import LoginFailures, PasswordResets, ResetRequests, TokenRepository, UserRepository
from .schemas import RegisterSchema

# Checked against when the email is unknown, so that both failures take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
BAD_CREDENTIALS = "The email or password is not correct."
WRONG_CURRENT_PASSWORD = "This is not your current password."
RESET_LINK_UNUSABLE = "This link to reset a password is not valid: it was used, it expired, or it was never sent."
# The site's reset form (auth/routes.py), which the e-mailed link opens.
RESET_PATH = "/password-reset/{token}"


@dataclass
class Accounts:
    """The stores an account's use cases need."""
    users: UserRepository
    tokens: TokenRepository
    failures: LoginFailures
    resets: PasswordResets
    reset_requests: ResetRequests
    outbox: OutboxRepository

    @classmethod
    def of(cls, db):
        return cls(UserRepository(db), TokenRepository(db), LoginFailures(db), PasswordResets(db), ResetRequests(db),
                   OutboxRepository(db))


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def get_user(users, user_id):
    """Anyone's account, for the back office; 404 when there is none."""
    user = users.get(user_id)
    if user is None:
        raise NotFound("No such customer.")
    return user


def register(users, email, password, name, now, role=CUSTOMER):
    return users.add(normalize_email(email), name, role, hash_password(password), now)


def authenticate(users, failures, email, password, client_address, settings, now):
    """The user with these credentials, or Unauthorized. RateLimited after LOGIN_MAX_FAILURES
    failures for this e-mail from this client, or four times that from this client across
    e-mails: failures from other clients never lock this one out of an account."""
    email = normalize_email(email)
    keys = [failures.email_from_client(email, client_address), failures.client(client_address)]
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
    # `user` is as its password was checked: a reset since then has moved its version on.
    tokens.add(token_hash(token), user.id, user.password_version, now, expires_at, kind)
    return token, expires_at


def user_for_token(tokens, users, token, now, kind=TokenRepository.API):
    holder = tokens.holder_of(token_hash(token), now, kind) if token else None
    user = users.get(holder[0]) if holder else None
    if user is None or user.password_version != holder[1]:
        raise Unauthorized("The token is missing, expired or revoked.")
    return user


def revoke_token(tokens, token):
    tokens.remove(token_hash(token))


def rename(accounts, user, name):
    """`user` with a new name (the rules are registering's: RegisterSchema)."""
    renamed = accounts.users.rename(user.id, name)
    if renamed is None:
        raise NotFound("No such account.")
    return renamed


def change_password(accounts, user, current_password, new_password, client_address, settings, now, keep_token):
    """Set a new password when `current_password` is right; every session and token of the user
    ends but `keep_token` (the one making the change). A wrong current password counts as a
    failed log-in, so this is no faster way to guess one (and is RateLimited in the same way)."""
    try:
        authenticate(accounts.users, accounts.failures, user.email, current_password, client_address, settings, now)
    except Unauthorized:
        raise InvalidInput({"current_password": [WRONG_CURRENT_PASSWORD]})
    _set_password(accounts, user, new_password, keep_token)


def request_password_reset(accounts, email, client_address, settings, now):
    """E-mail the account with `email` a one-use link to set a new password. Nothing is said
    either way: an unknown email, and an email or client address that asked too often in the
    window, send nothing and look the same to the caller."""
    email = normalize_email(email)
    window = settings["PASSWORD_RESET_WINDOW_SECONDS"]
    # Both are counted before the account is looked for, so an unknown email costs the same.
    by_email = accounts.reset_requests.record(f"email:{email}", window, now)
    by_client = accounts.reset_requests.record(f"client:{client_address}", window, now)
    if by_email > settings["PASSWORD_RESET_MAX_PER_EMAIL"] or by_client > settings["PASSWORD_RESET_MAX_PER_CLIENT"]:
        return
    user = accounts.users.by_email(email)
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    ttl = settings["PASSWORD_RESET_TTL_MINUTES"]
    accounts.resets.add(token_hash(token), user.id, now, now + timedelta(minutes=ttl))
    link = settings["SHOP_BASE_URL"] + RESET_PATH.format(token=token)
    subject, body = password_reset_email(user, link, ttl)
    # Keyed by the hash: the outbox's keys are not secret, and its body is dropped once sent.
    accounts.outbox.enqueue(f"password-reset:{token_hash(token)}", user.email, subject, body, now, secret=True)


def reset_link_is_open(accounts, token, now):
    """Whether the e-mailed link still sets a password (the form is shown only then)."""
    return accounts.resets.is_open(token_hash(token), now)


def reset_password(accounts, token, password, now):
    """Through the e-mailed link, once: the new password, and every session, API token and
    other reset link of the user ends; so do the counts of failed log-ins for their email, from
    every client."""
    user_id = accounts.resets.take(token_hash(token), now)
    user = accounts.users.get(user_id) if user_id else None
    if user is None:
        raise NotFound(RESET_LINK_UNUSABLE)
    _set_password(accounts, user, password)
    accounts.failures.clear_email(user.email)


def _set_password(accounts, user, password, keep_token=None):
    # The password and its new version first: from then on no session or token issued under
    # the old one works (even one a log-in racing this issues), and the rest is tidying up.
    version = accounts.users.set_password_hash(user.id, hash_password(password))
    keep_hash = token_hash(keep_token) if keep_token else None
    if keep_hash and version is not None:
        accounts.tokens.move_to_password_version(keep_hash, version)
    accounts.tokens.remove_all_for(user.id, keep_hash=keep_hash)
    accounts.resets.remove_for_user(user.id)


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
