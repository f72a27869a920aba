/**
 * SIP for real, in a network namespace the test creates: Debian's kamailio 5.6.3 as a registrar on UDP 161 and TCP 5432
 * (SNMP's and PostgreSQL's ports, which say nothing true here) asking extensions 1000-1005 for a password and answering
 * 404 for any other; sipsak 0.9.8.1's OPTIONS and REGISTERs over both (ordinary traffic), then SIPVicious 0.3.3:
 * svmap's sweep, `svwar -c` enumerating 990-1040 in compact form (no User-Agent), svcrack guessing 1002's password.
 * Captured by tcpdump, read by the engine with the default detectors; nDPI's labels are printed beside ours.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen, waitForUdp } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopChild } from '#test/helpers/stop-child.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'kamailio', 'sipsak', 'svmap', 'svwar', 'svcrack']);
const udpPort = 161;
const tcpPort = 5432;
const password = 'n0t-guessable';
/** SIPVicious sends from 5060; sipsak from a port of its own. */
const scannerPort = 5060;

/** A registrar without a database: OPTIONS answered, 1000-1005 asked for one password (qop, as svcrack needs). */
const config = `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:${udpPort}
listen=tcp:127.0.0.1:${tcpPort}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
loadmodule "textops.so"
loadmodule "pv.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
request_route {
	if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
	if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
	if (!($tU =~ "^100[0-5]$")) { sl_send_reply("404", "Not Found"); exit; }
	if (!pv_www_authenticate("$td", "${password}", "0")) { www_challenge("$td", "1"); exit; }
	save("location");
	exit;
}
`;

let kamailio: ChildProcess | undefined;

/** kamailio told to stop (it then stops its children), given a moment before the namespace is torn down. */
const stopKamailio = (): Promise<void> => stopChild(kamailio);

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

/** What a tool printed, or `exit <status>`. */
const run = (ns: Netns, command: string, args: string[]): string => {
  try {
    return ns.exec(command, args, { timeoutMs: 25_000 });
  } catch (error) {
    return `exit ${(error as { status?: number }).status}`;
  }
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  writeFileSync(join(dir, 'kamailio.cfg'), config);
  writeFileSync(join(dir, 'passwords.txt'), `${'abcdefghijkl'.split('').join('\n')}\n${password}\nzz\n`);
  kamailio = ns.spawn('kamailio', ['-DD', '-E', '-f', join(dir, 'kamailio.cfg'), '-Y', dir]);
  await waitForListen(ns, tcpPort);
  await waitForUdp(ns, '127.0.0.1', udpPort);
  const pcap = join(dir, 'sip.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `udp port ${udpPort} or tcp port ${tcpPort}`);
  const udp = `127.0.0.1:${udpPort}`;
  const tcp = `127.0.0.1:${tcpPort}`;
  const said = [
    run(ns, 'sipsak', ['-s', `sip:1000@${udp}`, '-v']),
    run(ns, 'sipsak', ['-E', 'tcp', '-s', `sip:1000@${tcp}`, '-v']),
    run(ns, 'sipsak', ['-U', '-C', 'sip:1000@127.0.0.1', '-s', `sip:1000@${udp}`, '-a', password, '-v']),
    run(ns, 'sipsak', [
      '-E',
      'tcp',
      '-U',
      '-C',
      'sip:1001@127.0.0.1',
      '-s',
      `sip:1001@${tcp}`,
      '-a',
      password,
      '-v',
    ]),
  ];
  run(ns, 'svmap', ['127.0.0.1', '-p', String(udpPort)]);
  run(ns, 'svwar', ['-c', '-e990-1040', '127.0.0.1', '-p', String(udpPort)]);
  said.push(
    run(ns, 'svcrack', ['-u', '1002', '-d', join(dir, 'passwords.txt'), '127.0.0.1', '-p', String(udpPort)]),
  );
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return { ...splitFindings(findings), said, pcap };
};

const fromScanner = (f: { client: { port: number } }) => f.client.port === scannerPort;

describe.skipIf(unavailable !== undefined)(
  `SIP from kamailio, sipsak and SIPVicious${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/sip.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let result: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-sip-real-'));

    beforeAll(async () => {
      ns = createNetns('mwsip');
      result = await session(ns, dir);
    }, 60_000);

    afterAll(async () => {
      await stopKamailio();
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every flow sip on ports that say snmp and postgresql, naming requests and answers', () => {
      expect(result.said).toEqual([
        expect.stringContaining('SIP/2.0 200 OK'),
        expect.stringContaining('SIP/2.0 200 OK'),
        expect.stringContaining('All usrloc tests completed successful'),
        expect.stringContaining('All usrloc tests completed successful'),
        expect.stringContaining(password),
      ]);
      expect(result.flows.length).toBeGreaterThanOrEqual(5);
      for (const flow of result.flows)
        expect(flow.protocol, `${flow.transport} ${flow.client.port}`).toBe('sip');
      expect(new Set(result.flows.map((f) => `${f.transport} ${f.server.port}`))).toEqual(
        new Set([`udp ${udpPort}`, `tcp ${tcpPort}`]),
      );
      const operations = new Set(result.flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of ['OPTIONS', 'REGISTER', '200 OK', '401 Unauthorized', '404 Not Found'])
        expect(operations, op).toContain(op);
    });

    it("reports SIPVicious's scan and enumeration as one sip-scan episode, and svcrack's guessing", () => {
      const scans = result.threats.filter((t) => t.threat === 'sip-scan');
      expect(scans.map((t) => [t.severity, fromScanner(t)])).toEqual([['high', true]]);
      expect(scans[0]?.evidence).toMatch(
        /^SIP extension enumeration: 20 distinct users asked of 127\.0\.0\.1:161 refused .*; 6 of them asked for a password, so they exist; its User-Agent names friendly-scanner$/,
      );
      const guessing = result.threats.filter((t) => t.threat === 'db-auth-brute-force');
      expect(guessing.map((t) => [t.severity, t.server.port, fromScanner(t)])).toEqual([
        ['high', udpPort, true],
      ]);
      expect(guessing[0]?.evidence).toMatch(/^10 failed sip logins within 60000 ms for 1 user name/);
    });

    it("raises nothing on sipsak's ordinary traffic but the port it uses (SNMP's, over UDP)", () => {
      const ordinary = result.threats.filter((t) => !fromScanner(t));
      for (const t of ordinary)
        expect([t.threat, t.evidence]).toEqual(['protocol-mismatch', expect.stringContaining('saw sip')]);
      expect(ordinary.every((t) => t.transport === 'udp')).toBe(true);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(result.pcap);
      console.log(
        `nDPI on the SIP flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${result.flows.map((f) => `${f.transport} ${f.protocol}`).join(', ')}`,
      );
    });
  },
);
