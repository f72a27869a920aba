"""A SOCKS 5 client (RFC 1928) for test/sidecar/protocols/socks-udp-real.test.ts, run inside the test's namespace.

usage: socks5-client.py PROXY DNS_SERVER NAME

1. UDP ASSOCIATE: a DNS query for NAME (type A) sent through the relay the reply names to DNS_SERVER:53, its answer
   read back through the relay (§7's header both ways).
2. BIND: the proxy listens for a peer (this script connects as the peer), then an HTTP request goes through the tunnel
   from the client to the peer, and the peer's response back.
Prints one line per command: `relay ADDR PORT answer IP` and `bind ADDR PORT peer ADDR PORT`.
"""
import socket
import struct
import sys


def recv_exact(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise SystemExit('the proxy closed the connection')
        b += c
    return b


def reply(s):
    """A reply's BND.ADDR and BND.PORT (§6); exits on a refusal."""
    head = recv_exact(s, 4)
    if head[0] != 5 or head[1] != 0:
        raise SystemExit(f'refused: {head!r}')
    atyp = head[3]
    if atyp == 1:
        addr = socket.inet_ntoa(recv_exact(s, 4))
    elif atyp == 4:
        addr = socket.inet_ntop(socket.AF_INET6, recv_exact(s, 16))
    else:
        addr = recv_exact(s, recv_exact(s, 1)[0]).decode()
    return addr, struct.unpack('>H', recv_exact(s, 2))[0]


def greet(s):
    s.sendall(b'\x05\x01\x00')
    if recv_exact(s, 2) != b'\x05\x00':
        raise SystemExit('no acceptable method')


def dns_query(name, qid):
    q = struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0)
    for label in name.split('.'):
        q += bytes([len(label)]) + label.encode()
    return q + b'\x00' + struct.pack('>HH', 1, 1)


def udp_associate(proxy, dns, name):
    control = socket.create_connection((proxy, 1080), timeout=5)
    greet(control)
    # The client does not know the address it will send from: 0.0.0.0:0 (§7).
    control.sendall(b'\x05\x03\x00\x01' + socket.inet_aton('0.0.0.0') + struct.pack('>H', 0))
    relay = reply(control)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    header = b'\x00\x00\x00\x01' + socket.inet_aton(dns) + struct.pack('>H', 53)
    u.sendto(header + dns_query(name, 0x5A5A), relay)
    data, _ = u.recvfrom(4096)
    if data[:4] != b'\x00\x00\x00\x01':
        raise SystemExit(f'not a relayed datagram: {data!r}')
    answer = data[10:]
    print('relay', relay[0], relay[1], 'answer', socket.inet_ntoa(answer[-4:]))
    u.close()
    control.close()


def bind(proxy):
    client = socket.create_connection((proxy, 1080), timeout=5)
    greet(client)
    client.sendall(b'\x05\x02\x00\x01' + socket.inet_aton(proxy) + struct.pack('>H', 0))
    listening = reply(client)
    peer = socket.create_connection(listening, timeout=5)
    connected = reply(client)
    client.sendall(b'GET /reports/q3.csv HTTP/1.1\r\nHost: peer\r\n\r\n')
    peer.recv(4096)
    peer.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    recv_exact(client, 40)
    print('bind', listening[0], listening[1], 'peer', connected[0], connected[1])
    peer.close()
    client.close()


udp_associate(sys.argv[1], sys.argv[2], sys.argv[3])
bind(sys.argv[1])
