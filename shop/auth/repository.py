"""`users`, `tokens` and `login_failures`: documents in, models out."""
import re
from datetime import timedelta

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

    def count(self):
        return self.users.count_documents({})

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


class TokenRepository:
    """Bearer tokens of the API and the site's logins, stored only as a hash; MongoDB's
    TTL index drops expired ones. A token works only as its own kind: a site login is
    never a bearer token (tokens stored before kinds existed are API tokens)."""

    API, SITE = "api", "site"

    def __init__(self, db):
        self.tokens = db.tokens

    def add(self, token_hash, user_id, now, expires_at, kind=API):
        self.tokens.insert_one(
            {"token_hash": token_hash, "user_id": user_id, "kind": kind, "created_at": now, "expires_at": expires_at}
        )

    def user_id_for(self, token_hash, now, kind=API):
        # The TTL monitor runs about once a minute, so expiry is checked here too. The kind
        # is compared here, not in the filter, so that the lookup stays the unique hash's.
        doc = self.tokens.find_one({"token_hash": token_hash, "expires_at": {"$gt": now}})
        return doc["user_id"] if doc and doc.get("kind", self.API) == kind else None

    def remove(self, token_hash):
        self.tokens.delete_one({"token_hash": token_hash})


class LoginFailures:
    """Failed logins counted per key (an email, a client address) in a fixed window.

    The counter lives in MongoDB so that the limit holds across app processes;
    `$inc` on one document is atomic, and the TTL index removes old windows.
    """

    def __init__(self, db):
        self.failures = db.login_failures

    def blocked_for(self, key, limit, now):
        """Seconds until `key` may try again, or 0."""
        doc = self.failures.find_one({"key": key, "expires_at": {"$gt": now}})
        if doc and doc["count"] >= limit:
            return (doc["expires_at"] - now).total_seconds()
        return 0

    def record(self, key, window_seconds, now):
        expires_at = now + timedelta(seconds=window_seconds)
        # A window that has ended starts again from one.
        self.failures.delete_one({"key": key, "expires_at": at_or_before(now)})
        # Update, else insert (no upsert: racing upserts of one new document may fail with
        # a duplicate key on MongoDB, and came back empty on the test server); an insert
        # that loses the race counts on the next update.
        for _ in range(3):
            if self.failures.update_one({"key": key}, {"$inc": {"count": 1}}).matched_count:
                return
            try:
                self.failures.insert_one({"key": key, "count": 1, "expires_at": expires_at})
                return
            except DuplicateKeyError:
                continue

    def clear(self, key):
        self.failures.delete_one({"key": key})
