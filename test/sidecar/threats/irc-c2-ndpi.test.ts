/**
 * An IRC bot's session, side by side with nDPI: Debian's ngircd on loopback, sic (a small IRC client) as the bot in
 * the pod, joining a channel where an operator (a raw socket here, connected straight to the server) gives it an
 * order. The bot's connection is recorded through the loopback relay into a pcap on port 443, where a port guess
 * says HTTPS; our engine and ndpiReader both read it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { ngircdConfig } from '#test/helpers/ngircd.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const available = hasBinaries('/usr/sbin/ngircd', '/usr/bin/sic') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-irc-'));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `text` has arrived on the socket. */
const seen = (socket: net.Socket, text: string): Promise<void> =>
  new Promise((resolve) => {
    let got = '';
    const onData = (data: Buffer) => {
      got += data.toString('latin1');
      if (got.includes(text)) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });

/** The bot (sic through the relay) joins #miners; the operator orders a scan there; the bot quits. */
const botSession = async (serverPort: number) => {
  const operator = net.connect(serverPort, '127.0.0.1');
  await once(operator, 'connect');
  const welcomed = seen(operator, ' 001 ');
  operator.write('NICK herder\r\nUSER herder 0 * :op\r\n');
  await welcomed;
  const joined = seen(operator, 'JOIN :#miners');
  operator.write('JOIN #miners\r\n');
  await joined;
  const recorder = await startRecorder(serverPort);
  const bot: ChildProcess = spawn('sic', ['-h', '127.0.0.1', '-p', String(recorder.port), '-n', 'kaiten42'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const botJoined = seen(operator, 'kaiten42');
  bot.stdin?.write(':j #miners\n');
  await botJoined;
  operator.write('PRIVMSG #miners :!scan 10.0.0.0/8 22\r\n');
  await wait(500);
  bot.stdin?.write('scanning\n');
  await wait(300);
  bot.kill('SIGTERM');
  await once(bot, 'exit');
  operator.end('QUIT :done\r\n');
  await recorder.close();
  return recorder.chunks;
};

describe.skipIf(!available)(
  `an IRC bot taking orders (ngircd, sic), against nDPI${available ? '' : ' (skipped: apt-get install ngircd sic libndpi-bin)'}`,
  () => {
    let server: ReturnType<typeof startDaemon> | undefined;
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      const port = await freePort();
      writeFileSync(join(dir, 'ngircd.conf'), ngircdConfig(port, dir));
      server = startDaemon('ngircd', ['-n', '-f', join(dir, 'ngircd.conf')]);
      await waitForPort(port);
      const sessions: RecordedSession[] = [
        { name: 'sic as a bot', port: 443, record: () => botSession(port) },
      ];
      const result = await recordAndInspect(sessions, dir, 'irc.pcap');
      ours = result.ours.filter((f) => f.threat === 'irc-c2');
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 60_000);

    afterAll(async () => {
      await stopDaemon(server);
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels the bot session irc on the HTTPS port, as nDPI does', () => {
      expect(flows.filter((f) => f.server.port === 443).map((f) => f.protocol)).toEqual(['irc']);
      expect(/\[proto: [\d.]+\/([\w.]+)\]/.exec(ndpiLineFor(ndpiLines, 443))?.[1]).toBe('IRC');
      expect(flows.find((f) => f.server.port === 443)?.l7?.operations).toEqual(
        expect.arrayContaining(['NICK', 'USER', 'welcome', 'JOIN', 'PRIVMSG']),
      );
    });

    it('reports one finding for the session, its story the order the bot was given', () => {
      expect(ours.map((f) => [f.severity, f.evidence])).toEqual([
        ['high', 'an IRC bot given an order in #miners: herder said !scan 10.0.0.0/8 22'],
      ]);
    });
  },
);
