/**
 * GNU inetutils' telnetd (run per connection, as inetd would) on the HTTPS-alternative port, and Python's telnetlib
 * logging in with a wrong password: the Telnet flow, its login prompt's user and the password line are read.
 */
import { fileURLToPath } from 'node:url';
import { waitForListen } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const port = 8443;
const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export const telnetScenario: Scenario = {
  name: 'inetutils telnetd on the HTTPS-alternative port',
  protocol: 'telnet',
  transport: 'tcp',
  port,
  portBelongsTo: 'https-alt',
  commands: ['/usr/sbin/telnetd', 'python3'],
  operations: ['login', 'password'],
  async start(ns) {
    ns.spawn('python3', [script('telnet-inetd.py'), String(port)]);
    await waitForListen(ns, port);
  },
  client(ns) {
    ns.exec('python3', [script('telnet-login.py'), String(port)], { timeoutMs: 40_000 });
  },
};
