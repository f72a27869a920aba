/**
 * Credentials in the clear from real clients, side by side with nDPI's "Clear-Text Credentials" risk: node's HTTP
 * client with and without Basic credentials, curl posting a login form, and Python's smtplib logging in with AUTH
 * PLAIN (and one session that only sends mail) to a small ESMTP responder. Recorded through the loopback relay into one pcap that our engine and
 * Debian's ndpiReader both read; every flow must get the same verdict from both.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { ndpiAvailable, ndpiSkipNote } from '#test/helpers/ndpi-reader.ts';
import { type RecordedChunk, startRecorder } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'meshward-cleartext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const httpGet = async (auth?: string): Promise<RecordedChunk[]> => {
  const server = http.createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  await new Promise<void>((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port: recorder.port,
      path: '/reports',
      agent: false,
      ...(auth ? { auth } : {}),
    };
    http.get(options, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  await recorder.close();
  server.close();
  return recorder.chunks;
};

/** The reply to one command line of a session not inside DATA. */
const smtpReply = (line: string): string => {
  const verb = line.split(' ')[0]?.toUpperCase();
  if (verb === 'EHLO') return '250-mail.shop.local\r\n250 AUTH PLAIN LOGIN\r\n';
  if (verb === 'AUTH') return '235 2.7.0 Authentication successful\r\n';
  if (verb === 'DATA') return '354 go ahead\r\n';
  return verb === 'QUIT' ? '221 bye\r\n' : '250 ok\r\n';
};

/** Just enough ESMTP (RFC 5321, RFC 4954) for smtplib: greeting, EHLO offering AUTH PLAIN, then 235/250s. */
const smtpResponder = () =>
  net.createServer((socket) => {
    socket.write('220 mail.shop.local ESMTP\r\n');
    let buffered = '';
    let inData = false;
    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') socket.write('250 queued\r\n');
        inData = line !== '.';
        return;
      }
      const reply = smtpReply(line);
      inData = reply.startsWith('354');
      if (reply.startsWith('221')) socket.end(reply);
      else socket.write(reply);
    };
    socket.on('data', (data: Buffer) => {
      buffered += data.toString('latin1');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    socket.on('error', () => socket.destroy());
  });

const smtplib = async (login: boolean): Promise<RecordedChunk[]> => {
  const server = smtpResponder();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  const script = [
    'import smtplib, sys',
    's = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)',
    's.ehlo("app.shop.local")',
    ...(login ? ['s.login("alice", "Tr0ub4dor&3")'] : []),
    's.sendmail("app@shop.local", ["ops@shop.local"], "Subject: report\\r\\n\\r\\nnightly report\\r\\n")',
    's.quit()',
  ].join('\n');
  // Asynchronously: the responder and the relay run in this process.
  await run('python3', ['-c', script, String(recorder.port)], { timeout: 20_000 });
  await recorder.close();
  server.close();
  return recorder.chunks;
};

/** curl posting a login form (application/x-www-form-urlencoded) to a plain HTTP server. */
const curlFormLogin = async (): Promise<RecordedChunk[]> => {
  const server = http.createServer((req, res) => req.resume().on('end', () => res.end('welcome')));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  const url = `http://127.0.0.1:${recorder.port}/login`;
  await run('curl', ['-sS', '-o', '/dev/null', '--data', 'username=alice&password=Tr0ub4dor%263', url], {
    timeout: 20_000,
  });
  await recorder.close();
  server.close();
  return recorder.chunks;
};

const sessions: RecordedSession[] = [
  { name: 'HTTP GET with Basic credentials', port: 80, record: () => httpGet('alice:Tr0ub4dor&3') },
  { name: 'HTTP GET without credentials', port: 8080, record: () => httpGet() },
  { name: 'smtplib login (AUTH PLAIN) and send', port: 25, record: () => smtplib(true) },
  { name: 'smtplib send without login', port: 2525, record: () => smtplib(false) },
  { name: 'curl posting a login form', port: 8081, record: curlFormLogin },
];

describe.skipIf(!ndpiAvailable())(
  `credentials in the clear from real clients, against nDPI${ndpiSkipNote()}`,
  () => {
    let ours: ThreatFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      const recorded = await recordAndInspect(sessions, dir, 'cleartext.pcap');
      ours = recorded.ours.filter((f) => f.threat === 'cleartext-credentials');
      ndpiLines = recorded.ndpiLines;
    }, 60_000);

    it('gives every flow the verdict nDPI gives it, and also reports the login form nDPI misses', () => {
      const rows = sessions.map((s) => [
        s.name,
        ours.some((f) => f.server.port === s.port),
        ndpiLineFor(ndpiLines, s.port).includes('Clear-Text Credentials'),
      ]);
      expect(rows).toEqual([
        ['HTTP GET with Basic credentials', true, true],
        ['HTTP GET without credentials', false, false],
        ['smtplib login (AUTH PLAIN) and send', true, true],
        ['smtplib send without login', false, false],
        // nDPI 4.2 reads HTTP credentials from the Authorization header only.
        ['curl posting a login form', true, false],
      ]);
    });

    it('names the scheme and the user, never the password', () => {
      expect(ours.map((f) => f.evidence)).toEqual([
        'HTTP Basic (Authorization header): the password of user alice sent unencrypted',
        'SMTP AUTH PLAIN before STARTTLS sent unencrypted',
        'a password in an HTTP request field (form password) of user alice sent unencrypted',
      ]);
      expect(ours.map((f) => f.evidence).join(' ')).not.toContain('Tr0ub4dor');
    });
  },
);
