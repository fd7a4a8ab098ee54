"""Real shop processes for the tests: `python wsgi.py` served by waitress, each an
OS process of its own, all on one database of the suite's MongoDB server.

A process's log (stdout and stderr) is kept in a file, read by the tests that
count what the background jobs did (the console mail backend logs each e-mail
it sends).
"""
import os
import signal
import subprocess
import sys
import time

import requests

from tests.conftest import TEST_SETTINGS
from tests.mongo_server import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Short intervals, so that the worker's rounds and the repair's age fit in a test.
WORKER_INTERVAL_SECONDS = 1
REPAIR_AFTER_SECONDS = 3

PROCESS_SETTINGS = {
    "SECRET_KEY": TEST_SETTINGS["SECRET_KEY"],  # shared, so that a session cookie works on every process
    "SHOP_ADMIN_EMAIL": TEST_SETTINGS["SHOP_ADMIN_EMAIL"],
    "SHOP_ADMIN_PASSWORD": TEST_SETTINGS["SHOP_ADMIN_PASSWORD"],
    "DEMO_CATALOG": "false",
    "MAIL_BACKEND": "console",
    "WORKER_ENABLED": "true",
    "WORKER_INTERVAL_SECONDS": str(WORKER_INTERVAL_SECONDS),
    "REPAIR_AFTER_SECONDS": str(REPAIR_AFTER_SECONDS),
    "MONGO_TIMEOUT_SECONDS": "5",
    "WAITRESS_THREADS": "16",
    "HOST": "127.0.0.1",
}


def child_env(**settings):
    """The environment for a process of the shop's: this one's, without any store or shop
    setting of the developer's (the test decides those), plus `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MONGO_", "SHOP_", "TEST_MONGO"))}
    env.update({key: str(value) for key, value in settings.items()})
    return env


class ShopProcess:
    """One `python wsgi.py`; `url` is where it serves. Without `mongo_uri`, on the
    embedded store (as `make run` starts it)."""

    def __init__(self, log_path, mongo_uri=None, db_name=None, **settings):
        self.port = free_port()
        self.log_path = log_path
        store = {"MONGO_URI": mongo_uri, "MONGO_DB_NAME": db_name} if mongo_uri else {}
        self.env = child_env(**{**PROCESS_SETTINGS, **store, "PORT": self.port, "PYTHONUNBUFFERED": "1", **settings})
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log_path, "ab") as log:
            # SIGINT handled as a terminal's Ctrl-C would be, even when the suite runs from a
            # background job (which starts its children with SIGINT ignored).
            self.process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        return self

    def wait_ready(self, timeout=60):
        """Until `/healthz` answers 200 (the app is built and its database answers)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"shop process exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"shop process not ready after {timeout} s:\n{self.log()}")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self, timeout=15):
        """SIGTERM (waitress ends, the worker stops, the client closes); SIGKILL if that hangs.
        Not SIGINT: a process started from a background shell job ignores it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)  # a paused process cannot handle SIGTERM
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"shop process did not stop on SIGTERM within {timeout} s:\n{self.log()}")
