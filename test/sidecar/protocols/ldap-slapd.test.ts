/**
 * LDAP against a real OpenLDAP server (Debian's slapd, started on its own config file) and real clients (ldap-utils'
 * ldapwhoami and ldapsearch) through a recording proxy on loopback: binds refused and accepted become login outcomes,
 * the bind password never leaves the parser, and the whole engine labels every connection ldap.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAuthEvent } from '#sidecar/events.ts';
import { ldap } from '#sidecar/protocols/ldap.ts';
import {
  freePort,
  hasBinaries,
  type RecordingProxy,
  run,
  startDaemon,
  startRecordingProxy,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { engineLabel, feed } from '#test/fixtures/protocols/protocol-harness.ts';
import { slapdAdmin, slapdArgs, slapdBinary } from '#test/helpers/slapd.ts';
import { eventLines } from './event-lines.ts';

const clients = ['/usr/bin/ldapwhoami', '/usr/bin/ldapsearch'];
const available = hasBinaries(slapdBinary, ...clients, '/etc/ldap/schema/core.schema');
const admin = slapdAdmin;

describe.skipIf(!available)(
  `ldap against a real slapd and ldap-utils${available ? '' : ' (skipped: apt-get install slapd ldap-utils)'}`,
  () => {
    let server: ChildProcess | undefined;
    let proxy: RecordingProxy | undefined;
    let dir = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshward-slapd-'));
      const port = await freePort();
      server = startDaemon(slapdBinary, slapdArgs(dir, `ldap://127.0.0.1:${port}/`, 'hunter2-admin'));
      await waitForPort(port);
      proxy = await startRecordingProxy(port);
    }, 30_000);

    afterAll(async () => {
      await proxy?.close();
      await stopDaemon(server);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('reads a refused and an accepted simple bind as login outcomes, never the password', async () => {
      const url = `ldap://127.0.0.1:${proxy?.port}`;
      const refused = await run('/usr/bin/ldapwhoami', [
        '-x',
        '-H',
        url,
        '-D',
        admin,
        '-w',
        'not-the-password',
      ]);
      expect(refused.stderr).toContain('Invalid credentials (49)');
      const accepted = await run('/usr/bin/ldapsearch', [
        '-x',
        '-H',
        url,
        '-D',
        admin,
        '-w',
        'hunter2-admin',
        '-b',
        'dc=shop,dc=test',
        '-s',
        'base',
      ]);
      expect(accepted.code).toBe(32); // noSuchObject: the database is empty, but the bind worked
      const [first = [], second = []] = proxy?.connections ?? [];
      const logins = (segments: typeof first) =>
        (feed(ldap, segments) as DbAuthEvent[]).filter((e) => e.kind === 'db-auth');
      expect(eventLines(logins(first))).toEqual([`S login refused ${admin}`]);
      expect(eventLines(logins(second))).toEqual([`S login ok ${admin}`]);
      expect(eventLines(feed(ldap, second))).toContain('C searchRequest base=dc=shop,dc=test');
      expect(JSON.stringify([feed(ldap, first), feed(ldap, second)])).not.toMatch(/hunter2|not-the-password/);
      expect([engineLabel(first), engineLabel(second)]).toEqual(['ldap', 'ldap']);
    });
  },
);
