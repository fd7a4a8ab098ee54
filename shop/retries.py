"""A conditional write that lost a race to another writer is read again and retried: at most
MAX_ATTEMPTS times, after a short random pause that grows with each attempt (the stock of a
variant, the category tree's log)."""
import random
import time

MAX_ATTEMPTS = 200


def backoff(attempt):
    """A short random pause before retrying an update that lost a race."""
    time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))
