/**
 * Debian's microsocks, a SOCKS5 proxy, on the IRC port, relaying curl to a web server (Python's http.server on 8088):
 * the proxied connection is `socks` from its handshake, the HTTP inside it read (`tunnel http`), and the connection
 * the proxy opens is plain HTTP.
 */
import { waitForListen } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const port = 6667;
const webPort = 8088;

export const socksScenario: Scenario = {
  name: 'microsocks (SOCKS5) on the IRC port, relaying curl to a web server',
  protocol: 'socks',
  transport: 'tcp',
  port,
  portBelongsTo: 'irc',
  commands: ['microsocks', 'curl', 'python3'],
  operations: ['greeting', 'CONNECT', 'reply', 'tunnel http'],
  async start(ns, dir) {
    ns.spawn('python3', ['-m', 'http.server', String(webPort), '--bind', '127.0.0.1', '--directory', dir]);
    ns.spawn('microsocks', ['-i', '127.0.0.1', '-p', String(port)]);
    await waitForListen(ns, webPort);
    await waitForListen(ns, port);
  },
  client(ns) {
    ns.exec('curl', [
      '-s',
      '-o',
      '/dev/null',
      '--max-time',
      '10',
      '--socks5-hostname',
      `127.0.0.1:${port}`,
      `http://localhost:${webPort}/`,
    ]);
  },
};
