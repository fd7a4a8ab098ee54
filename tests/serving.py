"""An app served as the shop serves it (shop/serving.py: waitress, with the shop's channel) on a
free loopback port, in a thread of this process."""
import threading

from waitress import wasyncore

from shop.serving import make_server


class Served:
    """`port` and `url` while it runs; `stop()` ends it and every connection."""

    def __init__(self, app, threads=16, connection_limit=200, **options):
        self.server = make_server(app, "127.0.0.1", 0, threads=threads, connection_limit=connection_limit, **options)
        self.port = self.server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, name="test-waitress", daemon=True)
        self.thread.start()

    def stop(self):
        # Close every socket from inside the server's own loop, which then ends;
        # then wait for the request threads.
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)
        self.server.task_dispatcher.shutdown()
        assert not self.thread.is_alive()
