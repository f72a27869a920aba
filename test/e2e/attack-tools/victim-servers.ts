/**
 * The victim's real servers: the vulnerable shop, sshd (on 80 for the attacker, 22 for the benign client), Redis,
 * PostgreSQL, Dovecot (POP3, and SMTP submission relaying to a sink, test/helpers/smtp-sink.py), OpenLDAP, dnsmasq, iodined, OpenSSL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDovecot } from '#test/helpers/dovecot.ts';
import { type Netns, waitForListen, waitForUdp } from '#test/helpers/netns.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { slapdAdmin, slapdArgs, slapdBinary } from '#test/helpers/slapd.ts';
import { smtpSink } from '#test/helpers/smtp-sink.ts';
import { addresses } from './attack-lab.ts';
import { startPostgres } from './start-postgres.ts';

export const ports = {
  sqlmapTarget: 8080,
  payloadTarget: 8081,
  sshMismatch: 80,
  weakTls: 4433,
  pop3: 110,
  ldap: 389,
  submission: 587,
  snmp: 161,
} as const;

/** The agent's one community, for onesixtyone to guess at. */
export const snmpCommunity = 'n3tw0rk-ops';

/** The one mailbox on the victim's Dovecot, for hydra to guess at. */
export const pop3Login = { user: 'alice', password: 'correct-horse' } as const;

/** The directory's administrator, for hydra to guess at with simple binds. */
export const ldapLogin = { user: slapdAdmin, password: 'battery-staple' } as const;

const app = fileURLToPath(new URL('./vulnerable-app.ts', import.meta.url));

/** net-snmp's agent on the victim's address, answering one read-only community; logs to a file, not a pipe. */
const startSnmpd = (victim: Netns, dir: string): void => {
  const own = join(dir, 'snmpd');
  mkdirSync(own, { recursive: true });
  const conf = join(own, 'snmpd.conf');
  writeFileSync(
    conf,
    `agentAddress udp:${addresses.victim}:${ports.snmp}\nrocommunity ${snmpCommunity}\n[snmp] persistentDir ${own}\n`,
  );
  victim.spawn('snmpd', [
    '-f',
    '-Lf',
    join(own, 'snmpd.log'),
    '-C',
    '-c',
    conf,
    '-p',
    join(own, 'snmpd.pid'),
  ]);
};

const startSshd = (victim: Netns, dir: string): void => {
  const key = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  // sshd insists on its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true });
  victim.spawn('/usr/sbin/sshd', [
    '-D',
    '-e',
    '-f',
    '/dev/null',
    '-h',
    key,
    '-o',
    'PidFile=none',
    '-o',
    `ListenAddress=${addresses.victim}:${ports.sshMismatch}`,
    '-o',
    `ListenAddress=${addresses.victimForBenign}:22`,
  ]);
};

const startDnsmasq = (victim: Netns): void => {
  victim.spawn('dnsmasq', [
    '-k',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--bind-interfaces',
    // The benign client's resolver, and one the attacker reaches over TCP (iodined holds udp 10.66.1.1:53).
    `--listen-address=${addresses.victimForBenign},${addresses.victimAlias}`,
    '--except-interface=lo',
    '--user=root',
    '--pid-file=',
    // Kubernetes-like names, and everything else (CDN, cloud SDK endpoints) to a documentation address.
    '--address=/cluster.local/10.96.0.10',
    '--address=/#/203.0.113.7',
    '--srv-host=_http._tcp.api.default.svc.cluster.local,api.default.svc.cluster.local,80',
  ]);
};

/** TLS 1.0 only for the attacker (weak-tls), ordinary TLS for the benign client, both with a throwaway certificate. */
const startTls = (victim: Netns, dir: string): void => {
  const [cert, key] = [join(dir, 'tls-cert.pem'), join(dir, 'tls-key.pem')];
  execFileSync('openssl', selfSignedCertArgs(key, cert, 'shop.local'), { stdio: 'ignore' });
  const server = (accept: string, extra: string[]) =>
    victim.spawn('openssl', ['s_server', '-accept', accept, '-cert', cert, '-key', key, '-quiet', ...extra]);
  // OpenSSL 3 refuses TLS 1.0 below security level 0: the weak server has to ask for it.
  server(`${addresses.victim}:${ports.weakTls}`, ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0']);
  server(`${addresses.victimForBenign}:443`, ['-www']);
};

/** Relay hop of the submission service: Python's stdlib SMTP sink on the victim's loopback. */
const relayPort = 10025;

/**
 * A second Dovecot (its own directory: the POP3 one owns dir's config and state) serving SMTP submission with AUTH
 * LOGIN, for hydra to guess at; accepted mail goes on to the sink. No brute-force delays, as for POP3.
 */
const startSubmission = async (victim: Netns, dir: string): Promise<void> => {
  const own = join(dir, 'submission');
  mkdirSync(own, { recursive: true });
  victim.spawn('python3', [smtpSink, '127.0.0.1', String(relayPort)]);
  await waitForListen(victim, relayPort);
  await startDovecot(victim, own, {
    listen: addresses.victim,
    password: pop3Login.password,
    mail: {},
    failedLoginDelays: false,
    submission: { port: ports.submission, relay: { host: '127.0.0.1', port: relayPort } },
  });
};

export type VictimOptions = { iodine: boolean };

export const startVictimServers = async (
  victim: Netns,
  dir: string,
  options: VictimOptions,
): Promise<void> => {
  victim.spawn('node', ['--import', 'tsx', app, String(ports.sqlmapTarget), String(ports.payloadTarget)]);
  startSshd(victim, dir);
  startSnmpd(victim, dir);
  victim.spawn('redis-server', [
    '--bind',
    addresses.victimForBenign,
    '--port',
    '6379',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ]);
  startDnsmasq(victim);
  startTls(victim, dir);
  victim.spawn(slapdBinary, slapdArgs(dir, `ldap://${addresses.victim}:${ports.ldap}/`, ldapLogin.password));
  if (options.iodine)
    victim.spawn('iodined', [
      '-f',
      '-c',
      '-P',
      'meshward-e2e',
      '-l',
      addresses.victim,
      '10.53.0.1',
      't.example',
    ]);
  await Promise.all([
    startPostgres(victim, dir),
    startDovecot(victim, dir, {
      listen: addresses.victim,
      pop3Port: ports.pop3,
      password: pop3Login.password,
      mail: { [pop3Login.user]: [] },
      // Dovecot's brute-force delays (2 s per failure, then a per-IP penalty of up to 15 s before each attempt) would
      // stretch hydra's 31 guesses over minutes; the guesses on the wire are the same without them.
      failedLoginDelays: false,
    }),
    startSubmission(victim, dir),
    waitForListen(victim, ports.sqlmapTarget, 30_000),
    waitForListen(victim, ports.payloadTarget, 30_000),
    waitForListen(victim, ports.sshMismatch),
    waitForListen(victim, 22),
    waitForListen(victim, 6379),
    waitForListen(victim, ports.weakTls),
    waitForListen(victim, ports.ldap),
    waitForListen(victim, 443),
    waitForUdp(victim, addresses.victimForBenign, 53),
    waitForUdp(victim, addresses.victim, ports.snmp),
    ...(options.iodine ? [waitForUdp(victim, addresses.victim, 53)] : []),
  ]);
};
