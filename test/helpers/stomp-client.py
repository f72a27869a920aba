"""Debian's stomp.py 8 (python3-stomp) for stomp-real.test.ts: `stomp-client.py HOST PORT MODE`.

session: STOMP 1.2 as alice (heart-beats every 500 ms), subscribes to /queue/orders with client-individual acks,
sends "order 42" and a transaction of two messages, acks what comes back, waits for heart-beats, disconnects with a
receipt; prints the bodies received. refused [N]: N connections (1 unless given) logging in with STOMP 1.1 and a wrong
passcode; prints the first ERROR frame's message.
legacy: STOMP 1.0 as alice, sends to /queue/objects a body shaped as a Java object stream of
javax.management.BadAttributeValueExpException (the trigger of ysoserial's CommonsCollections5: a class descriptor
only, written here), then disconnects; prints "sent".
consume: STOMP 1.2 as alice, subscribes to /queue/objects, takes one message (the one legacy left there), prints
"took N octets" with its body's length, and disconnects.
"""
import struct
import sys
import threading
import time

import stomp

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
PASSCODE = "s3cret-never-shown"


class Listener(stomp.ConnectionListener):
    def __init__(self, conn):
        self.conn = conn
        self.bodies = []
        self.errors = []
        self.done = threading.Event()

    def on_message(self, frame):
        self.bodies.append(frame.body)
        self.conn.ack(frame.headers["ack"])
        if len(self.bodies) == 3:
            self.done.set()

    def on_error(self, frame):
        self.errors.append(frame.headers.get("message", ""))
        self.done.set()


def session():
    conn = stomp.Connection12([(host, port)], heartbeats=(500, 500), vhost="broker.example")
    listener = Listener(conn)
    conn.set_listener("", listener)
    conn.connect("alice", PASSCODE, wait=True)
    conn.subscribe("/queue/orders", id="sub-1", ack="client-individual")
    conn.send("/queue/orders", "order 42", content_type="text/plain")
    tx = conn.begin()
    conn.send("/queue/orders", "order 43", transaction=tx)
    conn.send("/queue/orders", "order 44", transaction=tx)
    conn.commit(tx)
    listener.done.wait(10)
    time.sleep(1.5)
    conn.disconnect()
    print(" ".join(listener.bodies))


def refused_once():
    conn = stomp.Connection11([(host, port)])
    listener = Listener(conn)
    conn.set_listener("", listener)
    try:
        conn.connect("alice", "wrong", wait=True)
    except stomp.exception.ConnectFailedException:
        pass
    listener.done.wait(5)
    return listener.errors[0] if listener.errors else "no error"


def refused():
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    print([refused_once() for _ in range(count)][0])


def java_stream(name):
    """TC_OBJECT, TC_CLASSDESC (name, serialVersionUID, SC_SERIALIZABLE, no fields), TC_ENDBLOCKDATA, TC_NULL."""
    uid = -3105272988410493376
    encoded = name.encode()
    return (b"\xac\xed\x00\x05\x73\x72" + struct.pack(">H", len(encoded)) + encoded + struct.pack(">q", uid)
            + b"\x02\x00\x00\x78\x70")


def legacy():
    conn = stomp.Connection10([(host, port)])
    conn.connect("alice", PASSCODE, wait=True)
    conn.send("/queue/objects", java_stream("javax.management.BadAttributeValueExpException"))
    conn.disconnect()
    print("sent")


def consume():
    conn = stomp.Connection12([(host, port)], auto_decode=False)
    listener = Listener(conn)
    conn.set_listener("", listener)
    conn.connect("alice", PASSCODE, wait=True)
    conn.subscribe("/queue/objects", id="sub-objects", ack="client-individual")
    deadline = time.time() + 10
    while not listener.bodies and time.time() < deadline:
        time.sleep(0.05)
    conn.disconnect()
    print(f"took {len(listener.bodies[0])} octets" if listener.bodies else "took nothing")


{"session": session, "refused": refused, "legacy": legacy, "consume": consume}[mode]()
