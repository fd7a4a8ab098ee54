"""The shop's waitress (shop/serving.py): its socket loop does not spin on a connection whose
request is still running, and every answer still arrives whole, however large or slowly read."""
import hashlib
import http.client
import socket
import threading
import time

from flask import Flask, Response
from waitress import wasyncore
from waitress.channel import HTTPChannel

from shop.serving import Channel, make_server
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
