/**
 * Runs the fake Docker Engine API (fake-docker-engine.ts) on each address:port given, inside a test's network
 * namespace: `node --import tsx fake-docker-engine-main.ts ADDRESS:PORT...`. One engine behind every port.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fakeDockerEngine } from './fake-docker-engine.ts';

const listens = process.argv.slice(2).map((arg) => /^(.+):(\d+)$/.exec(arg));
if (listens.length === 0 || listens.some((m) => m === null)) {
  process.stderr.write('usage: fake-docker-engine-main.ts ADDRESS:PORT...\n');
  process.exit(2);
}
const handler = fakeDockerEngine();
for (const match of listens) {
  const server = createServer((req, res) => void handler(req, res));
  server.listen(Number(match?.[2]), match?.[1]);
  await once(server, 'listening');
}
process.stdout.write('listening\n');
