"""Fixtures for the multi-process tests: shop processes on the test's own database."""
import subprocess
import sys

import pytest

from tests import stores
from tests.processes.harness import ROOT, ShopProcess, child_env


@pytest.fixture
def start_shops(db, tmp_path):
    """start_shops(count, **settings) -> `count` ready shop processes on the test's
    database (the one `db` is); all are stopped when the test ends."""
    started = []

    def start(count, db_name=None, mongo_uri=None, **settings):
        shops = [ShopProcess(str(tmp_path / f"shop-{len(started) + index}.log"), mongo_uri or stores.SERVER_URI,
                             db_name or db.name, **settings)
                 for index in range(count)]
        started.extend(shops)
        for shop in shops:  # all at once, as a deployment's processes start
            shop.start()
        return [shop.wait_ready() for shop in shops]

    yield start
    for shop in started:
        shop.stop()


def flask_command(db, *args):
    """`flask --app shop.app <args>` as a process of its own on the test's database: (exit code, output)."""
    env = child_env(MONGO_URI=stores.SERVER_URI, MONGO_DB_NAME=db.name, DEMO_CATALOG="false")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "shop.app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr
