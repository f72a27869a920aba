/**
 * VNC password guessing against a real server, side by side with nDPI: TigerVNC's Xvnc (VNC authentication, its
 * password file made by vncpasswd) and hydra's vnc module trying twelve wrong passwords and the right one, recorded
 * through the loopback relay on port 8080, where a port guess says HTTP.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  startDaemon,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { recordClient } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, recordAndInspect } from './recorded-sessions.ts';

const run = promisify(execFile);
const available = hasBinaries('/usr/bin/Xvnc', '/usr/bin/vncpasswd', '/usr/bin/hydra') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-vnc-'));
const password = 'hunter22';

/** A display number no X server holds. */
const freeDisplay = (): number => {
  for (let n = 40; n < 100; n++)
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  throw new Error('no free X display between :40 and :99');
};

describe.skipIf(!available)(
  `VNC password guessing with hydra against Xvnc, against nDPI${available ? '' : ' (skipped: apt-get install tigervnc-standalone-server tigervnc-tools hydra libndpi-bin)'}`,
  () => {
    let server: ReturnType<typeof startDaemon> | undefined;
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      const port = await freePort();
      const passwordFile = join(dir, 'passwd');
      writeFileSync(passwordFile, execFileSync('vncpasswd', ['-f'], { input: `${password}\n` }), {
        mode: 0o600,
      });
      server = startDaemon('Xvnc', [
        `:${freeDisplay()}`,
        '-rfbport',
        String(port),
        '-localhost',
        '-nolisten',
        'tcp',
        '-SecurityTypes',
        'VncAuth',
        '-PasswordFile',
        passwordFile,
        '-desktop',
        'payments-admin',
        // Xvnc blocks an address after five failures by default; hydra's thirteen tries are let through.
        '-BlacklistThreshold',
        '100',
      ]);
      await waitForPort(port);
      const list = join(dir, 'passwords.txt');
      writeFileSync(list, `${[...Array.from({ length: 12 }, (_, i) => `guess${i}`), password].join('\n')}\n`);
      const result = await recordAndInspect(
        [
          {
            name: 'hydra vnc',
            port: 8080,
            record: () =>
              recordClient(port, (recorderPort) =>
                run('hydra', ['-P', list, '-t', '1', '-s', String(recorderPort), '127.0.0.1', 'vnc'], {
                  timeout: 60_000,
                }).catch(() => undefined),
              ),
          },
        ],
        dir,
        'vnc.pcap',
      );
      ours = result.ours;
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 90_000);

    afterAll(async () => {
      await stopDaemon(server);
      rmSync(dir, { recursive: true, force: true });
    });

    it("labels every one of hydra's connections vnc on the HTTP port; nDPI names it VNC too", () => {
      const vncFlows = flows.filter((f) => f.server.port === 8080);
      expect(vncFlows.length).toBeGreaterThanOrEqual(13);
      expect(new Set(vncFlows.map((f) => f.protocol))).toEqual(new Set(['vnc']));
      expect(/\[proto: [\d.]+\/([\w.]+)\]/.exec(ndpiLineFor(ndpiLines, 8080))?.[1]).toBe('VNC');
      // hydra closes after the SecurityResult: no ClientInit, so no ServerInit (the unit tests read one).
      expect(vncFlows[0]?.l7?.operations).toEqual(['version', 'security-types', 'security']);
    });

    it('reports the guessing as db-auth-brute-force against the VNC server', () => {
      expect(
        ours.filter((f) => f.threat === 'db-auth-brute-force').map((f) => [f.server.port, f.evidence]),
      ).toEqual([[8080, expect.stringMatching(/^1[0-2] failed vnc logins within 60000 ms/)]]);
    });
  },
);
