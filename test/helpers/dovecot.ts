/**
 * A real Dovecot (POP3, IMAP and/or SMTP submission) in a test namespace: config written into the test's dir,
 * one static password.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Netns, waitForListen } from './netns.ts';

export type DovecotOptions = {
  /** The address it listens on, e.g. 127.0.0.1. */
  listen: string;
  /** A protocol whose port is left out is not served (its package, dovecot-pop3d or dovecot-imapd, is not needed). */
  pop3Port?: number;
  imapPort?: number;
  /** Every user's password (a static passdb). */
  password: string;
  /** Messages put in each user's Maildir/new, by user (a user left out has no home directory). */
  mail: Record<string, readonly string[]>;
  /**
   * false answers every login at once. Dovecot slows password guessing twice over: each failed login is answered after
   * auth_failure_delay (2 s), and anvil's per-IP penalty holds each later attempt from that IP 2, 4, 8, then 15 s.
   */
  failedLoginDelays?: boolean;
  /** SMTP submission (package dovecot-submissiond): AUTH, then each accepted message is relayed to another MTA. */
  submission?: SubmissionOptions;
  /** A certificate and key (PEM files): STARTTLS (IMAP, submission) and STLS (POP3) are offered. Without, `ssl = no`. */
  tls?: { cert: string; key: string };
};

export type SubmissionOptions = {
  port: number;
  /** Dovecot delivers nothing itself: every message goes on to this MTA (and its EHLO answer shapes Dovecot's). */
  relay: { host: string; port: number };
  /**
   * The SASL mechanisms offered, `login` by default: AUTH LOGIN asks for the user and the password in two 334
   * challenges. auth_mechanisms is global, so this instance's POP3 and IMAP offer the same.
   */
  mechanisms?: string;
};

/** The TLS twin (pop3s, imaps, submissions) is switched off: TLS, when on, is reached by STARTTLS or STLS. */
const listener = (service: string, name: string, port: number) => `service ${service}-login {
  inet_listener ${name} {
    port = ${port}
  }
  inet_listener ${name}s {
    port = 0
  }
}
`;

/** A listener mode of 0 is how Dovecot's documentation turns the authentication penalty off. */
const noDelays = `auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;

const submissionConf = (s: SubmissionOptions) => `auth_mechanisms = ${s.mechanisms ?? 'login'}
submission_relay_host = ${s.relay.host}
submission_relay_port = ${s.relay.port}
${listener('submission', 'submission', s.port)}`;

/**
 * The login processes run as `dovenull` and the rest as `dovecot`, both made by Debian's package. It logs to a file
 * in dir (read it when a login fails), since nothing in a test namespace reads syslog, where it logs by default.
 */
const dovecotConf = (dir: string, o: DovecotOptions) => {
  const protocols = [
    o.imapPort === undefined ? '' : 'imap',
    o.pop3Port === undefined ? '' : 'pop3',
    o.submission === undefined ? '' : 'submission',
  ];
  return `protocols = ${protocols.filter(Boolean).join(' ')}
listen = ${o.listen}
base_dir = ${dir}/dovecot-run
state_dir = ${dir}/dovecot-state
log_path = ${dir}/dovecot.log
${o.tls === undefined ? 'ssl = no' : `ssl = yes\nssl_cert = <${o.tls.cert}\nssl_key = <${o.tls.key}`}
disable_plaintext_auth = no
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
${o.failedLoginDelays === false ? noDelays : ''}passdb {
  driver = static
  args = password=${o.password}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/home/%u
}
${o.pop3Port === undefined ? '' : listener('pop3', 'pop3', o.pop3Port)}${o.imapPort === undefined ? '' : listener('imap', 'imap', o.imapPort)}${o.submission === undefined ? '' : submissionConf(o.submission)}`;
};

/** Writes the mail, starts Dovecot in the foreground (logging to dir/dovecot.log) and waits for its ports. */
export const startDovecot = async (ns: Netns, dir: string, options: DovecotOptions): Promise<void> => {
  // The users' mail is read by a process running as nobody, which reaches their homes through dir (mkdtemp's 0700).
  chmodSync(dir, 0o755);
  for (const [user, messages] of Object.entries(options.mail)) {
    const maildir = join(dir, 'home', user, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    for (const [i, message] of messages.entries())
      writeFileSync(join(maildir, 'new', `${1700000000 + i}.M1P1.meshward`), message);
  }
  mkdirSync(join(dir, 'home'), { recursive: true });
  ns.exec('chown', ['-R', 'nobody:nogroup', join(dir, 'home')]);
  writeFileSync(join(dir, 'dovecot.conf'), dovecotConf(dir, options));
  ns.spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')]);
  for (const port of [options.pop3Port, options.imapPort, options.submission?.port])
    if (port !== undefined) await waitForListen(ns, port);
};
