/**
 * Test helper: a small SQL Server stand-in that speaks enough TDS 7.4 ([MS-TDS]) for a real client (FreeTDS's `tsql`)
 * to log in and send batches, so the client's own bytes can be recorded. It answers PRELOGIN without encryption,
 * a LOGIN7 with LOGINACK when the password is right and error 18456 otherwise, and every batch or RPC with DONE.
 * No SQL Server runs here (it is not in Debian): the server side is ours, the client side is real.
 */
import { once } from 'node:events';
import net from 'node:net';

const header = (type: number, payload: Buffer): Buffer => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h[1] = 0x01; // end of message
  h.writeUInt16BE(payload.length + 8, 2);
  h[6] = 1; // packet id
  return Buffer.concat([h, payload]);
};

/** PRELOGIN answer: VERSION, ENCRYPTION (2: not supported, so the login and what follows are plaintext), INSTOPT, THREADID, MARS. */
const preloginAnswer = (): Buffer => {
  const options: [number, Buffer][] = [
    [0x00, Buffer.from([16, 0, 0x10, 0x04, 0, 0])],
    [0x01, Buffer.from([0x02])],
    [0x02, Buffer.from([0])],
    [0x03, Buffer.alloc(0)],
    [0x04, Buffer.from([0])],
  ];
  let offset = options.length * 5 + 1;
  const table: Buffer[] = [];
  for (const [token, data] of options) {
    const entry = Buffer.alloc(5);
    entry[0] = token;
    entry.writeUInt16BE(offset, 1);
    entry.writeUInt16BE(data.length, 3);
    table.push(entry);
    offset += data.length;
  }
  return header(0x04, Buffer.concat([...table, Buffer.from([0xff]), ...options.map(([, d]) => d)]));
};

const ucs2 = (s: string) => Buffer.from(s, 'utf16le');
const bVarchar = (s: string) => Buffer.concat([Buffer.from([s.length]), ucs2(s)]);
const usVarchar = (s: string) => {
  const n = Buffer.alloc(2);
  n.writeUInt16LE(s.length);
  return Buffer.concat([n, ucs2(s)]);
};
const token = (type: number, body: Buffer): Buffer => {
  const h = Buffer.alloc(3);
  h[0] = type;
  h.writeUInt16LE(body.length, 1);
  return Buffer.concat([h, body]);
};
const done = (status: number): Buffer => {
  const d = Buffer.alloc(13);
  d[0] = 0xfd;
  d.writeUInt16LE(status, 1);
  return d;
};
/** ENVCHANGE: database (1) and packet size (4), each new value then old value as B_VARCHAR. */
const envChange = (type: number, value: string, old: string) =>
  token(0xe3, Buffer.concat([Buffer.from([type]), bVarchar(value), bVarchar(old)]));
const loginAck = token(
  0xad,
  Buffer.concat([
    Buffer.from([0x01, 0x74, 0x00, 0x00, 0x04]),
    bVarchar('Microsoft SQL Server'),
    Buffer.from([16, 0, 0x10, 0x04]),
  ]),
);
const loginFailed = (user: string): Buffer => {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt32LE(18456, 0);
  fixed[4] = 1; // state
  fixed[5] = 14; // class
  const line = Buffer.alloc(4);
  return token(
    0xaa,
    Buffer.concat([
      fixed,
      usVarchar(`Login failed for user '${user}'.`),
      bVarchar('fake'),
      bVarchar(''),
      line,
    ]),
  );
};

/** LOGIN7's user name and password (the password's octets have their nibbles swapped and are XORed with 0xA5). */
const credentials = (login: Buffer): { user: string; password: string } => {
  const field = (at: number) =>
    login.subarray(login.readUInt16LE(at), login.readUInt16LE(at) + login.readUInt16LE(at + 2) * 2);
  const scrambled = Buffer.from(field(44));
  for (let i = 0; i < scrambled.length; i++) {
    const b = (scrambled[i] ?? 0) ^ 0xa5;
    scrambled[i] = ((b & 0x0f) << 4) | (b >> 4);
  }
  return { user: field(40).toString('utf16le'), password: scrambled.toString('utf16le') };
};

export type FakeTdsServer = { port: number; batches: string[]; close(): Promise<void> };

export const startFakeTdsServer = async (password: string): Promise<FakeTdsServer> => {
  const batches: string[] = [];
  const sockets = new Set<net.Socket>();
  const answer = (socket: net.Socket, type: number, message: Buffer): void => {
    if (type === 0x12) socket.write(preloginAnswer());
    else if (type === 0x10) {
      const { user, password: given } = credentials(message);
      socket.write(
        header(
          0x04,
          given === password
            ? Buffer.concat([envChange(1, 'master', ''), envChange(4, '4096', '4096'), loginAck, done(0)])
            : Buffer.concat([loginFailed(user), done(0x02)]),
        ),
      );
    } else if (type === 0x01) {
      const skip = message.readUInt32LE(0); // ALL_HEADERS
      batches.push(message.subarray(skip).toString('utf16le'));
      socket.write(header(0x04, done(0)));
    } else socket.write(header(0x04, done(0)));
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    let message: Buffer[] = [];
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 8 && pending.length >= pending.readUInt16BE(2)) {
        const length = pending.readUInt16BE(2);
        message.push(pending.subarray(8, length));
        const [type = 0, status = 0] = pending;
        pending = pending.subarray(length);
        if ((status & 0x01) !== 0) {
          answer(socket, type, Buffer.concat(message));
          message = [];
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    batches,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
};
