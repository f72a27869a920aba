"""A minimal SMTP sink for tests (RFC 5321): accepts any mail and drops it. Python's smtpd module is gone in 3.12.

Usage: smtp-sink.py HOST PORT. One thread per connection; answers EHLO/HELO, MAIL, RCPT, DATA (to the lone dot),
RSET, NOOP and QUIT; anything else gets 502. Runs until killed.
"""
import socketserver
import sys


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 sink ESMTP")
        in_data = False
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if in_data:
                if line == b".":
                    in_data = False
                    self.reply("250 OK: dropped")
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif verb == b"DATA":
                in_data = True
                self.reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    Server((sys.argv[1], int(sys.argv[2])), Session).serve_forever()
