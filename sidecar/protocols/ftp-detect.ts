/**
 * FTP control connection detection (RFC 959): the server's 220 greeting naming FTP, or a greeting that names
 * neither FTP nor SMTP followed by a reply only FTP gives; or a client command only FTP has. `USER` and `PASS` are
 * POP3's too, so a client that has sent only those waits for its next command.
 */
import type { Detection } from './protocol.ts';
import { completeLines, detectByVerbs, isPrintableLine } from './text-lines.ts';
import { latin1 } from './wire-bytes.ts';

const maxPrefix = 2048;
const maxLines = 8;

/** Commands of RFC 959 and its extensions (RFC 2228, 2389, 2428, 3659, 4217) that POP3, IMAP and SMTP lack. */
export const ftpOnlyVerbs = new Set(
  (
    'ABOR ACCT ADAT ALLO APPE CCC CDUP CONF CWD ENC EPRT EPSV FEAT HOST LANG LPRT LPSV MDTM MIC MKD MLSD MLST ' +
    'MODE NLST OPTS PASV PBSZ PORT PROT PWD REIN REST RMD RNFR RNTO SITE SIZE SMNT STOR STOU STRU SYST TYPE ' +
    'XCUP XCWD XMKD XPWD XRMD'
  ).split(' '),
);
/** Commands FTP shares with POP3: they say "FTP or POP3" and no more. */
const sharedVerbs = new Set(['USER', 'PASS', 'QUIT', 'NOOP', 'LIST', 'RETR', 'DELE', 'HELP']);
/** RFC 2228/4217: AUTH's argument names a security mechanism (POP3's and SMTP's AUTH name a SASL mechanism). */
const ftpAuth = /^AUTH (TLS|SSL|TLS-C|TLS-P|GSSAPI|KERBEROS_V4)$/i;

/** Replies to the first commands that FTP gives and SMTP does not (SMTP answers EHLO/HELO with 250). */
const ftpReplies = new Set(['331', '332', '230', '234', '530', '215', '211', '221', '500', '502', '504']);

/** The client side: a command line only FTP has decides; shared commands wait for more. */
export const detectFtpCommands = (bytes: Uint8Array): Detection =>
  detectByVerbs(bytes, (verb, line) => ftpOnlyVerbs.has(verb) || ftpAuth.test(line), sharedVerbs);

/** The greeting's lines (a 220 reply, single or multi-line: `220-` ... `220 `) and the line after it, if any. */
const greetingOf = (
  lines: readonly string[],
): { greeting: string[]; next: string | undefined } | undefined => {
  const greeting: string[] = [];
  for (const [at, line] of lines.entries()) {
    if (at === 0 && !/^220[ -]/.test(line)) return undefined;
    greeting.push(line);
    if (/^220( |$)/.test(line)) return { greeting, next: lines[at + 1] };
  }
  return { greeting, next: undefined };
};

/** The server side: a 220 greeting naming FTP; or naming neither FTP nor SMTP, then an FTP-only reply. */
export const detectFtpGreeting = (bytes: Uint8Array): Detection => {
  const text = latin1(bytes, 0, maxPrefix);
  if (!'220'.startsWith(text.slice(0, 3))) return 'no-match';
  const lines = completeLines(text, maxLines);
  const found = greetingOf(lines);
  if (lines.length === 0 || found === undefined)
    return text.length >= maxPrefix || lines.length > 0 ? 'no-match' : 'need-more';
  if (!found.greeting.every(isPrintableLine)) return 'no-match';
  const said = found.greeting.join(' ');
  if (/ftp/i.test(said)) return 'match';
  if (/smtp|lmtp/i.test(said)) return 'no-match';
  if (found.next === undefined) return lines.length >= maxLines ? 'no-match' : 'need-more';
  return ftpReplies.has(found.next.slice(0, 3)) && /^\d{3}[ -]/.test(found.next) ? 'match' : 'no-match';
};
