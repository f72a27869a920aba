/**
 * FTP (vsftpd), POP3 and IMAP (one Dovecot) on ports that belong to other protocols, each driven by curl.
 * The servers run in the foreground on config files written into the capture's dir, never the packages' own.
 */
import { readFileSync } from 'node:fs';
import { startVsftpd } from '#test/fixtures/protocols/live-servers.ts';
import { startDovecot } from '#test/helpers/dovecot.ts';
import { waitForListen } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const ftpPort = 25;
const pop3Port = 389;
const imapPort = 9042;

const message =
  'From: bob@shop.test\r\nTo: alice@shop.test\r\nSubject: order 42\r\n\r\nYour socks have shipped.\r\n';

export const mailFtpScenarios: Scenario[] = [
  {
    name: 'vsftpd on the SMTP port',
    protocol: 'ftp',
    transport: 'tcp',
    port: ftpPort,
    portBelongsTo: 'smtp',
    commands: ['/usr/sbin/vsftpd', 'curl'],
    operations: ['USER', 'PASS', 'RETR'],
    async start(ns, dir) {
      await startVsftpd(ns, dir, {
        address: '127.0.0.1',
        port: ftpPort,
        files: {
          'file.txt': 'invoice 42\n',
          // Executables for executable-download (real-traffic.test.ts): a real ELF program and a short script.
          agent: readFileSync('/usr/bin/true'),
          'setup.sh': '#!/bin/sh\necho installing\n',
        },
      });
    },
    client(ns) {
      // Passive mode: each file comes over a second connection, to a port in 40000-40009.
      ns.exec('curl', ['-sS', '-o', '/dev/null', `ftp://127.0.0.1:${ftpPort}/file.txt`]);
      ns.exec('curl', ['-sS', '-o', '/dev/null', `ftp://127.0.0.1:${ftpPort}/setup.sh`]);
      // Active mode (EPRT): vsftpd connects back to the port curl listens on.
      ns.exec('curl', [
        '-sS',
        '-o',
        '/dev/null',
        '--ftp-port',
        '127.0.0.1',
        `ftp://127.0.0.1:${ftpPort}/agent`,
      ]);
    },
  },
  {
    name: 'Dovecot POP3 on the LDAP port',
    protocol: 'pop3',
    transport: 'tcp',
    port: pop3Port,
    portBelongsTo: 'ldap',
    commands: ['/usr/sbin/dovecot', 'curl'],
    // Dovecot's CAPA offers "SASL PLAIN", which curl prefers to USER/PASS: it logs in with AUTH PLAIN.
    operations: ['AUTH', 'RETR'],
    start: (ns, dir) =>
      startDovecot(ns, dir, {
        listen: '127.0.0.1',
        pop3Port,
        imapPort,
        password: 's3cret',
        mail: { alice: [message] },
      }),
    client(ns) {
      ns.exec('curl', ['-sS', '-o', '/dev/null', `pop3://alice:s3cret@127.0.0.1:${pop3Port}/1`]);
    },
  },
  {
    name: 'Dovecot IMAP on the Cassandra port',
    protocol: 'imap',
    transport: 'tcp',
    port: imapPort,
    portBelongsTo: 'cassandra',
    commands: ['/usr/sbin/dovecot', 'curl'],
    // The greeting advertises AUTH=PLAIN and SASL-IR, so curl sends AUTHENTICATE PLAIN <credentials>, not LOGIN.
    operations: ['AUTHENTICATE', 'SELECT'],
    async start(ns) {
      // the POP3 scenario's Dovecot also listens for IMAP
      await waitForListen(ns, imapPort);
    },
    client(ns) {
      ns.exec('curl', ['-sS', '-o', '/dev/null', `imap://alice:s3cret@127.0.0.1:${imapPort}/INBOX;UID=1`]);
    },
  },
];
