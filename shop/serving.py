"""waitress, as the shop serves with it: `python wsgi.py`, the benchmark's shop and its
ceiling, and the tests' servers all make their server here.

The one change to waitress is its connections' channel (`Channel`). waitress's socket loop
asks to write to every connection with bytes waiting to go out, and a request's own thread
writes its answer with the connection's output lock held. When that thread lets go of the
interpreter inside its `send()`, the loop runs, finds the connection writable, cannot take
the lock, writes nothing, and asks again at once, holding the interpreter all the while
(for the whole `SWITCH_INTERVAL_MS`), so the thread it waits for cannot finish. Measured
with the benchmark: in the 5 s of product reads after a 5 s burst of orders the loop went
round 87,000 to 103,000 times (122,619 writes found the lock held, against 4,330 before the
burst), took 3.3 to 3.9 s of CPU and served the reads at a quarter of their rate before;
with `Channel`, 2,200 to 2,500 times and the reads at 0.97 to 1.02 of before
(docs/PERFORMANCE.md).

Its one change to waitress's log: the task queue's warnings are summed up (`QueueDepthSummary`).
"""
import logging
import time

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server


class Channel(HTTPChannel):
    """waitress's channel, whose bytes the socket loop leaves to the request's own thread while
    one is running: that thread sends what it writes at once (waitress's `send_bytes` is 1)
    and wakes the loop when it is done, and the loop sends what is left then. Only a response
    that has piled up to waitress's high-water mark (the thread then waits for the loop to
    send) and a connection being closed are the loop's to write during the request."""

    def writable(self):
        if (self.requests and not (self.will_close or self.close_when_flushed)
                and self.total_outbufs_len < self.adj.outbuf_high_watermark):
            return False
        return super().writable()


class QueueDepthSummary(logging.Filter):
    """waitress warns "Task queue depth is N" for every request that arrives while all its
    threads are busy: under a steady load that is every few requests (33,000 lines in one
    benchmark run), each written by waitress's socket loop while it holds the interpreter
    that the request threads wait for. This lets one through every `every` seconds, saying
    how many it held back since the last and how deep the queue got meanwhile."""

    def __init__(self, every=60.0, clock=time.monotonic):
        super().__init__()
        self.every, self.clock = every, clock
        self.quiet_until = None
        self.held = self.deepest = 0

    def filter(self, record):
        if not (isinstance(record.args, tuple) and len(record.args) == 1 and isinstance(record.args[0], int)):
            return True  # not the queue's depth: as waitress logs it
        depth, now = record.args[0], self.clock()
        if self.quiet_until is not None and now < self.quiet_until:
            self.held += 1
            self.deepest = max(self.deepest, depth)
            return False
        if self.held:
            record.msg = ("Task queue depth is %d; %d more such warnings in the last %d s (at most %d deep): "
                          "requests are waiting for a free thread")
            record.args = (depth, self.held, round(now - self.quiet_until + self.every), max(self.deepest, depth))
        self.quiet_until, self.held, self.deepest = now + self.every, 0, 0
        return True


def summarize_queue_warnings(logger=None):
    """Put a QueueDepthSummary on waitress's queue logger, once however many servers are made."""
    logger = logger or logging.getLogger("waitress.queue")
    if not any(isinstance(existing, QueueDepthSummary) for existing in logger.filters):
        logger.addFilter(QueueDepthSummary())


def make_server(app, host, port, **options):
    """waitress's server for `app` on host:port (port 0: a free one), with `options` (waitress's
    arguments, e.g. `config.waitress_options`), its connections served by `Channel`, and its
    task queue's warnings summed up."""
    summarize_queue_warnings()
    sockets = {}
    server = create_server(app, map=sockets, host=host, port=port, **options)
    for dispatcher in sockets.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = Channel
    return server


def serve(app, host, port, **options):
    """Serve `app` until the process is stopped (`make_server`, then its loop). As `waitress.serve`,
    waitress's own warnings (its task queue's depth) go to the log, set up here if it is not yet."""
    logging.basicConfig()
    make_server(app, host, port, **options).run()
