/**
 * A small beanstalkd client for beanstalkd-real.test.ts, run inside the test's network namespace: `<host> <port>`
 * uses the tube `emails`, puts queued-jobs.ts's ordinary Laravel job and its phpggc gadget, then on a second connection
 * (a worker's) watches `emails`, ignores `default`, reserves and deletes both, asks `stats-tube` and `list-tubes`.
 * One command at a time, each answer read whole (its body too); prints the answers' first lines as JSON.
 */
import { connect, type Socket } from 'node:net';
import { laravelGadgetJob, laravelJob } from '#test/fixtures/protocols/queued-jobs.ts';

const [host = '127.0.0.1', port = '11300'] = process.argv.slice(2);

type Connection = { send(command: string): Promise<string>; close(): void };

/** The octets of one whole answer at the start of `buf`: its line and the body `RESERVED`, `FOUND` or `OK` announce. */
const answerLength = (buf: Buffer): number => {
  const lf = buf.indexOf('\r\n');
  if (lf < 0) return 0;
  const sized = /^(?:RESERVED \d+|FOUND \d+|OK) (\d+)$/.exec(buf.subarray(0, lf).toString('latin1'));
  const need = sized === null ? lf + 2 : lf + 2 + Number(sized[1]) + 2;
  return buf.length >= need ? need : 0;
};

const open = (): Promise<Connection> =>
  new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), host);
    let buf = Buffer.alloc(0);
    let waiting: ((answer: string) => void) | undefined;
    const settle = (): void => {
      const length = answerLength(buf);
      if (length === 0 || waiting === undefined) return;
      const answer = buf.subarray(0, length).toString('latin1');
      buf = buf.subarray(length);
      const done = waiting;
      waiting = undefined;
      done(answer);
    };
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      settle();
    });
    socket.on('error', reject);
    socket.on('connect', () =>
      resolve({
        send: (command) =>
          new Promise((answered) => {
            waiting = answered;
            socket.write(Buffer.from(command, 'latin1'));
          }),
        close: () => socket.end('quit\r\n'),
      }),
    );
  });

const put = (body: string): string => `put 1024 0 60 ${Buffer.byteLength(body, 'latin1')}\r\n${body}\r\n`;
const firstLine = (answer: string): string => answer.slice(0, answer.indexOf('\r\n'));

const producer = await open();
const said = [
  await producer.send('use emails\r\n'),
  await producer.send(put(laravelJob)),
  await producer.send(put(laravelGadgetJob)),
];
producer.close();
const worker = await open();
said.push(await worker.send('watch emails\r\n'), await worker.send('ignore default\r\n'));
for (let i = 0; i < 2; i++) {
  const reserved = await worker.send('reserve-with-timeout 5\r\n');
  said.push(reserved, await worker.send(`delete ${/^RESERVED (\d+)/.exec(reserved)?.[1]}\r\n`));
}
said.push(await worker.send('stats-tube emails\r\n'), await worker.send('list-tubes\r\n'));
worker.close();
console.log(JSON.stringify(said.map(firstLine)));
