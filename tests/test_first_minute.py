"""`python wsgi.py` as `make run` starts it: on the embedded store, it says what to do
next, serves, and stops cleanly (no traceback, no error line) on Ctrl-C and SIGTERM."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.mongo_server import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_shop(**settings):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MONGO_", "SHOP_", "TEST_MONGO"))}
    env.update(PORT=str(port), PYTHONUNBUFFERED="1", **settings)
    # Ctrl-C as a terminal sends it: SIGINT handled even when the test runs from a background job.
    process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process, port
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "the shop did not start"
            time.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_shop_says_what_to_do_next_and_stops_cleanly(stop):
    process, port = start_shop(SHOP_ADMIN_EMAIL="boss@example.com", SHOP_ADMIN_PASSWORD="boss-password-1")
    assert requests.get(f"http://127.0.0.1:{port}/products", timeout=10).status_code == 200

    process.send_signal(stop)
    output, _ = process.communicate(timeout=30)

    assert process.returncode == 0, output
    assert f"Serving the shop on http://127.0.0.1:{port}/ (Ctrl-C stops it)" in output
    assert "log in as boss@example.com" in output
    assert "4242424242424242 is approved" in output
    assert "E-mails: printed here" in output
    assert output.rstrip().endswith("The shop has stopped.")
    assert "Traceback" not in output and " ERROR " not in output and "KeyboardInterrupt" not in output


def test_without_an_admin_it_says_how_to_get_one():
    process, _ = start_shop()
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)

    assert "Back office: none yet: restart with SHOP_ADMIN_EMAIL=" in output
