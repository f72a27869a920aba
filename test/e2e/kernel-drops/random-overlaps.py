"""One TCP connection written on raw Ethernet frames (AF_PACKET, root), with a random schedule of segments.

Usage: random-overlaps.py IFACE SRC_MAC DST_MAC SRC DST PORT SOURCE_PORT SEED
The client sends a 48-octet message (lowercase letters after "ZQ") cut at random places, mixed in random order with
harmless copies of random ranges (uppercase letters) that overlap it: some valid, some with a bad checksum, some
without ACK. A last full copy fills what is left. The server echoes the first 48 octets it read; this prints them
(hex) and the schedule. The caller drops the client kernel's own resets (iptables).
"""
import random
import socket
import struct
import sys
import time

from frames import checksum

iface, src_mac, dst_mac, src_text, dst_text, port, sport, seed = sys.argv[1:9]
port, sport, seed = int(port), int(sport), int(seed)
rng = random.Random(seed)
src, dst = socket.inet_aton(src_text), socket.inet_aton(dst_text)
mac = lambda t: bytes.fromhex(t.replace(":", ""))
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
def frame(seq, ack, flags, payload=b"", bad=False):
    tcp = struct.pack("!HHIIBBHHH", sport, port, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    c = checksum(src + dst + struct.pack("!xBH", 6, len(tcp)) + tcp) ^ (0x5A5A if bad else 0)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + ip + tcp
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800)); sock.bind((iface, 0)); sock.settimeout(0.2)
def receive(deadline):
    while time.time() < deadline:
        try: data = sock.recv(65535)
        except socket.timeout: continue
        ip = data[14:]
        if len(ip) < 20 or ip[9] != 6 or ip[12:16] != dst or ip[16:20] != src: continue
        ihl = (ip[0] & 15) * 4; total = struct.unpack("!H", ip[2:4])[0]; tcp = ip[ihl:total]
        sp, dp, s, a, off, fl = struct.unpack("!HHIIBB", tcp[:14])
        if sp != port or dp != sport: continue
        yield s, a, fl, tcp[(off >> 4) * 4:]
N = 48
letters = "abcdefghijklmnopqrstuvwxyz"
real = b"ZQ" + "".join(rng.choice(letters) for _ in range(N - 2)).encode()
chaff = b"ZQ" + "".join(rng.choice(letters.upper()) for _ in range(N - 2)).encode()
isn = 2_000_000
sock.send(frame(isn, 0, SYN))
server_isn = next((s for s, _, fl, _ in receive(time.time() + 3) if fl & (SYN | ACK) == SYN | ACK), None)
if server_isn is None: sys.exit("no SYN-ACK")
ack = server_isn + 1; base = isn + 1
sock.send(frame(base, ack, ACK))
# Real pieces: random cuts; chaff pieces: random ranges, each valid (overlap policy) or dropped (bad sum / no ACK).
cuts = sorted(set([0, N] + [rng.randrange(1, N) for _ in range(rng.randrange(0, 8))]))
sends = [("real", a, b, "ok") for a, b in zip(cuts, cuts[1:])]
for _ in range(rng.randrange(1, 6)):
    a = rng.randrange(0, N - 1); b = rng.randrange(a + 1, min(N, a + 16) + 1)
    sends.append(("chaff", a, b, rng.choice(["ok", "ok", "bad", "noack"])))
rng.shuffle(sends)
for kind, a, b, how in sends:
    data = (real if kind == "real" else chaff)[a:b]
    sock.send(frame(base + a, ack, (ACK | PSH) if how != "noack" else PSH, data, bad=(how == "bad")))
    time.sleep(0.01)
sock.send(frame(base, ack, ACK | PSH, real))  # a full retransmission fills what is left
body = b""
for s, a, fl, payload in receive(time.time() + 3):
    if payload:
        body += payload; sock.send(frame(base + N, s + len(payload), ACK))
    if fl & FIN or len(body) >= N: break
sock.send(frame(base + N, ack, RST))
print(body.hex(), " ".join(f"{k[0]}{a}-{b}{h[0]}" for k, a, b, h in sends))
