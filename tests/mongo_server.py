"""A MongoDB wire-protocol server for tests: SecantusDB on loopback, in a throw-away
data directory. A test tool only (GPL, beta): `shop/` never imports it, and it is
installed from requirements-dev.txt, never from requirements.txt.

`scripts/run-tests` starts one for the suite's second pass; tests that stop or
restart a database start their own.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pymongo

EXECUTABLE = os.path.join(os.path.dirname(sys.executable), "secantusd-py")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MongoServer:
    """One server process. `stop()`/`start()` keep the data directory (a restart keeps
    what was stored); `close()` ends it and removes the directory."""

    def __init__(self, port=None, data_dir=None, log_path=None):
        self.port = port or free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="shop-mongo-")
        self.own_log = log_path is None  # beside the data directory, removed with it
        self.log_path = log_path or f"{self.data_dir}.log"
        self.process = None

    @property
    def uri(self):
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout=60):
        if not os.path.exists(EXECUTABLE):
            raise RuntimeError(f"{EXECUTABLE} is missing: install requirements-dev.txt (SecantusDB)")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [EXECUTABLE, "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", self.data_dir,
             "--cache-size", "256M", "--log-level", "WARNING"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test MongoDB server exited with {self.process.returncode};"
                                   f" see {self.log_path}")
            try:
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the test MongoDB server did not answer within {timeout} s")
                time.sleep(0.2)

    def stop(self):
        """Stop the server as an operator would (SIGTERM, then SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def pause(self):
        """Freeze the server (SIGSTOP): it keeps its connections and answers nothing, as a hung
        or unreachable database does. `resume()` lets it go on."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.process.pid, signal.SIGCONT)

    def close(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.own_log and os.path.exists(self.log_path):
            os.remove(self.log_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
