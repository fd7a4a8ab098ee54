"""Links to an order in e-mails: the order page for an account's order, and for a guest's
order a private link, which is the only way in to that one order.

The private link's token is an HMAC of the order's id under SECRET_KEY: unguessable, nothing
to store, and the same whenever an e-mail about the order is written (by the request that
placed it, or later by the worker). Changing SECRET_KEY ends every such link.
"""
import base64
import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer

# The site's paths for an order (shop/orders/routes.py); tests follow the e-mailed links.
ORDER_PATH = "/orders/{order_id}"
GUEST_PATH = "/orders/{order_id}/guest/{token}"
CLAIM_PATH = "/orders/claim/{token}"
CLAIM_DAYS = 3


class OrderLinks:
    def __init__(self, base_url, secret):
        self.base_url = base_url.rstrip("/")
        self._key = hashlib.sha256(b"guest-order-links:" + secret.encode()).digest()
        self._claims = URLSafeTimedSerializer(secret, salt="claim-guest-orders")

    @classmethod
    def of(cls, config):
        return cls(config["SHOP_BASE_URL"], config["SECRET_KEY"])

    def guest_token(self, order_id):
        digest = hmac.new(self._key, str(order_id).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def is_guest_token(self, order_id, token):
        return hmac.compare_digest(self.guest_token(order_id), token or "")

    def page(self, order):
        """The absolute address of the order's page for its customer."""
        if order.user_id is None:
            return self.base_url + GUEST_PATH.format(order_id=order.id, token=self.guest_token(order.id))
        return self.base_url + ORDER_PATH.format(order_id=order.id)

    def claim(self, user):
        """The link that lets `user` take the guest orders placed with their e-mail: sent to
        that address, so only whoever reads its mail can use it."""
        token = self._claims.dumps({"user_id": user.id, "email": user.email})
        return self.base_url + CLAIM_PATH.format(token=token)

    def claimed(self, token, user, now=None):
        """The e-mail a claim link was made for, if it is `user`'s own and not expired; else None."""
        try:
            claim = self._claims.loads(token, max_age=CLAIM_DAYS * 86400)
        except BadSignature:  # also SignatureExpired
            return None
        if claim.get("user_id") != user.id or claim.get("email") != user.email:
            return None
        return claim["email"]
