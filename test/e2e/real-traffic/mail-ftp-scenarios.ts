/**
 * FTP (vsftpd), POP3 and IMAP (one Dovecot) on ports that belong to other protocols, each driven by curl.
 * The servers run in the foreground on config files written into the capture's dir, never the packages' own.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot } from '#test/helpers/dovecot.ts';
import { waitForListen } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const ftpPort = 25;
const pop3Port = 389;
const imapPort = 9042;

/** Anonymous and read-only. `ftp` (the default anonymous user) is created by Debian's package; `nobody` would not
 * do, as vsftpd changes into the user's home (/nonexistent) before anon_root. Passive ports are kept off the others. */
const vsftpdConf = (root: string, empty: string) => `listen=YES
listen_address=127.0.0.1
listen_port=${ftpPort}
background=NO
anonymous_enable=YES
anon_root=${root}
local_enable=NO
write_enable=NO
seccomp_sandbox=NO
secure_chroot_dir=${empty}
pasv_min_port=40000
pasv_max_port=40009
`;

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
      const root = join(dir, 'ftp-root');
      const empty = join(dir, 'ftp-empty');
      mkdirSync(root, { recursive: true });
      mkdirSync(empty, { recursive: true });
      writeFileSync(join(root, 'file.txt'), 'invoice 42\n');
      // Executables for executable-download (real-traffic.test.ts): a real ELF program and a short script.
      copyFileSync('/usr/bin/true', join(root, 'agent'));
      writeFileSync(join(root, 'setup.sh'), '#!/bin/sh\necho installing\n');
      writeFileSync(join(dir, 'vsftpd.conf'), vsftpdConf(root, empty));
      ns.spawn('/usr/sbin/vsftpd', [join(dir, 'vsftpd.conf')]);
      await waitForListen(ns, ftpPort);
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
