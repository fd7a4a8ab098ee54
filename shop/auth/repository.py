"""`users`, `tokens`, `password_resets` and the attempt counters (`login_failures`,
`reset_requests`): documents in, models out."""
import re
from datetime import timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..db import at_or_before
from ..errors import Conflict
from ..ids import object_id
from .model import User


def _user(doc):
    if doc is None:
        return None
    return User(
        id=str(doc["_id"]),
        email=doc["email"],
        name=doc["name"],
        role=doc["role"],
        password_hash=doc["password_hash"],
        created_at=doc["created_at"],
        password_version=doc.get("password_version", 0),
    )


class UserRepository:
    def __init__(self, db):
        self.users = db.users

    def add(self, email, name, role, password_hash, now):
        doc = {"email": email, "name": name, "role": role, "password_hash": password_hash, "created_at": now}
        try:
            self.users.insert_one(doc)
        except DuplicateKeyError:
            raise Conflict("An account with this email already exists.", {"email": ["Already registered."]})
        return _user(doc)

    def get(self, user_id):
        oid = object_id(user_id)
        return _user(self.users.find_one({"_id": oid})) if oid else None

    def by_email(self, email):
        return _user(self.users.find_one({"email": email}))

    def page(self, role, prefix, page, per_page):
        """A page of the users with `role`, newest first, and how many there are; with
        `prefix`, only those whose e-mail or name starts with it (any case, taken literally)."""
        mongo_filter = {"role": role}
        if prefix:
            # E-mails are stored lower-cased, so theirs is a plain prefix.
            mongo_filter["$or"] = [{"email": {"$regex": "^" + re.escape(prefix.lower())}},
                                   {"name": {"$regex": "^" + re.escape(prefix), "$options": "i"}}]
        total = self.users.count_documents(mongo_filter)
        docs = self.users.find(mongo_filter, sort=[("created_at", -1), ("_id", -1)], skip=(page - 1) * per_page,
                               limit=per_page) if (page - 1) * per_page < total else []
        return [_user(doc) for doc in docs], total

    def ids_named(self, role, prefix):
        """The ids of the users with `role` whose name starts with `prefix` (any case, taken literally)."""
        docs = self.users.find({"role": role, "name": {"$regex": "^" + re.escape(prefix), "$options": "i"}},
                               projection={"_id": True})
        return [str(doc["_id"]) for doc in docs]

    def rename(self, user_id, name):
        """The user with their new name, or None when there is no such user."""
        doc = self.users.find_one_and_update({"_id": object_id(user_id)}, {"$set": {"name": name}},
                                             return_document=ReturnDocument.AFTER)
        return _user(doc)

    def set_password_hash(self, user_id, password_hash):
        """The new hash and the next password version, in one write; that version."""
        doc = self.users.find_one_and_update(
            {"_id": object_id(user_id)}, {"$set": {"password_hash": password_hash}, "$inc": {"password_version": 1}},
            projection={"password_version": True}, return_document=ReturnDocument.AFTER)
        return doc["password_version"] if doc else None


class TokenRepository:
    """Bearer tokens of the API and the site's logins, stored only as a hash; MongoDB's
    TTL index drops expired ones. A token works only as its own kind: a site login is
    never a bearer token (tokens stored before kinds existed are API tokens)."""

    API, SITE = "api", "site"

    def __init__(self, db):
        self.tokens = db.tokens

    def add(self, token_hash, user_id, password_version, now, expires_at, kind=API):
        self.tokens.insert_one({"token_hash": token_hash, "user_id": user_id, "password_version": password_version,
                                "kind": kind, "created_at": now, "expires_at": expires_at})

    def holder_of(self, token_hash, now, kind=API):
        """(user id, the password version it was issued under) of an open token, or None."""
        # The TTL monitor runs about once a minute, so expiry is checked here too. The kind
        # is compared here, not in the filter, so that the lookup stays the unique hash's.
        doc = self.tokens.find_one({"token_hash": token_hash, "expires_at": {"$gt": now}})
        if doc is None or doc.get("kind", self.API) != kind:
            return None
        return doc["user_id"], doc.get("password_version", 0)

    def move_to_password_version(self, token_hash, password_version):
        """The token that changed its user's password goes on working under the new one."""
        self.tokens.update_one({"token_hash": token_hash}, {"$set": {"password_version": password_version}})

    def remove(self, token_hash):
        self.tokens.delete_one({"token_hash": token_hash})

    def remove_all_for(self, user_id, keep_hash=None):
        """End every site session and API token of a user, but the one whose hash is `keep_hash`."""
        keep = {"token_hash": {"$ne": keep_hash}} if keep_hash else {}
        self.tokens.delete_many({"user_id": user_id, **keep})


class PasswordResets:
    """One-use password reset links, stored only as their token's hash with the user's id;
    MongoDB's TTL index drops expired ones, and expiry is checked here too (it runs about
    once a minute)."""

    def __init__(self, db):
        self.resets = db.password_resets

    def add(self, token_hash, user_id, now, expires_at):
        self.resets.insert_one({"token_hash": token_hash, "user_id": user_id, "created_at": now,
                                "expires_at": expires_at})

    def is_open(self, token_hash, now):
        return self.resets.find_one({"token_hash": token_hash, "expires_at": {"$gt": now}}) is not None

    def take(self, token_hash, now):
        """The user id of an open link, which is used up by this call: of racing calls, one
        delete finds it. None for an unknown, used or expired link."""
        doc = self.resets.find_one_and_delete({"token_hash": token_hash, "expires_at": {"$gt": now}})
        return doc["user_id"] if doc else None

    def remove_for_user(self, user_id):
        self.resets.delete_many({"user_id": user_id})


class AttemptCounter:
    """Attempts counted per key (an email, a client address) in a fixed window.

    The counter lives in MongoDB so that the limit holds across app processes;
    `$inc` on one document is atomic, and the TTL index removes old windows.
    """

    def __init__(self, collection):
        self.attempts = collection

    def blocked_for(self, key, limit, now):
        """Seconds until `key` may try again, or 0."""
        doc = self.attempts.find_one({"key": key, "expires_at": {"$gt": now}})
        if doc and doc["count"] >= limit:
            return (doc["expires_at"] - now).total_seconds()
        return 0

    def record(self, key, window_seconds, now):
        """Count one attempt for `key`: how many its window holds, this one included."""
        expires_at = now + timedelta(seconds=window_seconds)
        # A window that has ended starts again from one.
        self.attempts.delete_one({"key": key, "expires_at": at_or_before(now)})
        # Update, else insert (no upsert: racing upserts of one new document may fail with
        # a duplicate key on MongoDB, and came back empty on the test server); an insert
        # that loses the race counts on the next update.
        for _ in range(3):
            doc = self.attempts.find_one_and_update({"key": key}, {"$inc": {"count": 1}},
                                                    return_document=ReturnDocument.AFTER)
            if doc:
                return doc["count"]
            try:
                self.attempts.insert_one({"key": key, "count": 1, "expires_at": expires_at})
                return 1
            except DuplicateKeyError:
                continue
        return float("inf")  # the window keeps being reset under us: count it as over any limit

    def clear(self, key):
        self.attempts.delete_one({"key": key})


class LoginFailures(AttemptCounter):
    """Failed log-ins (and wrong current passwords), per email and client address together,
    and per client address across emails."""

    def __init__(self, db):
        super().__init__(db.login_failures)

    @staticmethod
    def email_from_client(email, client_address):
        # The address comes last and holds no space, so no typed email makes another client's key.
        return f"email:{email} client:{client_address}"

    @staticmethod
    def client(client_address):
        return f"client:{client_address}"

    def clear_email(self, email):
        """Forget the failures for `email` from every client."""
        prefix = self.email_from_client(email, "")
        self.attempts.delete_many({"key": {"$regex": "^" + re.escape(prefix)}})


class ResetRequests(AttemptCounter):
    """Asks for a password reset link, per email and per client address."""

    def __init__(self, db):
        super().__init__(db.reset_requests)
