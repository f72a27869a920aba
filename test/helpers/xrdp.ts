/** xrdp and FreeRDP's xfreerdp for rdp-real.test.ts: an ini of xrdp's own, an X display for xfreerdp, a run of it. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Netns } from './netns.ts';

/** xrdp's own ini, only what these runs need: no fork, logs in `dir`, the four usual channels allowed. */
export const xrdpIni = (port: number, layer: 'rdp' | 'negotiate', dir: string): string =>
  [
    '[Globals]',
    'ini_version=1',
    'fork=false',
    `port=${port}`,
    `security_layer=${layer}`,
    'crypt_level=high',
    `certificate=${join(dir, 'cert.pem')}`,
    `key_file=${join(dir, 'key.pem')}`,
    'ssl_protocols=TLSv1.2, TLSv1.3',
    'allow_channels=true',
    '[Logging]',
    `LogFile=${join(dir, `xrdp-${port}.log`)}`,
    'LogLevel=INFO',
    'EnableSyslog=false',
    '[Channels]',
    'rdpdr=true',
    'rdpsnd=true',
    'drdynvc=true',
    'cliprdr=true',
    '',
  ].join('\n');

/** Xvnc's socket for the display, once it listens (it is up long before: the Node clients ran meanwhile). */
export const displayReady = async (number: number): Promise<void> => {
  for (let i = 0; i < 100 && !existsSync(`/tmp/.X11-unix/X${number}`); i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
};

/** xfreerdp authenticating only (`alice`, a wrong password: the logon is xrdp's, after what is read here). */
export const freerdp = (ns: Netns, dir: string, display: string, sec: string, port: number): void => {
  try {
    execFileSync(
      'ip',
      [
        'netns',
        'exec',
        ns.name,
        'xfreerdp',
        `/v:127.0.0.1:${port}`,
        '/u:alice',
        '/p:wrong',
        `/sec:${sec}`,
      ].concat(['+auth-only', '/cert:ignore']),
      { env: { ...process.env, DISPLAY: display, HOME: dir }, timeout: 30_000, stdio: 'ignore' },
    );
  } catch {
    // auth-only exits 1 when the logon does not complete; the opening is on the wire either way.
  }
};
