"""SIP over WebSocket (RFC 7118) with the websockets library (Debian's python3-websockets 10.4): one connection that
asks for the subprotocol `sip`, an OPTIONS, then a REGISTER for each extension named, each answer awaited. Prints the
subprotocol the server chose and the status line of each answer. Usage: sip-ws-client.py URL DOMAIN USER..."""

import asyncio
import sys

import websockets


def request(method: str, user: str, domain: str, n: int) -> str:
    # As JsSIP writes them (RFC 7118 §5, §7): a `.invalid` Via host, transport WS, and no Content-Length.
    return (
        f"{method} sip:{domain} SIP/2.0\r\n"
        f"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK{n:08d}\r\n"
        "Max-Forwards: 70\r\n"
        f"To: <sip:{user}@{domain}>\r\n"
        f"From: <sip:{user}@{domain}>;tag=ws{n}\r\n"
        f"Call-ID: ws-call-{n}\r\n"
        f"CSeq: {n} {method}\r\n"
        f"Contact: <sip:{user}@df7jal23ls0d.invalid;transport=ws>\r\n"
        "User-Agent: meshward-ws-test\r\n\r\n"
    )


async def main(url: str, domain: str, users: list[str]) -> None:
    async with websockets.connect(url, subprotocols=["sip"]) as ws:
        print(f"subprotocol {ws.subprotocol}")
        await ws.send(request("OPTIONS", users[0], domain, 1))
        print((await ws.recv()).split("\r\n")[0])
        for n, user in enumerate(users, start=2):
            await ws.send(request("REGISTER", user, domain, n))
            print((await ws.recv()).split("\r\n")[0])


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
