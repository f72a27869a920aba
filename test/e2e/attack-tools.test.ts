/**
 * Real attack tools against real servers, captured with tcpdump in network namespaces the test creates, then
 * `meshward inspect --json` on the capture: every attack class must be reported with the attacker as client,
 * and nothing the benign client did may be. Prints detection and false-positive counts.
 * MESHWARD_KEEP_CAPTURE=1 keeps the capture (and sqlmap's output) in the temporary directory it names.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { type NdpiFlow, ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type AttackLab, addresses, createAttackLab } from './attack-tools/attack-lab.ts';
import { attackReport, benignSide, detections, ndpiReport } from './attack-tools/attack-report.ts';
import { type Attack, attacks } from './attack-tools/attacks.ts';
import { benignClients } from './attack-tools/benign-traffic.ts';
import { postgresBin } from './attack-tools/start-postgres.ts';
import { startVictimServers } from './attack-tools/victim-servers.ts';

const tools = [
  'tcpdump',
  'ss',
  'sqlmap',
  'nmap',
  'hping3',
  'iodine',
  'iodined',
  'sshd',
  'ssh',
  'ssh-keygen',
  'openssl',
  'snmpd',
  'onesixtyone',
];
const clients = ['nc', 'curl', 'dig', 'redis-server', 'redis-cli', 'dnsmasq', 'psql', 'runuser'];
const unavailable =
  postgresBin() === undefined
    ? 'PostgreSQL is not installed (.ci/apt/real-traffic.txt)'
    : netnsUnavailable([...tools, ...clients]);
const tun = existsSync('/dev/net/tun');
const meshward = fileURLToPath(new URL('../../bin/meshward.js', import.meta.url));

type Run = {
  findings: Finding[];
  failures: string[];
  seconds: number;
  dir: string;
  ndpi: NdpiFlow[] | undefined;
};

const captureEverything = async (lab: AttackLab): Promise<string[]> => {
  const failures: string[] = [];
  const attempt = async (name: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (error) {
      failures.push(`${name}: ${String(error).slice(0, 400)}`);
    }
  };
  await startVictimServers(lab.victim, lab.dir, { iodine: tun });
  for (const client of benignClients) await attempt(client.name, () => client.run(lab.benign, lab.dir));
  for (const attack of attacks)
    if (tun || attack.needsTun !== true) await attempt(attack.name, () => attack.run(lab));
  // Let the last replies reach the capture before tcpdump stops.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return failures;
};

describe.skipIf(unavailable !== undefined)(
  `real attack tools, captured and inspected${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let run: Run;

    beforeAll(async () => {
      const started = process.hrtime.bigint();
      const lab = await createAttackLab();
      let failures: string[];
      try {
        failures = await captureEverything(lab);
        await lab.stopCapture();
      } finally {
        lab.destroy();
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [meshward, 'inspect', lab.pcap, '--json'],
        {
          maxBuffer: 64 << 20,
        },
      );
      const findings = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Finding);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      run = {
        findings,
        failures,
        seconds,
        dir: lab.dir,
        ndpi: ndpiAvailable() ? runNdpi(lab.pcap) : undefined,
      };
    }, 110_000);

    afterAll(() => {
      if (run === undefined) return;
      if (process.env.MESHWARD_KEEP_CAPTURE === undefined) rmSync(run.dir, { recursive: true, force: true });
      else console.log(`capture kept in ${run.dir}`);
      const requests = benignClients.reduce((sum, c) => sum + c.requests, 0);
      const lines = [
        ...attackReport(run.findings, attacks, { requests }, tun),
        ...(run.ndpi === undefined ? ['  nDPI: ndpiReader not installed'] : ndpiReport(run.ndpi)),
      ];
      console.log(
        [
          `Attack tools e2e (${run.seconds.toFixed(1)} s wall, ${run.findings.length} findings):`,
          ...lines,
        ].join('\n'),
      );
    });

    it('every server started and every tool ran', () => {
      expect(run.failures).toEqual([]);
    });

    const expectDetected = (name: string, attack: Attack) => {
      for (const detection of detections(attack, splitFindings(run.findings).threats))
        expect(detection.findings, `${detection.id} not reported for ${name}`).toBeGreaterThan(0);
    };
    const rows = (list: readonly Attack[]) => list.map((a) => [a.name, a] as const);
    it.each(rows(attacks.filter((a) => a.needsTun !== true)))('%s is reported', expectDetected);
    it.skipIf(!tun).each(rows(attacks.filter((a) => a.needsTun === true)))(
      `%s is reported${tun ? '' : ' (skipped: /dev/net/tun is missing, iodine needs a tun device)'}`,
      expectDetected,
    );

    it('benign clients were captured and identified, and none of their traffic is flagged as an attack', () => {
      const { flows: all, threats } = splitFindings(run.findings);
      const flows = all.filter((f) => f.client.ip === addresses.benign && f.transport !== 'icmp');
      expect(new Set(flows.map((f) => f.protocol))).toEqual(
        new Set(['http', 'tls', 'redis', 'postgresql', 'dns', 'ssh']),
      );
      const flagged = threats.filter((f) => benignSide(f.client.ip) || benignSide(f.server.ip));
      // The login form crosses plain HTTP: its password is a true finding, not a false alarm (a quote and a
      // semicolon in it must still not read as SQL injection).
      expect(flagged.map((f) => `${f.threat}: ${f.evidence}`)).toEqual([
        'cleartext-credentials: a password in an HTTP request field (form password) of user alice sent unencrypted',
      ]);
    });
  },
);
