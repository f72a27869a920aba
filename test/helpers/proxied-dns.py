"""DNS behind a proxy that sends the PROXY protocol over UDP, for test/sidecar/engine/proxy-udp-real.test.ts.

usage:
  proxied-dns.py serve ADDRESS PORT
      A resolver that reads each query's PROXY v2 header off (proxy-protocol.txt §2.2: a DGRAM header before every
      datagram; dnsdist's health checks have none), answers every A question with 10.0.0.80, and prints
      `from CLIENT:PORT NAME` for each header it read.
  proxied-dns.py query ADDRESS PORT NAME
      Sends one query and prints `answer IP`.
"""
import socket
import struct
import sys

SIGNATURE = b'\r\n\r\n\x00\r\nQUIT\n'


def question_end(message):
    at = 12
    while message[at] != 0:
        at += 1 + message[at]
    return at + 5


def name_of(message):
    labels, at = [], 12
    while message[at] != 0:
        labels.append(message[at + 1:at + 1 + message[at]].decode())
        at += 1 + message[at]
    return '.'.join(labels)


def serve(address, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, port))
    while True:
        datagram, peer = s.recvfrom(4096)
        query = datagram
        # dnsdist's health checks come without a header; its relayed queries each with one.
        if datagram.startswith(SIGNATURE):
            length = struct.unpack('>H', datagram[14:16])[0]
            header, query = datagram[:16 + length], datagram[16 + length:]
            if header[13] == 0x12:
                client = socket.inet_ntoa(header[16:20]), struct.unpack('>H', header[24:26])[0]
                print('from %s:%d %s' % (client[0], client[1], name_of(query)), flush=True)
        end = question_end(query)
        answer = query[:2] + b'\x81\x80' + query[4:6] + b'\x00\x01\x00\x00\x00\x00' + query[12:end]
        answer += b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04' + socket.inet_aton('10.0.0.80')
        s.sendto(answer, peer)


def query(address, port, name):
    q = struct.pack('>HHHHHH', 0x6161, 0x0100, 1, 0, 0, 0)
    for label in name.split('.'):
        q += bytes([len(label)]) + label.encode()
    q += b'\x00' + struct.pack('>HH', 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(q, (address, port))
    answer, _ = s.recvfrom(4096)
    print('answer', socket.inet_ntoa(answer[-4:]))


if sys.argv[1] == 'serve':
    serve(sys.argv[2], int(sys.argv[3]))
else:
    query(sys.argv[2], int(sys.argv[3]), sys.argv[4])
