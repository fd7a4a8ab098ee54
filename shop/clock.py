"""Timezone-aware UTC time, at MongoDB's millisecond precision.

Rounding here means a timestamp compares equal before and after a round trip
through the database.
"""
from datetime import datetime, timezone


def utcnow():
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def isoformat(moment):
    """`2026-11-21T10:00:00Z`, or with milliseconds when it has them."""
    if moment is None:
        return None
    moment = moment.astimezone(timezone.utc)
    # isoformat() is C and far quicker than strftime (a page of products formats hundreds).
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds" if moment.microsecond else "seconds") + "Z"
