/**
 * jdwp-shellifier's sequence (IOActive's jdwp-shellifier.py) as a Node client for jdwp-real.test.ts, run inside the
 * test's network namespace: `<host> <port> <class> <method> <command>` shakes hands, reads the ID sizes, the VM's
 * version and every class (AllClasses), the methods of java.lang.Runtime and of `class`, sets a breakpoint at the
 * start of `class.method` (a method taking nothing and returning void) and resumes the VM; at the breakpoint it clears it, creates `command` as a string, calls
 * `Runtime.getRuntime()` and `exec(command)` on the stopped thread, resumes the VM and prints what happened as JSON.
 */
import { connect } from 'node:net';

const [host = '127.0.0.1', port = '5005', breakClass = '', breakMethod = '', command = 'id'] =
  process.argv.slice(2);
const handshake = Buffer.from('JDWP-Handshake', 'latin1');

const socket = connect(Number(port), host);
let received = Buffer.alloc(0);
let nextId = 1;
const waiting = new Map<number, (data: Buffer) => void>();
let onEvent: ((data: Buffer) => void) | undefined;

const int = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const string = (text: string): Buffer => Buffer.concat([int(Buffer.byteLength(text)), Buffer.from(text)]);

/** Sends a command and resolves with its reply's data (ids are 8 octets on HotSpot: the IDSizes reply says so). */
const send = (set: number, cmd: number, data: Buffer = Buffer.alloc(0)): Promise<Buffer> => {
  const id = nextId++;
  const header = Buffer.alloc(11);
  header.writeUInt32BE(11 + data.length, 0);
  header.writeUInt32BE(id, 4);
  header.writeUInt8(set, 9);
  header.writeUInt8(cmd, 10);
  socket.write(Buffer.concat([header, data]));
  return new Promise((resolve) => waiting.set(id, resolve));
};

const packets = (): void => {
  while (received.length >= 11 && received.length >= received.readUInt32BE(0)) {
    const length = received.readUInt32BE(0);
    const packet = received.subarray(0, length);
    received = received.subarray(length);
    const data = packet.subarray(11);
    if ((packet[8] ?? 0) & 0x80) waiting.get(packet.readUInt32BE(4))?.(data);
    else if (packet[9] === 64 && packet[10] === 100) onEvent?.(data);
  }
};

/** Reads AllClasses' reply: the id of each class by signature. */
const classes = (data: Buffer): Map<string, Buffer> => {
  const out = new Map<string, Buffer>();
  let at = 4;
  for (let i = 0; i < data.readUInt32BE(0); i++) {
    const id = data.subarray(at + 1, at + 9);
    const length = data.readUInt32BE(at + 9);
    out.set(data.toString('utf8', at + 13, at + 13 + length), id);
    at += 13 + length + 4;
  }
  return out;
};

/** Reads Methods' reply: the id of each method by name and signature (`exec(Ljava/lang/String;)Ljava/lang/Process;`). */
const methods = (data: Buffer): Map<string, Buffer> => {
  const out = new Map<string, Buffer>();
  let at = 4;
  for (let i = 0; i < data.readUInt32BE(0); i++) {
    const id = data.subarray(at, at + 8);
    const nameLength = data.readUInt32BE(at + 8);
    const name = data.toString('utf8', at + 12, at + 12 + nameLength);
    at += 12 + nameLength;
    const signatureLength = data.readUInt32BE(at);
    out.set(`${name}${data.toString('utf8', at + 4, at + 4 + signatureLength)}`, id);
    at += 4 + signatureLength + 4;
  }
  return out;
};

const run = async (): Promise<Record<string, unknown>> => {
  await send(1, 7);
  const version = await send(1, 1);
  const all = classes(await send(1, 3));
  const runtime = all.get('Ljava/lang/Runtime;') ?? Buffer.alloc(8);
  const target = all.get(`L${breakClass};`) ?? Buffer.alloc(8);
  const runtimeMethods = methods(await send(2, 5, runtime));
  const targetMethods = methods(await send(2, 5, target));
  const location = Buffer.concat([
    Buffer.from([1]),
    target,
    targetMethods.get(`${breakMethod}()V`) ?? Buffer.alloc(8),
  ]);
  // A breakpoint (kind 2), suspending all threads (2), with one modifier: LocationOnly (7) at index 0.
  const request = await send(
    15,
    1,
    Buffer.concat([Buffer.from([2, 2]), int(1), Buffer.from([7]), location, Buffer.alloc(8)]),
  );
  const hit = new Promise<Buffer>((resolve) => {
    onEvent = resolve;
  });
  await send(1, 9);
  const event = await hit;
  // Event.Composite: suspend policy, count, kind, request id, then the thread.
  const thread = event.subarray(10, 18);
  await send(15, 2, Buffer.concat([Buffer.from([2]), request.subarray(0, 4)]));
  const text = (await send(1, 11, string(command))).subarray(0, 8);
  const noArguments = Buffer.concat([int(0), int(0)]);
  const got = await send(
    3,
    3,
    Buffer.concat([
      runtime,
      thread,
      runtimeMethods.get('getRuntime()Ljava/lang/Runtime;') ?? Buffer.alloc(8),
      noArguments,
    ]),
  );
  const exec = runtimeMethods.get('exec(Ljava/lang/String;)Ljava/lang/Process;') ?? Buffer.alloc(8);
  const argument = Buffer.concat([int(1), Buffer.from('L'), text, int(0)]);
  const ran = await send(9, 6, Buffer.concat([got.subarray(1, 9), thread, runtime, exec, argument]));
  await send(1, 9);
  return { vm: version.length > 0, classes: all.size, process: String.fromCharCode(ran[0] ?? 0) };
};

socket.on('connect', () => socket.write(handshake));
socket.on('data', (chunk: Buffer) => {
  received = Buffer.concat([received, chunk]);
  if (received.subarray(0, 14).equals(handshake) && nextId === 1) {
    received = received.subarray(14);
    run().then(
      (result) => {
        console.log(JSON.stringify(result));
        socket.end();
      },
      (error: unknown) => {
        console.log(JSON.stringify({ error: String(error) }));
        socket.end();
      },
    );
  }
  packets();
});
socket.on('error', (error) => console.log(JSON.stringify({ error: error.message })));
