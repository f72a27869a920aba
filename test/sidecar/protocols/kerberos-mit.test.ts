/**
 * Kerberos against a real MIT KDC (Debian's krb5kdc on its own config files) and the real kinit, over TCP through a
 * recording proxy on loopback: a wrong password is refused by the KDC (PREAUTH_FAILED) and a right one gets an
 * AS-REP, each after the usual PREAUTH_REQUIRED first round; the right password with a clock an hour off (Impacket's
 * getKerberosTGT, its clock shifted) is refused with KRB_AP_ERR_SKEW and told as no login; the password never leaves
 * the parser, and the whole engine labels every connection kerberos.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent } from '#sidecar/events.ts';
import { kerberos } from '#sidecar/protocols/kerberos.ts';
import { asrepRoasting } from '#sidecar/threats/asrep-roasting.ts';
import { kerberoasting } from '#sidecar/threats/kerberoasting.ts';
import {
  freePort,
  hasBinaries,
  type RecordingProxy,
  run,
  startRecordingProxy,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { engineLabel, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  createMitKdc,
  kdcPassword,
  kdcUser,
  kinit,
  kvno,
  mitKdcBinaries,
  startMitKdc,
} from '#test/helpers/mit-kdc.ts';
import { flow, runThreat } from '../threats/threat-factories.ts';
import { eventLines } from './event-lines.ts';

const available = hasBinaries(...mitKdcBinaries);
/** Debian's python3-impacket, for a login with a skewed clock (kinit has no way to shift its clock). */
const impacket = existsSync('/usr/lib/python3/dist-packages/impacket/krb5/kerberosv5.py');
const wrongPassword = 'not-the-password';
const services = Array.from({ length: 9 }, (_, i) => `HTTP/web${i}.shop.test`);
const openUsers = ['svc-backup', 'svc-print', 'legacy-app'];
// MIT 1.20 kinit asks for its default encryption types, AES first and RC4 (23) among them.
const asReq = `C AS-REQ client=${kdcUser} service=krbtgt/SHOP.TEST etypes=18,17,20,19,16,23,25,26`;
const preauthRequired = 'S KRB-ERROR error=25 KDC_ERR_PREAUTH_REQUIRED';

const operations = (segments: readonly Segment[]) =>
  eventLines(feed(kerberos, segments).filter((e) => (e as { kind: string }).kind === 'operation'));
const logins = (connections: readonly Segment[][]) =>
  connections.flatMap((c) => feed(kerberos, c) as DbAuthEvent[]).filter((e) => e.kind === 'db-auth');

describe.skipIf(!available)(
  `kerberos against a real MIT KDC and kinit${available ? '' : ' (skipped: apt-get install krb5-kdc krb5-admin-server krb5-user)'}`,
  () => {
    let server: ChildProcess | undefined;
    let proxy: RecordingProxy | undefined;
    let dir = '';
    /** The connections each kinit opened: the AS-REQ without pre-authentication, then the one with PA-ENC-TIMESTAMP. */
    let refused: Segment[][] = [];
    let accepted: Segment[][] = [];
    /** kvno's connections: one TGS-REQ per service (what a Kerberoasting tool does for every SPN it finds). */
    let roasted: Segment[][] = [];
    /** kinit for three users without pre-authentication: each AS-REQ is answered at once with an AS-REP. */
    let unprotected: Segment[][] = [];
    /** Impacket asking for alice's TGT with the right password and a clock an hour ahead. */
    let skewed: Segment[][] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshward-kdc-'));
      const kdcPort = await freePort();
      proxy = await startRecordingProxy(kdcPort);
      const kdc = await createMitKdc(dir, kdcPort, proxy.port, services, openUsers);
      server = startMitKdc(kdc);
      await waitForPort(kdcPort);
      const wrong = await kinit(kdc, wrongPassword);
      expect(wrong.stderr).toContain('Password incorrect');
      refused = [...proxy.connections];
      const right = await kinit(kdc, kdcPassword);
      expect(right).toEqual({ code: 0, stderr: '' });
      accepted = proxy.connections.slice(refused.length);
      expect((await kvno(kdc, services)).code).toBe(0);
      roasted = proxy.connections.slice(refused.length + accepted.length);
      const before = proxy.connections.length;
      for (const user of openUsers) expect((await kinit(kdc, kdcPassword, `${user}@SHOP.TEST`)).code).toBe(0);
      unprotected = proxy.connections.slice(before);
      if (impacket) {
        const start = proxy.connections.length;
        const skewedTgt = fileURLToPath(new URL('../../helpers/kerberos-skewed-tgt.py', import.meta.url));
        const args = [skewedTgt, String(proxy.port), '3600', 'alice', kdcPassword, 'SHOP.TEST'];
        // The right password, an hour ahead of the KDC's clock (5 minutes are allowed).
        const answer = await run('/usr/bin/python3', args);
        expect(answer.stdout.trim(), answer.stderr).toBe('37');
        skewed = proxy.connections.slice(start);
      }
    }, 30_000);

    afterAll(async () => {
      await proxy?.close();
      await stopDaemon(server);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('reads each round of a refused and an accepted kinit as requests and replies', () => {
      expect(refused.map(operations)).toEqual([
        [asReq, preauthRequired],
        [asReq, 'S KRB-ERROR error=24 KDC_ERR_PREAUTH_FAILED'],
      ]);
      expect(accepted.map(operations)).toEqual([
        [asReq, preauthRequired],
        [asReq, expect.stringMatching(/^S AS-REP\b/)],
      ]);
    });

    it('reports one refused and one accepted login, not the PREAUTH_REQUIRED rounds', () => {
      expect(eventLines(logins(refused))).toEqual([`S login refused ${kdcUser}`]);
      expect(eventLines(logins(accepted))).toEqual([`S login ok ${kdcUser}`]);
      expect([...logins(refused), ...logins(accepted)].map((e) => e.dialect)).toEqual([
        'kerberos',
        'kerberos',
      ]);
    });

    it.skipIf(!impacket)(
      'tells no refused login when the KDC refuses a right password for a clock an hour off (SKEW)',
      () => {
        expect(skewed.map(operations)).toEqual([
          ['C AS-REQ client=alice@SHOP.TEST service=krbtgt/SHOP.TEST etypes=18', preauthRequired],
          [
            'C AS-REQ client=alice@SHOP.TEST service=krbtgt/SHOP.TEST etypes=18',
            'S KRB-ERROR error=37 KRB_AP_ERR_SKEW',
          ],
        ]);
        expect(logins(skewed)).toEqual([]);
      },
    );

    it('reads kvno asking for nine service tickets as TGS requests that kerberoasting reports', () => {
      const requests = roasted
        .flatMap((c) => feed(kerberos, c) as OperationEvent[])
        .filter((e) => e.kind === 'operation' && e.operation === 'TGS-REQ');
      expect(requests.map((e) => /service=(\S+)/.exec(e.detail ?? '')?.[1])).toEqual(services);
      const hits = runThreat(kerberoasting, requests, { flow: flow({ protocol: 'kerberos' }) });
      expect(hits[0]?.evidence).toMatch(
        /^service tickets for 8 distinct services within 60000 ms \(HTTP\/web0/,
      );
      expect(hits[0]?.evidence).toContain('RC4 (etype 23) asked for');
    });

    it('reads AS-REPs given without pre-authentication as such, and asrep-roasting reports three accounts', () => {
      const replies = unprotected
        .flatMap((c) => feed(kerberos, c) as OperationEvent[])
        .filter((e) => e.kind === 'operation' && e.operation === 'AS-REP');
      expect(replies.map((e) => e.detail)).toEqual(
        openUsers.map((u) => `client=${u}@SHOP.TEST without-preauth`),
      );
      const hits = runThreat(asrepRoasting, replies, { flow: flow({ protocol: 'kerberos' }) });
      expect(hits[0]?.evidence).toMatch(/^AS-REPs without pre-authentication for 3 accounts/);
    });

    it('never carries a password in its events, and the engine labels every connection kerberos', () => {
      const events = [...refused, ...accepted].map((c) => feed(kerberos, c));
      expect(JSON.stringify(events)).not.toContain(wrongPassword);
      expect(JSON.stringify(events)).not.toContain(kdcPassword);
      expect([...refused, ...accepted].map(engineLabel)).toEqual([
        'kerberos',
        'kerberos',
        'kerberos',
        'kerberos',
      ]);
    });
  },
);
