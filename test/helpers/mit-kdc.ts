/** A real MIT Kerberos KDC (Debian's krb5-kdc) on its own config files: realm SHOP.TEST, one user, TCP only. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '#test/fixtures/protocols/live-servers.ts';

export const kdcRealm = 'SHOP.TEST';
export const kdcUser = `alice@${kdcRealm}`;
export const kdcPassword = 'correct-horse';

/** krb5-kdc, krb5-admin-server (kadmin.local) and krb5-user (kinit). */
export const mitKdcBinaries = [
  '/usr/sbin/krb5kdc',
  '/usr/sbin/kdb5_util',
  '/usr/sbin/kadmin.local',
  '/usr/bin/kinit',
];

/** KRB5_CONFIG, KRB5_KDC_PROFILE and KRB5CCNAME: the KDC, the admin tools and kinit all read only files under dir. */
export type MitKdc = { env: Record<string, string> };

/**
 * The client's view. udp_preference_limit = 1 makes every request go over TCP first (RFC 4120 §7.2.2 framing), and
 * `kdc` names the recording proxy, not the KDC, as plain host:port (MIT 1.20 resolves `tcp/127.0.0.1` as a host name).
 * No DNS: nothing is looked up, not even the primary KDC kinit asks for after a failed password.
 */
const krb5Conf = (proxyPort: number) => `[libdefaults]
  default_realm = ${kdcRealm}
  udp_preference_limit = 1
  dns_lookup_kdc = false
  dns_lookup_realm = false
[realms]
  ${kdcRealm} = {
    kdc = 127.0.0.1:${proxyPort}
  }
`;

/**
 * The KDC's view. kdc_listen = "" opens no UDP socket at all (the default would be port 88); database and stash live
 * under dir; log to stderr rather than syslog or /var/log.
 */
const kdcConf = (dir: string, kdcPort: number) => `[kdcdefaults]
  kdc_listen = ""
  kdc_tcp_listen = 127.0.0.1:${kdcPort}
[realms]
  ${kdcRealm} = {
    database_name = ${join(dir, 'principal')}
    key_stash_file = ${join(dir, 'stash')}
  }
[logging]
  kdc = STDERR
`;

const must = async (command: string, args: string[], env: Record<string, string>): Promise<void> => {
  const { code, stderr } = await run(command, args, { env });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`);
};

/**
 * Writes both files, creates the database with its stash and adds the user. `+requires_preauth` sets the flag
 * (`-requires_preauth` would clear it, and the KDC would then answer the first AS-REQ with an AS-REP, whatever the
 * password), so a wrong password is refused by the KDC with PREAUTH_FAILED rather than only by the client.
 */
export const createMitKdc = async (
  dir: string,
  kdcPort: number,
  proxyPort: number,
  /** Service principals to add with random keys (`HTTP/web.shop.test`), for service tickets. */
  services: readonly string[] = [],
  /** Users added without the pre-authentication requirement (the KDC answers their AS-REQ at once): AS-REP roasting's prey. */
  openUsers: readonly string[] = [],
): Promise<MitKdc> => {
  writeFileSync(join(dir, 'krb5.conf'), krb5Conf(proxyPort));
  writeFileSync(join(dir, 'kdc.conf'), kdcConf(dir, kdcPort));
  const env = {
    KRB5_CONFIG: join(dir, 'krb5.conf'),
    KRB5_KDC_PROFILE: join(dir, 'kdc.conf'),
    KRB5CCNAME: `FILE:${join(dir, 'cc')}`,
  };
  await must('/usr/sbin/kdb5_util', ['create', '-s', '-r', kdcRealm, '-P', 'kdc-master-password'], env);
  const addprinc = `addprinc +requires_preauth -pw ${kdcPassword} alice`;
  await must('/usr/sbin/kadmin.local', ['-r', kdcRealm, '-q', addprinc], env);
  for (const user of openUsers)
    await must(
      '/usr/sbin/kadmin.local',
      ['-r', kdcRealm, '-q', `addprinc -requires_preauth -pw ${kdcPassword} ${user}`],
      env,
    );
  for (const service of services)
    await must('/usr/sbin/kadmin.local', ['-r', kdcRealm, '-q', `addprinc -randkey ${service}`], env);
  return { env };
};

/** `krb5kdc -n` stays in the foreground; the caller stops it with stopDaemon. */
export const startMitKdc = (kdc: MitKdc): ChildProcess =>
  spawn('/usr/sbin/krb5kdc', ['-n'], { stdio: 'ignore', env: { ...process.env, ...kdc.env } });

/** `kinit alice@SHOP.TEST` with the password on stdin: MIT kinit reads it from a pipe when stdin is not a terminal. */
export const kinit = (
  kdc: MitKdc,
  password: string,
  principal = kdcUser,
): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    const child = execFile(
      '/usr/bin/kinit',
      [principal],
      { env: { ...process.env, ...kdc.env }, timeout: 30_000 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stderr: String(stderr) });
      },
    );
    child.stdin?.end(`${password}\n`);
  });

/** `kvno` for each service: a TGS-REQ per service, with the ticket-granting ticket kinit left in the cache. */
export const kvno = (kdc: MitKdc, services: readonly string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      '/usr/bin/kvno',
      [...services],
      { env: { ...process.env, ...kdc.env }, timeout: 30_000 },
      (error, _o, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stderr: String(stderr),
        }),
    );
  });
