"""Load generators: Debian's `wrk` when installed, else a Python client with one thread per connection.

Both answer the same `Result`: requests per second counted over successful (2xx/3xx)
answers only, and the 50th and 99th latency percentiles in milliseconds.
"""
import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

WRK_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk.lua")


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int


def generator():
    return "wrk" if shutil.which("wrk") else "python"


def drive(port, paths, connections, seconds, method="GET", body=None, token=None):
    """Send load to 127.0.0.1:`port` for `seconds`, cycling through `paths`."""
    if generator() == "wrk":
        return _wrk(port, paths, connections, seconds, method, body, token)
    return _python(port, paths, connections, seconds, method, body, token)


def _wrk(port, paths, connections, seconds, method, body, token):
    env = dict(os.environ, BENCH_PATHS=" ".join(paths), BENCH_METHOD=method, BENCH_TOKEN=token or "")
    if body is not None:
        env["BENCH_BODY"] = json.dumps(body)
    threads = min(connections, os.cpu_count() or 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", WRK_SCRIPT, f"http://127.0.0.1:{port}{paths[0]}"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next(each for each in output.splitlines() if each.startswith("BENCH "))
    data = json.loads(line[len("BENCH "):])
    failed = data["status_errors"] + data["socket_errors"]
    ok = data["requests"] - data["status_errors"]
    return Result(ok / (data["duration_us"] / 1e6), data["p50_us"] / 1000, data["p99_us"] / 1000,
                  data["requests"], failed)


def _python(port, paths, connections, seconds, method, body, token):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body).encode() if body is not None else None
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset):
        connection, mine, bad, count = None, [], 0, offset
        while time.monotonic() < deadline:
            count += 1
            started = time.monotonic()
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(method, paths[count % len(paths)], body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
                    continue
            except (OSError, http.client.HTTPException):
                bad, connection = bad + 1, None
                continue
            mine.append(time.monotonic() - started)
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    workers = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    return Result(len(latencies) / elapsed, percentile(0.50), percentile(0.99), len(latencies) + failures[0],
                  failures[0])
