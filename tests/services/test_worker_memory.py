"""The worker's round keeps the embedded store's documents out of Python's full garbage
collections (shop/embedded/speed.py keep_documents_out_of_full_collections); a MongoDB's
documents are not in the process, so nothing is frozen there."""
import gc

from shop import jobs
from tests import stores


def test_a_worker_round_freezes_what_the_embedded_store_holds_and_nothing_on_a_server(app, add_product):
    add_product("RETRO-CLOCK")
    gc.unfreeze()
    try:
        jobs.run_all(app)
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual

    if stores.ON_SERVER:
        assert frozen == 0
    else:
        assert frozen > 10_000
