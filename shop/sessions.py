"""The session cookie: Flask's signed cookie, with its serializer made once per secret key.

Flask makes an itsdangerous serializer twice a request, to read the cookie and to write
it (5 us each, as it tries one dumps to learn its kind); a serializer keeps nothing of a
request, so one per secret key and fallbacks is enough.
"""
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


def register(app):
    app.session_interface = SessionInterface()
