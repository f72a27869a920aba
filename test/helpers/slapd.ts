/** A real OpenLDAP server (Debian's slapd) on its own config file: one MDB database with a root DN and password. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const slapdBinary = '/usr/sbin/slapd';
export const slapdSuffix = 'dc=shop,dc=test';
export const slapdAdmin = `cn=admin,${slapdSuffix}`;

/** slapd.conf (the old static format, which `slapd -f` still reads), its database under dir. */
const config = (dir: string, password: string) => `include /etc/ldap/schema/core.schema
pidfile ${dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "${slapdSuffix}"
rootdn "${slapdAdmin}"
rootpw ${password}
directory ${dir}/slapd-db
`;

/**
 * Writes the config and returns slapd's arguments: `-d 0` keeps it in the foreground (the caller stops it), `-h` has it
 * listen on that URL only.
 */
export const slapdArgs = (dir: string, url: string, password: string): string[] => {
  mkdirSync(join(dir, 'slapd-db'), { recursive: true });
  writeFileSync(join(dir, 'slapd.conf'), config(dir, password));
  return ['-d', '0', '-f', join(dir, 'slapd.conf'), '-h', url];
};
