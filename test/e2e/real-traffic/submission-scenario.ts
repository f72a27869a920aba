/**
 * Dovecot's SMTP submission service on the Kubernetes API port, relaying to Python's stdlib SMTP sink, and curl
 * sending one mail after AUTH LOGIN: the commands after the base64 answers (MAIL, RCPT, DATA) must still be read.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot } from '#test/helpers/dovecot.ts';
import { waitForListen } from '#test/helpers/netns.ts';
import { smtpSink } from '#test/helpers/smtp-sink.ts';
import type { Scenario } from './scenario.ts';

const port = 6443;
/** Postfix's customary content-filter port; no scenario asserts on it (the relay hop is SMTP on its usual port). */
const relayPort = 10025;

const message =
  'From: app@shop.test\r\nTo: ops@shop.test\r\nSubject: order 42\r\n\r\nOrder 42 has shipped.\r\n';

export const submissionScenario: Scenario = {
  name: 'Dovecot submission (SMTP AUTH LOGIN) on the Kubernetes API port',
  protocol: 'smtp',
  transport: 'tcp',
  port,
  portBelongsTo: 'kubernetes-api',
  commands: ['/usr/sbin/dovecot', 'curl', 'python3'],
  operations: ['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'QUIT'],
  async start(ns, dir) {
    // A Dovecot of its own, as the POP3 scenario's owns dir's config, run and state directories. After login the
    // submission process, as nobody, changes into the user's home under dir, which mkdtemp made 0700.
    const own = join(dir, 'submission');
    mkdirSync(own, { recursive: true });
    chmodSync(dir, 0o755);
    // Our own sink (Python's smtpd module is gone in 3.12).
    ns.spawn('python3', [smtpSink, '127.0.0.1', String(relayPort)]);
    await waitForListen(ns, relayPort);
    await startDovecot(ns, own, {
      listen: '127.0.0.1',
      password: 's3cret',
      mail: {},
      submission: { port, relay: { host: '127.0.0.1', port: relayPort } },
    });
  },
  client(ns, dir) {
    const file = join(dir, 'submission-mail.txt');
    writeFileSync(file, message);
    // Dovecot offers AUTH LOGIN alone, so curl answers its two 334 challenges (user, then password) in base64.
    // The URL's path is the EHLO domain (curl would otherwise send the upload's file name).
    ns.exec('curl', [
      '-sS',
      '--url',
      `smtp://127.0.0.1:${port}/shop.test`,
      '--mail-from',
      'app@shop.test',
      '--mail-rcpt',
      'ops@shop.test',
      '--user',
      'alice:s3cret',
      '--upload-file',
      file,
    ]);
  },
};
