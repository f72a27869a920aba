/**
 * Runs the fake metadata services (fake-metadata-server.ts) on port 80 of each address given, inside a test's network
 * namespace: `node --import tsx fake-metadata-main.ts optional|required ROLE ADDRESS...`. Prints `listening` when all
 * are up.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fakeMetadataHandler } from './fake-metadata-server.ts';

const [tokens, role, ...addresses] = process.argv.slice(2);
if ((tokens !== 'optional' && tokens !== 'required') || role === undefined || addresses.length === 0) {
  process.stderr.write('usage: fake-metadata-main.ts optional|required ROLE ADDRESS...\n');
  process.exit(2);
}
const handler = fakeMetadataHandler({ httpTokens: tokens, role });
for (const address of addresses) {
  const server = createServer(handler);
  server.listen(80, address);
  await once(server, 'listening');
}
process.stdout.write('listening\n');
