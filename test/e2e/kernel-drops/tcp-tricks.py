"""A TCP client written on raw Ethernet frames (AF_PACKET, root), to send an HTTP request with one evasion trick.

Usage: tcp-tricks.py IFACE SRC_MAC DST_MAC SRC DST PORT SOURCE_PORT TRICK
Opens a connection by hand, sends GET /real/stream with the trick (a harmless copy, GET /fake/stream, where the
trick needs one), and prints what the server answered: the server echoes the path its HTTP parser read, so stdout
is what the pod's kernel handed the application. The client's own kernel must not reset the connection it does not
know: the caller drops its outgoing resets (iptables). Tricks: plain, checksum, no-ack, stray-syn, old-timestamp,
wrong-reset, urgent, source-route, overlap, held-earlier, held-same-longer, held-same-shorter, many-holes,
fragments, fragment-overlap.
"""
import socket
import struct
import sys
import time

from frames import checksum

iface, src_mac, dst_mac, src_text, dst_text, port, sport, trick = sys.argv[1:9]
port, sport = int(port), int(sport)
src, dst = socket.inet_aton(src_text), socket.inet_aton(dst_text)
mac = lambda text: bytes.fromhex(text.replace(":", ""))
FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32




def frame(seq, ack, flags, payload=b"", urgent=0, bad_sum=False, options=b"", ip_options=b""):
    offset = (20 + len(options)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, port, seq, ack, offset << 4, flags, 65535, 0, urgent) + options + payload
    tcp_sum = checksum(src + dst + struct.pack("!xBH", 6, len(tcp)) + tcp) ^ (0x5A5A if bad_sum else 0)
    tcp = tcp[:16] + struct.pack("!H", tcp_sum) + tcp[18:]
    ihl = 5 + len(ip_options) // 4
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(tcp), 1, 0, 64, 6, 0, src, dst) + ip_options
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + ip + tcp


def fragments(whole: bytes, pieces, ident: int) -> list:
    """The IPv4 packet in `whole` (a frame from `frame`) as fragments: (start, end, bytes or None) of its payload."""
    ip = whole[14:]
    ihl = (ip[0] & 15) * 4
    payload = ip[ihl:]
    out = []
    for start, end, data in pieces:
        part = (data if data is not None else payload)[start:end]
        more = 0x2000 if end < len(payload) else 0
        header = bytearray(ip[:ihl])
        header[2:4] = struct.pack("!H", ihl + len(part))
        header[4:6] = struct.pack("!H", ident)
        header[6:8] = struct.pack("!H", more | (start // 8))
        header[10:12] = b"\0\0"
        header[10:12] = struct.pack("!H", checksum(bytes(header)))
        out.append(whole[:14] + bytes(header) + part)
    return out


sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
sock.bind((iface, 0))
sock.settimeout(0.2)


def receive(deadline):
    """Segments from the server to us until the deadline: (seq, ack, flags, payload)."""
    while time.time() < deadline:
        try:
            data = sock.recv(65535)
        except socket.timeout:
            continue
        ip = data[14:]
        if len(ip) < 20 or ip[9] != 6 or ip[12:16] != dst or ip[16:20] != src:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:total]
        s_port, d_port, seq, ack, off, flags = struct.unpack("!HHIIBB", tcp[:14])
        if s_port != port or d_port != sport:
            continue
        yield seq, ack, flags, tcp[(off >> 4) * 4 :]


send = lambda *args, **kw: sock.send(frame(*args, **kw))
isn = 1_000_000
request = b"GET /real/stream HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"
harmless = request.replace(b"/real/", b"/fake/")
stamp = lambda value: b"\x01\x01\x08\x0a" + struct.pack("!II", value, 0)

timestamps = trick in ("old-timestamp", "no-timestamp")
send(isn, 0, SYN, options=stamp(1000) if timestamps else b"")
server_isn = next((seq for seq, _, flags, _ in receive(time.time() + 3) if flags & (SYN | ACK) == SYN | ACK), None)
if server_isn is None:
    sys.exit("no SYN-ACK")
ack = server_isn + 1
send(isn + 1, ack, ACK, options=stamp(1001) if timestamps else b"")
seq = isn + 1

if trick == "checksum":
    send(seq, ack, ACK | PSH, harmless, bad_sum=True)
elif trick == "no-ack":
    send(seq, ack, PSH, harmless)
elif trick == "stray-syn":
    send(seq - 1, ack, SYN | ACK, harmless)
elif trick == "old-timestamp":
    send(seq, ack, ACK | PSH, harmless, options=stamp(500))
elif trick == "wrong-reset":
    send(seq + 50_000, ack, RST)
elif trick == "no-timestamp":
    # Timestamps were agreed on the SYNs; the copy carries none (RFC 7323 section 3.2: a receiver SHOULD drop it).
    send(seq, ack, ACK | PSH, harmless)
elif trick == "unsent-ack":
    # Acknowledges 100,000 octets the server never sent: Linux drops the segment (RFC 9293: ACK of unsent data).
    send(seq, ack + 100_000, ACK | PSH, harmless)
elif trick == "old-ack":
    # Acknowledges a point a million octets before what the server's unacknowledged data starts at, past any window
    # we offered: Linux drops it (RFC 5961 section 5.2, blind data injection).
    send(seq, (ack - 1_000_000) % 2**32, ACK | PSH, harmless)
elif trick == "md5-option":
    # Carries a TCP MD5 signature (RFC 2385) on a connection without a key: Linux drops it (TCPMD5UNEXPECTED).
    send(seq, ack, ACK | PSH, harmless, options=b"\x13\x12" + bytes(16) + b"\x01\x01")
elif trick == "source-route":
    send(seq, ack, ACK | PSH, harmless, ip_options=b"\x83\x07\x04" + dst + b"\x00")
time.sleep(0.05)

if trick == "urgent":
    # An octet slipped into the path with URG: Linux takes it out of band, so the server reads /real/stream.
    slipped = request.replace(b"/real/", b"/real/X", 1)
    at = slipped.index(b"X")
    send(seq, ack, ACK | PSH | URG, slipped, urgent=at + 1)
    sent = len(slipped)
elif trick == "overlap":
    # The tail first (held out of order), then a harmless head that overlaps it: Linux keeps what it holds past the
    # head's end and the head's own bytes before it.
    send(seq + 10, ack, ACK | PSH, request[10:])
    time.sleep(0.05)
    send(seq, ack, ACK | PSH, harmless[:20])
    sent = len(request)
elif trick.startswith("held-"):
    # Out-of-order segments that overlap while held, then the head that fills the hole: which copy Linux keeps.
    # The path is octets 4 to 15 of the request.
    a, b = {
        "held-earlier": ((8, None, request), (6, 14, harmless)),  # the later one starts earlier
        "held-same-longer": ((8, 14, harmless), (8, None, request)),  # same start, the later one longer
        "held-same-shorter": ((8, None, request), (8, 14, harmless)),  # same start, the later one shorter
    }[trick]
    for start, end, source in (a, b):
        send(seq + start, ack, ACK | PSH, source[start:end])
        time.sleep(0.05)
    send(seq, ack, ACK | PSH, request[: min(a[0], b[0])])
    sent = len(request)
elif trick == "fragments":
    # The request segment in 8-octet fragments, last to first: Linux puts the datagram back together.
    whole = frame(seq, ack, ACK | PSH, request)
    size = len(whole) - 34
    for piece in reversed(fragments(whole, [(i, min(i + 8, size), None) for i in range(0, size, 8)], 7)):
        sock.send(piece)
    sent = len(request)
elif trick == "fragment-overlap":
    # A harmless segment as two fragments that overlap with different bytes: Linux discards the whole datagram.
    chaff = frame(seq, ack, ACK | PSH, harmless)
    size = len(chaff) - 34
    for piece in fragments(chaff, [(0, 24, None), (16, size, bytes(size))], 8):
        sock.send(piece)
    time.sleep(0.05)
    send(seq, ack, ACK | PSH, request)
    sent = len(request)
elif trick == "many-holes":
    # 1,100 one-octet segments beyond the request, each after a one-octet hole, then the request itself.
    for k in range(1100):
        send(seq + len(request) + 2 * k + 1, ack, ACK, b"x")
    time.sleep(0.05)
    send(seq, ack, ACK | PSH, request)
    sent = len(request)
elif trick == "past-window":
    # A harmless copy of the request a window ahead: no window we are offered without scaling reaches 70,000 octets
    # ahead, so Linux drops it. Then a request that pads the stream up to it (paced, as the server reads), then the
    # real request there, in the window by then.
    size = 70_000
    head = lambda n: b"POST /pad HTTP/1.1\r\nHost: lab\r\nContent-Length: %d\r\n\r\n" % n
    body_length = size - len(head(size))
    while len(head(body_length)) + body_length != size:
        body_length += size - len(head(body_length)) - body_length
    padding = head(body_length) + b"p" * body_length
    send(seq + size, ack, ACK | PSH, harmless)
    time.sleep(0.05)
    for at in range(0, size, 1400):
        send(seq + at, ack, ACK, padding[at : at + 1400])
        time.sleep(0.002)
    time.sleep(0.05)
    send(seq + size, ack, ACK | PSH, request)
    sent = size + len(request)
else:
    send(seq, ack, ACK | PSH, request, options=stamp(1002) if timestamps else b"")
    sent = len(request)

body = b""
for s, a, flags, payload in receive(time.time() + 3):
    if payload:
        body += payload
        send(seq + sent, s + len(payload), ACK)
    if flags & FIN or b"\r\n\r\n" in body and body.endswith(b"/stream"):
        break
send(seq + sent, ack, RST)
# The last answer's body: a trick that pads with a request of its own gets two answers.
print(body.split(b"\r\n\r\n")[-1].decode("latin-1"))
