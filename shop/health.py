"""`/healthz`: is the app up, and does its database answer?"""
import logging

from flask import Blueprint, jsonify
from .db import StoreError, get_db, ping

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers a ping, 503 when it does not."""
    try:
        ping(get_db())
    except StoreError as error:
        log.warning("health check: database did not answer: %s", type(error).__name__)
        return jsonify({"status": "unavailable", "db": "unavailable"}), 503
    return jsonify({"status": "ok", "db": "ok"})
