/**
 * POP3 detection (RFC 1939): the server's `+OK` greeting with its text, or a client command only POP3 has. A Redis
 * reply is `+OK` alone, and Redis clients speak first, so a greeting must carry text. `USER` and `PASS` are FTP's too.
 */
import type { Detection } from './protocol.ts';
import { detectByVerbs, firstTextLine, isPrintableLine } from './text-lines.ts';

/** Commands of RFC 1939, 2449 (CAPA) and 2595 (STLS) that FTP lacks. */
const pop3OnlyVerbs = new Set(['STAT', 'UIDL', 'TOP', 'APOP', 'CAPA', 'STLS']);
const sharedVerbs = new Set(['USER', 'PASS', 'QUIT', 'NOOP', 'LIST', 'RETR', 'DELE', 'RSET']);
/**
 * RFC 5034: POP3's AUTH names a SASL mechanism from IANA's registry, or none to list them (FTP's AUTH names TLS or
 * SSL; Redis's inline AUTH names a password).
 */
const saslAuth =
  /^AUTH( (PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|GSSAPI|NTLM|XOAUTH2|OAUTHBEARER|EXTERNAL|ANONYMOUS|SCRAM-SHA-(1|256)(-PLUS)?)( [A-Za-z0-9+/=*]+)?)?$/i;

export const detectPop3Greeting = (bytes: Uint8Array): Detection => {
  const { line, complete } = firstTextLine(bytes, 512);
  if (!complete) {
    const partial = line.length <= 4 ? '+OK '.startsWith(line) : line.startsWith('+OK ');
    return partial && bytes.length < 512 ? 'need-more' : 'no-match';
  }
  return /^\+OK \S/.test(line) && isPrintableLine(line) ? 'match' : 'no-match';
};

/** POP3's own commands, or AUTH naming a SASL mechanism. */
const ownCommand = (verb: string, line: string): boolean =>
  pop3OnlyVerbs.has(verb) || (verb === 'AUTH' && saslAuth.test(line));

export const detectPop3Commands = (bytes: Uint8Array): Detection =>
  detectByVerbs(bytes, ownCommand, sharedVerbs);
