/**
 * Mail and FTP turning to TLS part way, for real: Dovecot with a certificate (IMAP and SMTP submission offer STARTTLS,
 * POP3 offers STLS) and vsftpd with `ssl_enable` (AUTH TLS) in a "server" namespace on ports of other protocols, and
 * curl with `--ssl-reqd` in a "client" namespace reading the mailbox, listing POP3 mail, sending a message and
 * fetching a file. Captured with tcpdump as the tap captures, read by our engine and, side by side, by ndpiReader.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { startVsftpd } from '#test/fixtures/protocols/live-servers.ts';
import { startDovecot } from '#test/helpers/dovecot.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { ndpiAvailable, ndpiReport } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { smtpSink } from '#test/helpers/smtp-sink.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'curl', 'openssl', 'python3', '/usr/sbin/dovecot', '/usr/sbin/vsftpd']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const server = '10.48.0.1';
/** IMAP on PostgreSQL's port, POP3 on MySQL's, submission on the Kubernetes API's, FTP on SQL Server's. */
const ports = { imap: 5432, pop3: 3306, smtp: 6443, ftp: 1433 };

const relayPort = 10025;

describe.skipIf(unavailable !== undefined)(
  `IMAP STARTTLS, POP3 STLS, SMTP STARTTLS (Dovecot) and FTP AUTH TLS (vsftpd) with curl, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-starttls-'));
    let flows: FlowFinding[] = [];
    let ndpiText = '';
    const answers: Record<string, string> = {};

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mws', server, client: '10.48.0.2' });
      const key = join(dir, 'mail.key');
      const cert = join(dir, 'mail.crt');
      execFileSync('openssl', selfSignedCertArgs(key, cert, 'mail.shop.test'), { stdio: 'ignore' });
      chmodSync(key, 0o600);
      lab.serverNs.spawn('python3', [smtpSink, '127.0.0.1', String(relayPort)]);
      await waitForListen(lab.serverNs, relayPort);
      // Dovecot reads the mail as nobody, through dir (mkdtemp makes it 0700).
      chmodSync(dir, 0o755);
      const mailDir = join(dir, 'dovecot');
      execFileSync('mkdir', ['-p', mailDir]);
      await startDovecot(lab.serverNs, mailDir, {
        listen: server,
        imapPort: ports.imap,
        pop3Port: ports.pop3,
        password: 's3cret',
        mail: { alice: ['From: a@shop.test\r\nSubject: hello\r\n\r\nhi\r\n'] },
        failedLoginDelays: false,
        submission: { port: ports.smtp, relay: { host: '127.0.0.1', port: relayPort } },
        tls: { cert, key },
      });
      await startVsftpd(lab.serverNs, dir, {
        address: server,
        port: ports.ftp,
        files: { 'invoice.txt': 'invoice 42\n' },
        tls: { cert, key },
      });
      const pcap = join(dir, 'starttls.pcap');
      const stop = await lab.capture(pcap, 'tcp', lab.serverDev);
      const curl = (name: string, args: string[]) => {
        answers[name] =
          lab?.clientNs.exec('curl', ['-sS', '--ssl-reqd', '-k', '--max-time', '20', ...args]) ?? '';
      };
      curl('imap', ['-u', 'alice:s3cret', `imap://${server}:${ports.imap}/INBOX?ALL`]);
      curl('pop3', ['-u', 'alice:s3cret', `pop3://${server}:${ports.pop3}/`]);
      const mail = join(dir, 'mail.txt');
      writeFileSync(mail, 'From: app@shop.test\r\nTo: ops@shop.test\r\nSubject: order 42\r\n\r\nshipped\r\n');
      curl('smtp', [
        ...['--url', `smtp://${server}:${ports.smtp}/shop.test`, '--mail-from', 'app@shop.test'],
        ...['--mail-rcpt', 'ops@shop.test', '-u', 'alice:s3cret', '--upload-file', mail],
      ]);
      curl('ftp', [`ftp://${server}:${ports.ftp}/invoice.txt`]);
      await stop();
      const { findings } = await inspectFile(pcap);
      flows = splitFindings(findings).flows;
      ndpiText = ndpiReport(pcap);
    }, 120_000);

    const flowOn = (port: number) => flows.find((f) => f.server.port === port);

    it('curl did its work over TLS: the mailbox searched, the POP3 listing read, the mail sent, the file fetched', () => {
      expect(answers.imap).toMatch(/SEARCH/);
      expect(answers.pop3).toMatch(/^1 \d+/m);
      expect(answers.ftp).toBe('invoice 42\n');
    });

    it('each flow keeps its protocol, is encrypted, and has the TLS the client negotiated after the switch', () => {
      for (const [name, port] of Object.entries(ports)) {
        const flow = flowOn(port);
        expect(flow, name).toMatchObject({
          protocol: name,
          encrypted: true,
          l7: {
            tls: { version: expect.stringMatching(/^TLS1\.[23]$/), ja4: expect.stringMatching(/^t1[23]/) },
          },
        });
        // What was said in the clear before the switch is still read.
        expect(flow?.l7?.operations?.length ?? 0, name).toBeGreaterThan(0);
      }
    });

    it('nDPI 4.2: IMAP after STARTTLS is IMAPS, encrypted; it calls the SMTP and FTP clear text and the POP3 MySQL by port', () => {
      const line = (port: number) => ndpiText.split('\n').find((l) => l.includes(`${server}:${port} `)) ?? '';
      const facts = (port: number) =>
        /\[proto: [\d.]+\/(\w+)\]\[(\w+)\]\[Confidence: ([\w ]+)\]/.exec(line(port))?.slice(1);
      expect(facts(ports.imap)).toEqual(['IMAPS', 'Encrypted', 'DPI']);
      expect(facts(ports.smtp)).toEqual(['SMTP', 'ClearText', 'DPI']);
      expect(facts(ports.pop3)).toEqual(['MySQL', 'ClearText', 'Match by port']);
      expect(facts(ports.ftp)).toEqual(['FTP_CONTROL', 'ClearText', 'DPI']);
    });
  },
);
