/**
 * RADIUS for real, in a network namespace the test creates: FreeRADIUS 3.2 (`freeradius -X -f`, test/helpers/
 * freeradius.ts) serving Access-Requests on 127.0.0.1:53 (DNS's port) and 127.0.0.2:53, Accounting-Requests on
 * 127.0.0.1:161 (SNMP's), its client configured with `require_message_authenticator = no`; radclient (freeradius-utils)
 * logging in once with the right password, ten times with a wrong one, starting an accounting session, and, to
 * 127.0.0.2, an EAP-Response/Identity and a PAP request each with a Message-Authenticator. Captured by tcpdump, read by
 * the engine with the default detectors; nDPI's labels are printed beside ours when ndpiReader is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { radclient, startFreeradius } from '#test/helpers/freeradius.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'freeradius', 'radclient']);
const secret = 'testing123';
/** The server whose exchanges carry no Message-Authenticator, and the one whose requests do. */
const open = '127.0.0.1:53';
const signed = '127.0.0.2:53';

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

const session = async (ns: Netns, dir: string): Promise<Run> => {
  await startFreeradius(ns, dir, {
    secret,
    users: { alice: 'wonderland' },
    auth: [
      { ip: '127.0.0.1', port: 53 },
      { ip: '127.0.0.2', port: 53 },
    ],
    acct: [{ ip: '127.0.0.1', port: 161 }],
  });
  const pcap = join(dir, 'radius.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, 'udp port 53 or udp port 161');
  const login = (server: string, attributes: string) => radclient(ns, server, 'auth', secret, attributes);
  const said = [
    login(
      open,
      'User-Name = alice, User-Password = wonderland, NAS-Identifier = ap-1, Calling-Station-Id = 02-00-00-00-00-01',
    ),
    ...Array.from({ length: 10 }, (_, i) => login(open, `User-Name = alice, User-Password = guess${i}`)),
    radclient(
      ns,
      '127.0.0.1:161',
      'acct',
      secret,
      'User-Name = alice, Acct-Status-Type = Start, Acct-Session-Id = 1',
    ),
    login(signed, 'User-Name = alice, EAP-Message = 0x0201000a01616c696365, Message-Authenticator = 0x00'),
    login(signed, 'User-Name = alice, User-Password = wonderland, Message-Authenticator = 0x00'),
  ];
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return { ...splitFindings(findings), said, pcap };
};

describe.skipIf(unavailable !== undefined)(
  `RADIUS from FreeRADIUS and radclient${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/radius.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-radius-real-'));

    beforeAll(async () => {
      ns = createNetns('mwra');
      run = await session(ns, dir);
    }, 60_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every exchange radius on the ports of DNS and SNMP, naming requests, answers and methods', () => {
      expect(run.said).toEqual([
        'Access-Accept',
        ...Array.from({ length: 10 }, () => 'Access-Reject'),
        'Accounting-Response',
        'Access-Challenge',
        'Access-Accept',
      ]);
      // One radclient run, one socket, one flow.
      expect(run.flows).toHaveLength(14);
      for (const flow of run.flows) expect(flow.protocol, `${flow.client.port}`).toBe('radius');
      const operations = new Set(run.flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        'Access-Request',
        'Access-Accept',
        'Access-Reject',
        'Access-Challenge',
        'Accounting-Request start',
        'Accounting-Response',
      ])
        expect(operations, op).toContain(op);
    });

    it('reports the guessing, and Blast-RADIUS on the open server only, once', () => {
      const told = run.threats
        .filter((t) => t.threat !== 'protocol-mismatch')
        .map((t) => [t.threat, t.severity, `${t.client.ip}>${t.server.ip}:${t.server.port}`]);
      expect(told.sort()).toEqual([
        ['db-auth-brute-force', 'high', '127.0.0.1>127.0.0.1:53'],
        ['radius-blast', 'high', '127.0.0.1>127.0.0.1:53'],
      ]);
      const blast = run.threats.find((t) => t.threat === 'radius-blast');
      expect(blast?.evidence).toContain('answered an Access-Request from 127.0.0.1 (PAP) with an Access-');
      // The ports of DNS and SNMP are system ports, whose hints protocol-mismatch judges: RADIUS there is told.
      const mismatches = run.threats.filter((t) => t.threat === 'protocol-mismatch');
      expect(new Set(mismatches.map((t) => t.evidence.replace(/127\.0\.0\.[12]/, 'lo')))).toEqual(
        new Set([
          'expected dns on lo:53 (port hint), saw radius',
          'expected snmp on lo:161 (port hint), saw radius',
        ]),
      );
      expect(mismatches).toHaveLength(run.flows.length);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the RADIUS flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => `${f.server.port} ${f.protocol}`).join(', ')}`,
      );
    });
  },
);
