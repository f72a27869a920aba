/**
 * A small Zabbix server of ours for zabbix-real.test.ts's active checks, run inside the test's network namespace:
 * `<port> <key>...` listens on 127.0.0.1, reads each whole message an agent sends (the `ZBXD` header, its data
 * inflated when flag 0x02 says zlib), answers `active checks` with the keys given (every 1 s) and any other request
 * (`agent data`) with success, as the server does, and prints each request's JSON on a line of its own.
 */
import { createServer, type Socket } from 'node:net';
import { inflateSync } from 'node:zlib';

const [port = '10051', ...keys] = process.argv.slice(2);

const frame = (text: string): Buffer => {
  const data = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(13);
  header.write('ZBXD\x01', 0, 'latin1');
  header.writeUInt32LE(data.length, 5);
  return Buffer.concat([header, data]);
};

const answer = (request: { request?: string }): string =>
  request.request === 'active checks'
    ? JSON.stringify({
        response: 'success',
        data: keys.map((key, i) => ({ key, itemid: i + 1, delay: '1s', lastlogsize: 0, mtime: 0 })),
      })
    : JSON.stringify({
        response: 'success',
        info: 'processed: 1; failed: 0; total: 1; seconds spent: 0.000055',
      });

const serve = (socket: Socket): void => {
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.length < 13) return;
    const length = received.readUInt32LE(5);
    if (received.length < 13 + length) return;
    const data = received.subarray(13, 13 + length);
    const text = ((received[4] ?? 0) & 0x02 ? inflateSync(data) : data).toString('utf8');
    console.log(text);
    socket.end(frame(answer(JSON.parse(text) as { request?: string })));
  });
  socket.on('error', () => undefined);
};

createServer(serve).listen(Number(port), '127.0.0.1');
