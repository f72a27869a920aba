"""Sends IPv6 TCP SYNs behind chosen extension-header chains as raw Ethernet frames (AF_PACKET, root).

Usage: ipv6-syns.py IFACE SRC_MAC DST_MAC SRC DST PORT
One SYN per probe, source port 41101 + its index: nine destination-options headers; a routing header (type 2)
with one segment left; a routing header (type 0) with none; no extension header. Checksums are computed here.
"""
import socket
import struct
import sys
import time

from frames import checksum

iface, src_mac, dst_mac, src_text, dst_text, port = sys.argv[1:7]
src = socket.inet_pton(socket.AF_INET6, src_text)
dst = socket.inet_pton(socket.AF_INET6, dst_text)




def syn(source_port: int) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", source_port, int(port), 1000, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!IxxxB", len(tcp), 6)
    return tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]


def frame(chain: list, source_port: int) -> bytes:
    body, next_header = syn(source_port), 6
    for kind, rest in reversed(chain):
        body, next_header = bytes([next_header]) + rest + body, kind
    header = struct.pack("!IHBB", 0x60000000, len(body), next_header, 64) + src + dst
    mac = lambda text: bytes.fromhex(text.replace(":", ""))
    return mac(dst_mac) + mac(src_mac) + b"\x86\xdd" + header + body


pad = bytes([0, 1, 4, 0, 0, 0, 0])  # length 0 (8 octets): PadN of four
probes = [
    [(60, pad)] * 9,
    [(43, bytes([2, 2, 1]) + bytes(4) + bytes(16))],
    [(43, bytes([2, 0, 0]) + bytes(4) + bytes(16))],
    [],
]
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((iface, 0))
for index, chain in enumerate(probes):
    sock.send(frame(chain, 41101 + index))
    time.sleep(0.1)
