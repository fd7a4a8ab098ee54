"""The shop's waitress (shop/serving.py): its socket loop does not spin on a connection whose
request is still running, every answer still arrives whole, however large or slowly read, and
its task queue's warnings are summed up rather than logged for every waiting request."""
import hashlib
import http.client
import logging
import socket
import threading
import time

from flask import Flask, Response
from waitress import wasyncore
from waitress.channel import HTTPChannel

from shop.serving import Channel, QueueDepthSummary, make_server
from tests.racing import race
from tests.serving import Served


def connection_of(channel_class):
    """A channel of `channel_class` on one end of a socket pair, in a map of its own: output
    waiting, a request running, and the request's thread holding the output lock (as it does
    while it sends its answer)."""
    server = make_server(Flask(__name__), "127.0.0.1", 0)
    ours, theirs = socket.socketpair()
    sockets = {}
    channel = channel_class(server, ours, ("127.0.0.1", 0), server.adj, map=sockets)
    channel.requests = [object()]
    channel.outbufs[-1].append(b"HTTP/1.1 200 OK\r\n")
    channel.total_outbufs_len = len(b"HTTP/1.1 200 OK\r\n")
    return server, channel, sockets, theirs


def loop_rounds_writing(channel_class):
    """How many of 20 rounds of the socket loop tried to write to that connection."""
    server, channel, sockets, theirs = connection_of(channel_class)
    writes = []
    channel.handle_write = lambda: writes.append(1)
    held, release = threading.Event(), threading.Event()

    def request_thread():
        with channel.outbuf_lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=request_thread)
    thread.start()
    try:
        held.wait(10)
        wasyncore.loop(timeout=0.01, map=sockets, count=20)
    finally:
        release.set()
        thread.join()
        channel.close()
        theirs.close()
        server.close()
    return len(writes)


def test_the_socket_loop_leaves_a_running_requests_output_to_its_thread():
    assert loop_rounds_writing(HTTPChannel) == 20  # waitress's own: every round, each in vain
    assert loop_rounds_writing(Channel) == 0


def test_the_socket_loop_still_writes_a_pile_up_a_closing_connection_and_between_requests():
    server, channel, sockets, theirs = connection_of(Channel)
    try:
        assert not channel.writable()
        channel.total_outbufs_len = server.adj.outbuf_high_watermark  # the thread waits for the loop
        assert channel.writable()
        channel.total_outbufs_len = 10
        channel.will_close = True
        assert channel.writable()
        channel.will_close = False
        channel.requests = []  # the request is over: what is left is the loop's to send
        assert channel.writable()
        channel.total_outbufs_len = 0
        assert not channel.writable()
    finally:
        channel.close()
        theirs.close()
        server.close()


MEGABYTE = 1024 * 1024
WHOLE = bytes(range(256)) * (5 * MEGABYTE // 256)


def large_answers_app():
    app = Flask(__name__)

    @app.get("/whole")
    def whole():
        return Response(WHOLE, mimetype="application/octet-stream")

    @app.get("/stream")
    def stream():
        # 24 MiB written piece by piece: past waitress's 16 MiB high-water mark when read slowly.
        return Response((bytes([n]) * MEGABYTE for n in range(24)), mimetype="application/octet-stream")

    return app


def read_slowly(port, path):
    """(status, bytes, their SHA-256) of an answer read only after a pause, then a megabyte at a
    time: meanwhile the server's output piles up behind the socket's buffers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        time.sleep(0.5)
        response = connection.getresponse()
        digest, size = hashlib.sha256(), 0
        while chunk := response.read(MEGABYTE):
            digest.update(chunk)
            size += len(chunk)
            time.sleep(0.01)
        return response.status, size, digest.hexdigest()
    finally:
        connection.close()


def test_a_large_answer_and_a_long_stream_read_slowly_arrive_whole_on_several_connections_at_once():
    served = Served(large_answers_app(), threads=4)
    try:
        results = {}

        def fetch(name, path):
            results[name] = read_slowly(served.port, path)

        threads = [threading.Thread(target=fetch, args=(f"{path}-{n}", path))
                   for n in range(3) for path in ("/whole", "/stream")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        served.stop()

    streamed = hashlib.sha256(b"".join(bytes([n]) * MEGABYTE for n in range(24))).hexdigest()
    for n in range(3):
        assert results[f"/whole-{n}"] == (200, len(WHOLE), hashlib.sha256(WHOLE).hexdigest())
        assert results[f"/stream-{n}"] == (200, 24 * MEGABYTE, streamed)


def queue_warning(depth):
    return logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, "Task queue depth is %d", (depth,), None)


def test_queue_warnings_pass_once_a_minute_saying_how_many_were_held_back_and_how_deep_it_got():
    now = [1000.0]
    summary = QueueDepthSummary(every=60, clock=lambda: now[0])
    assert summary.filter(queue_warning(1))
    passed = []
    for depth in [2, 9, 4] * 10:
        now[0] += 1
        passed.append(summary.filter(queue_warning(depth)))
    assert not any(passed)
    now[0] = 1061.0
    last = queue_warning(3)
    assert summary.filter(last)
    assert last.getMessage() == ("Task queue depth is 3; 30 more such warnings in the last 61 s (at most 9 deep): "
                                 "requests are waiting for a free thread")
    now[0] += 1
    assert not summary.filter(queue_warning(1))  # a new minute of quiet from there
    other = logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, "something else", (), None)
    assert summary.filter(other) and other.getMessage() == "something else"


def test_requests_waiting_for_the_one_thread_log_one_queue_warning_not_one_each(caplog, monkeypatch):
    app = Flask(__name__)

    @app.get("/slow")
    def slow():
        time.sleep(0.05)
        return "ok"

    served = Served(app, threads=1)
    [summary] = [f for f in logging.getLogger("waitress.queue").filters if isinstance(f, QueueDepthSummary)]
    monkeypatch.setattr(summary, "quiet_until", None)  # as in a new process: the first warning passes
    monkeypatch.setattr(summary, "held", 0)
    caplog.set_level(logging.WARNING, logger="waitress.queue")

    def fetch():
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=20)
        connection.request("GET", "/slow")
        status = connection.getresponse().status
        connection.close()
        return status

    try:
        statuses = race([fetch] * 8)
    finally:
        served.stop()

    assert statuses == [200] * 8
    logged = [record.getMessage() for record in caplog.records if record.name == "waitress.queue"]
    assert len(logged) == 1 and logged[0].startswith("Task queue depth is "), logged
    assert summary.held >= 1  # the others, counted for the next line
