"""Slow clients against `rag serve`: can a health check get through while many connections
send half a header and then nothing?

Starts `rag serve` like bench/load.py, with its open-file limit lowered (1,024 by default, a
common default limit), opens N connections that each send half a request header, then times
five `GET /healthz` on new connections and counts how many of the slow connections the
server still holds, right away and after the header deadline (RAG_HEADER_TIMEOUT, 10 s).

    python bench/slow_clients.py [--connections 1000] [--nofile 1024]
"""

import argparse
import resource
import socket
import time
from urllib.parse import urlsplit

import httpx
from load import _served


def _still_open(connections: list[socket.socket]) -> int:
    """Connections the server has not closed (a closed one reads as EOF or an error)."""
    open_count = 0
    for connection in connections:
        connection.setblocking(False)
        try:
            open_count += connection.recv(1) != b""
        except BlockingIOError:  # nothing to read: still open
            open_count += 1
        except OSError:
            pass
    return open_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--nofile", type=int, default=1024, help="the server's open-file limit")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, hard))  # the server inherits it
    with _served() as base_url:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this side needs more
        address = urlsplit(base_url)
        slow = []
        for _ in range(args.connections):
            try:
                connection = socket.create_connection((address.hostname, address.port), 5)
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: slow\r\n")
            except OSError as exc:
                print(f"slow connection {len(slow) + 1} failed: {exc}")
                break
            slow.append(connection)
        time.sleep(0.5)
        for _ in range(5):
            started = time.perf_counter()
            try:
                status = httpx.get(f"{base_url}/healthz", timeout=15).status_code
                print(f"/healthz: {status} in {(time.perf_counter() - started) * 1000:.0f} ms")
            except httpx.HTTPError as exc:
                print(f"/healthz: {type(exc).__name__} after {time.perf_counter() - started:.1f} s")
        print(f"slow connections still open: {_still_open(slow)} of {len(slow)}")
        time.sleep(11)
        print(f"slow connections still open 11 s later: {_still_open(slow)} of {len(slow)}")
        for connection in slow:
            connection.close()


if __name__ == "__main__":
    main()
