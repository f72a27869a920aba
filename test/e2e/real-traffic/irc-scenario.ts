/** Debian's ngircd on the XMPP port, and sic (a small IRC client) joining a channel and saying something there. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForListen } from '#test/helpers/netns.ts';
import { ngircdConfig } from '#test/helpers/ngircd.ts';
import type { Scenario } from './scenario.ts';

const port = 5222;

export const ircScenario: Scenario = {
  name: 'ngircd and sic (IRC) on the XMPP port',
  protocol: 'irc',
  transport: 'tcp',
  port,
  portBelongsTo: 'xmpp',
  commands: ['ngircd', 'sic', 'sh'],
  operations: ['NICK', 'USER', 'welcome', 'JOIN'],
  async start(ns, dir) {
    writeFileSync(join(dir, 'ngircd.conf'), ngircdConfig(port, dir));
    ns.spawn('ngircd', ['-n', '-f', join(dir, 'ngircd.conf')]);
    await waitForListen(ns, port);
  },
  client(ns) {
    // sic reads commands from stdin: join, say a line, and stay a moment for the server's answers.
    ns.exec('sh', [
      '-c',
      `(printf ':j #ops\\nhello\\n'; sleep 1) | timeout 5 sic -h 127.0.0.1 -p ${port} -n probe7 || true`,
    ]);
  },
};
