/**
 * Passwords in the clear from Python's own FTP, POP3 and IMAP clients (ftplib, poplib, imaplib), side by side with
 * nDPI's "Clear-Text Credentials" risk, plus the sessions that must not be reported: an anonymous FTP login (its
 * "password" is an e-mail address, RFC 1635) and an APOP login (a digest, not the password). Small responders speak
 * just enough of each protocol; recorded through the loopback relay into one pcap both engines read.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
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
const dir = mkdtempSync(join(tmpdir(), 'meshward-cleartext-mail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines after which the responders close: QUIT (FTP, POP3), LOGOUT (IMAP, after its tag). */
const closing = /^(QUIT|\S+ LOGOUT)$/i;

/** A server that greets, then answers each CRLF line, and closes after answering QUIT or LOGOUT. */
const lineServer = (greeting: string, reply: (line: string) => string) =>
  net.createServer((socket) => {
    socket.write(greeting);
    let buffered = '';
    socket.on('data', (data: Buffer) => {
      buffered += data.toString('latin1');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (closing.test(line)) socket.end(reply(line));
        else socket.write(reply(line));
      }
    });
    socket.on('error', () => socket.destroy());
  });

const ftpReply = (line: string): string => {
  const verb = line.split(' ')[0]?.toUpperCase();
  if (verb === 'USER') return '331 Please specify the password.\r\n';
  if (verb === 'PASS') return '230 Login successful.\r\n';
  return verb === 'QUIT' ? '221 Goodbye.\r\n' : '257 "/" is the current directory\r\n';
};

const pop3Reply = (line: string): string => {
  const verb = line.split(' ')[0]?.toUpperCase();
  if (verb === 'STAT') return '+OK 0 0\r\n';
  return verb === 'QUIT' ? '+OK bye\r\n' : '+OK\r\n';
};

/** imaplib asks for CAPABILITY first, then LOGIN, then LOGOUT (RFC 9051 answers, tagged). */
const imapReply = (line: string): string => {
  const [tag, command] = line.split(' ');
  const name = command?.toUpperCase();
  if (name === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`;
  if (name === 'LOGOUT') return `* BYE logging out\r\n${tag} OK done\r\n`;
  return `${tag} OK done\r\n`;
};

/** Runs a Python client (its port is argv[1]) against a responder through the recording relay. */
const python = async (server: net.Server, script: string[]): Promise<RecordedChunk[]> => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  // Asynchronously: the responder and the relay run in this process.
  await run('python3', ['-c', ['import sys', ...script].join('\n'), String(recorder.port)], {
    timeout: 20_000,
  });
  await recorder.close();
  server.close();
  return recorder.chunks;
};

const ftpLogin = (user?: string) =>
  python(lineServer('220 (vsFTPd 3.0.3)\r\n', ftpReply), [
    'import ftplib',
    'f = ftplib.FTP()',
    'f.connect("127.0.0.1", int(sys.argv[1]), timeout=10)',
    user === undefined ? 'f.login()' : `f.login("${user}", "Tr0ub4dor&3")`,
    'f.pwd()',
    'f.quit()',
  ]);

const pop3Login = (apop: boolean) =>
  python(lineServer('+OK POP3 ready <1896.697170952@mail.shop.local>\r\n', pop3Reply), [
    'import poplib',
    'p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)',
    ...(apop ? ['p.apop("alice", "Tr0ub4dor&3")'] : ['p.user("alice")', 'p.pass_("Tr0ub4dor&3")']),
    'p.stat()',
    'p.quit()',
  ]);

const imapLogin = () =>
  python(lineServer('* OK IMAP4rev1 ready\r\n', imapReply), [
    'import imaplib',
    'm = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))',
    'm.login("alice", "Tr0ub4dor&3")',
    'm.logout()',
  ]);

const sessions: RecordedSession[] = [
  { name: 'ftplib login as alice', port: 21, record: () => ftpLogin('alice') },
  { name: 'ftplib anonymous login', port: 2121, record: () => ftpLogin() },
  { name: 'poplib USER/PASS', port: 110, record: () => pop3Login(false) },
  { name: 'poplib APOP', port: 1110, record: () => pop3Login(true) },
  { name: 'imaplib LOGIN', port: 143, record: () => imapLogin() },
];

describe.skipIf(!ndpiAvailable())(
  `FTP, POP3 and IMAP passwords in the clear from real clients, against nDPI${ndpiSkipNote()}`,
  () => {
    let ours: ThreatFinding[] = [];
    let ndpiLines: string[] = [];
    const labels = new Map<number, string>();

    beforeAll(async () => {
      const recorded = await recordAndInspect(sessions, dir, 'cleartext-mail.pcap');
      ours = recorded.ours.filter((f) => f.threat === 'cleartext-credentials');
      for (const f of recorded.flows) labels.set(f.server.port, f.protocol);
      ndpiLines = recorded.ndpiLines;
    }, 60_000);

    it('identifies every session, including the APOP one nDPI leaves unknown', () => {
      const ndpi = sessions.map(
        (s) => /\[proto: [\d.]+\/([\w.]+)\]/.exec(ndpiLineFor(ndpiLines, s.port))?.[1],
      );
      // nDPI 4.2 looks for USER/PASS-shaped POP3 commands and +OK answers to them; APOP and STAT alone it misses.
      expect(ndpi).toEqual(['FTP_CONTROL', 'FTP_CONTROL', 'POP3', 'Unknown', 'IMAP']);
      expect(sessions.map((s) => labels.get(s.port))).toEqual(['ftp', 'ftp', 'pop3', 'pop3', 'imap']);
    });

    it('reports the sessions that send a password; nDPI also reports the anonymous FTP login', () => {
      const rows = sessions.map((s) => [
        s.name,
        ours.some((f) => f.server.port === s.port),
        ndpiLineFor(ndpiLines, s.port).includes('Clear-Text Credentials'),
      ]);
      // Anonymous FTP's "password" is an e-mail address by convention (RFC 1635): nothing to protect, so not reported.
      expect(rows).toEqual([
        ['ftplib login as alice', true, true],
        ['ftplib anonymous login', false, true],
        ['poplib USER/PASS', true, true],
        ['poplib APOP', false, false],
        ['imaplib LOGIN', true, true],
      ]);
    });

    it('names the protocol and the user, never the password', () => {
      expect(ours.map((f) => f.evidence)).toEqual([
        'the FTP password (PASS) of user alice sent unencrypted',
        'the POP3 password (PASS) of user alice sent unencrypted',
        'the IMAP password (LOGIN) of user alice sent unencrypted',
      ]);
      expect(ours.map((f) => f.evidence).join(' ')).not.toContain('Tr0ub4dor');
    });
  },
);
