/**
 * PostgreSQL in the victim namespace: trusted for the benign client and for the attacker's `app` login (so its
 * injected statements run), password-checked for every other attacker login (so guessing fails, as in a brute force).
 */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '#test/fixtures/protocols/live-servers.ts';
import { type Netns, waitForListen } from '#test/helpers/netns.ts';
import { addresses } from './attack-lab.ts';

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin: the newest one. */
export const postgresBin = (): string | undefined => {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? undefined : join('/usr/lib/postgresql', versions[0], 'bin');
  } catch {
    return undefined;
  }
};

const hba = `local all all trust
host all all ${addresses.benign}/32 trust
host all app ${addresses.attacker}/32 trust
host all all ${addresses.attacker}/32 scram-sha-256
`;

export const startPostgres = async (victim: Netns, dir: string): Promise<void> => {
  const bin = postgresBin();
  if (bin === undefined) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/<major>/bin)');
  const data = join(dir, 'pg');
  mkdirSync(data, { recursive: true });
  // The postgres user must reach its data directory inside the test's private temporary directory.
  chmodSync(dir, 0o755);
  victim.exec('chown', ['-R', 'postgres:postgres', data]);
  const asPostgres = (command: string, args: string[]) =>
    victim.exec('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { timeoutMs: 60_000 });
  asPostgres('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync']);
  writeFileSync(join(data, 'pg_hba.conf'), hba);
  const listen = `${addresses.victim},${addresses.victimForBenign}`;
  victim.spawn('runuser', [
    '-u',
    'postgres',
    '--',
    join(bin, 'postgres'),
    '-D',
    data,
    '-h',
    listen,
    '-k',
    data,
  ]);
  await waitForListen(victim, 5432, 30_000);
  // Listening is not ready: until recovery ends, logins get "the database system is starting up" (seen once in CI).
  const ready = () => {
    try {
      asPostgres('pg_isready', ['-h', data, '-q']);
      return true;
    } catch {
      return false;
    }
  };
  await waitUntil(ready, 'PostgreSQL not accepting logins');
  // Over the Unix socket, which the capture does not see.
  asPostgres('psql', ['-h', data, '-U', 'postgres', '-c', 'CREATE ROLE app LOGIN']);
};
