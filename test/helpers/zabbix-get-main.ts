/**
 * Our own small zabbix_get (Debian ships none) for zabbix-real.test.ts, run inside the test's network namespace:
 * `<host> <port> <key>...` asks the agent for each item key on a connection of its own, as the server's passive
 * checks do (a `ZBXD\x01` header, the key's length and a reserved length little-endian, the key), reads the answer to
 * the agent's close and prints the answers as JSON: the value, or `ZBX_NOTSUPPORTED: <reason>`.
 */
import { connect } from 'node:net';

const [host = '127.0.0.1', port = '10050', ...keys] = process.argv.slice(2);

const request = (key: string): Buffer => {
  const data = Buffer.from(key, 'utf8');
  const header = Buffer.alloc(13);
  header.write('ZBXD\x01', 0, 'latin1');
  header.writeUInt32LE(data.length, 5);
  return Buffer.concat([header, data]);
};

/** The answer's data: past the header when there is one (flags 0x01, no compression: the agent never compresses). */
const value = (answer: Buffer): string => {
  const data = answer.subarray(0, 4).toString('latin1') === 'ZBXD' ? answer.subarray(13) : answer;
  return data.toString('utf8').replace('\0', ': ');
};

const ask = (key: string): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), host, () => socket.write(request(key)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('error', (error) => resolve(`error ${error.message}`));
    socket.on('close', () => resolve(value(Buffer.concat(chunks))));
  });

const answers: string[] = [];
for (const key of keys) answers.push(await ask(key));
console.log(JSON.stringify(answers));
