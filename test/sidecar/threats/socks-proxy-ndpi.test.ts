/**
 * SOCKS5 through a real proxy, side by side with nDPI: Debian's microsocks relays curl to a web server on loopback,
 * once without a login and once with a username/password login (RFC 1929), and hydra guesses the password of the
 * proxy that asks for one. Recorded through the loopback relay into one pcap that our engine and ndpiReader read.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  startDaemon,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { type RecordedChunk, recordClient } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const run = promisify(execFile);
const tools = ['/usr/bin/microsocks', '/usr/bin/curl', '/usr/bin/hydra'];
const available = hasBinaries(...tools) && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-socks-'));
const password = 'Tr0ub4dor&3';

let web: Server | undefined;
let webPort = 0;
const proxies: Record<'open' | 'login', number> = { open: 0, login: 0 };
const daemons: ReturnType<typeof startDaemon>[] = [];

/** A relay in front of a proxy for one client run; what crossed it. */
const through = async (
  proxyPort: number,
  client: (port: number) => Promise<unknown>,
): Promise<RecordedChunk[]> => recordClient(proxyPort, (port) => client(port).catch(() => undefined));

const curl = (port: number, extra: string[]) =>
  run('curl', [
    '-s',
    '--max-time',
    '10',
    ...extra,
    '--socks5',
    `127.0.0.1:${port}`,
    `http://127.0.0.1:${webPort}/`,
  ]);

const sessions: RecordedSession[] = [
  {
    name: 'curl through microsocks, no login',
    port: 8080,
    record: () => through(proxies.open, (port) => curl(port, [])),
  },
  {
    name: 'curl through microsocks with a username/password login',
    port: 443,
    record: () => through(proxies.login, (port) => curl(port, ['--proxy-user', `alice:${password}`])),
  },
  {
    name: "hydra guessing the proxy's password",
    port: 1080,
    record: () => {
      const list = join(dir, 'passwords.txt');
      writeFileSync(list, `${[...Array.from({ length: 12 }, (_, i) => `guess${i}`), password].join('\n')}\n`);
      return through(proxies.login, (port) =>
        run('hydra', ['-l', 'alice', '-P', list, '-t', '1', '-s', String(port), '127.0.0.1', 'socks5'], {
          timeout: 60_000,
        }),
      );
    },
  },
];

describe.skipIf(!available)(
  `SOCKS5 through microsocks with curl and hydra, against nDPI${available ? '' : ' (skipped: apt-get install microsocks curl hydra libndpi-bin)'}`,
  () => {
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      web = createServer((_req, res) => res.end('ok\n'));
      web.listen(0, '127.0.0.1');
      await once(web, 'listening');
      webPort = (web.address() as AddressInfo).port;
      proxies.open = await freePort();
      proxies.login = await freePort();
      daemons.push(startDaemon('microsocks', ['-i', '127.0.0.1', '-p', String(proxies.open)]));
      daemons.push(
        startDaemon('microsocks', [
          '-i',
          '127.0.0.1',
          '-p',
          String(proxies.login),
          '-u',
          'alice',
          '-P',
          password,
        ]),
      );
      await Promise.all([waitForPort(proxies.open), waitForPort(proxies.login)]);
      const result = await recordAndInspect(sessions, dir, 'socks.pcap');
      ours = result.ours;
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 120_000);

    afterAll(async () => {
      for (const daemon of daemons) await stopDaemon(daemon);
      web?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const labels = (port: number) => [
      ...new Set(flows.filter((f) => f.server.port === port).map((f) => f.protocol)),
    ];
    const ndpi = (port: number) => /\[proto: [\d.]+\/([\w.]+)\]/.exec(ndpiLineFor(ndpiLines, port))?.[1];
    const threat = (id: string) => ours.filter((f) => f.threat === id);

    it('labels every proxied connection socks from its bytes; nDPI 4.2 only guesses from the port', () => {
      expect(sessions.map((s) => [labels(s.port), ndpi(s.port)])).toEqual([
        [['socks'], 'HTTP_Proxy'],
        [['socks'], 'TLS'],
        [['socks'], 'SOCKS'],
      ]);
      for (const s of sessions)
        expect(ndpiLineFor(ndpiLines, s.port)).toContain('[Confidence: Match by port]');
      expect(flows.filter((f) => f.server.port === 1080).length).toBe(13);
    });

    it('reads the HTTP curl sends through each tunnel: the flow names `tunnel http` and the request', () => {
      const tunnels = (port: number) =>
        flows
          .filter((f) => f.server.port === port)
          .map((f) => [f.l7?.operations?.includes('tunnel http'), f.l7?.http?.methods]);
      expect([tunnels(8080), tunnels(443)]).toEqual([[[true, ['GET']]], [[true, ['GET']]]]);
    });

    it('reports the connections the proxy relayed, naming the target, not the refused logins', () => {
      const target = `127.0.0.1:${webPort}`;
      const relayed = threat('socks-proxy').map((f) => [f.server.port, f.evidence]);
      expect(relayed.filter(([port]) => port !== 1080)).toEqual([
        [8080, `a SOCKS5 proxy relayed a connection to ${target}`],
        [443, `a SOCKS5 proxy relayed a connection to ${target}`],
      ]);
      // Of hydra's 13 logins only the right one is relayed (to hydra's own target).
      expect(relayed.filter(([port]) => port === 1080)).toHaveLength(1);
    });

    it("reports the proxy password sent in the clear, never the password, and hydra's guessing", () => {
      const cleartext = threat('cleartext-credentials').map((f) => f.evidence);
      expect(cleartext).toContain('a socks password for user alice (cleartext method) sent unencrypted');
      expect(JSON.stringify(ours)).not.toContain(password);
      expect(threat('db-auth-brute-force').map((f) => [f.server.port, f.evidence])).toEqual([
        [1080, expect.stringMatching(/^1[0-2] failed socks logins within 60000 ms for 1 user name\(s\)$/)],
      ]);
    });
  },
);
