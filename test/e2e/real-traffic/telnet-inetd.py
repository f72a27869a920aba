"""Accepts connections on 127.0.0.1:PORT and runs telnetd on each, with the socket as its stdin and stdout, as inetd
would (inetutils' telnetd has no listening mode of its own)."""
import os
import signal
import socket
import sys

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies: nobody waits for the telnetd children
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(8)
while True:
    conn, _ = listener.accept()
    if os.fork() == 0:
        for fd in (0, 1, 2):
            os.dup2(conn.fileno(), fd)
        os.execv("/usr/sbin/telnetd", ["telnetd", "--no-hostinfo"])
    conn.close()
