/**
 * IMAP detection (RFC 9051, RFC 3501): the server's untagged greeting (`* OK`, `* PREAUTH`, `* BYE`), or a client
 * line of a tag and a command IMAP defines. Tags are the characters RFC 9051 §9 allows (`tag`: no space, no
 * parenthesis, brace, quote, backslash, `%`, `*`, `+` or `]`).
 */
import type { Detection } from './protocol.ts';
import { firstTextLine, isPrintableLine } from './text-lines.ts';

const maxLine = 1024;

/** Commands of RFC 9051 and 3501 and the extensions clients send first (ID, ENABLE, COMPRESS, NAMESPACE). */
export const imapCommands = new Set(
  (
    'APPEND AUTHENTICATE CAPABILITY CHECK CLOSE COMPRESS COPY CREATE DELETE ENABLE EXAMINE EXPUNGE FETCH GETQUOTA ' +
    'GETQUOTAROOT ID IDLE LIST LOGIN LOGOUT LSUB MOVE NAMESPACE NOOP RENAME SEARCH SELECT SETQUOTA STARTTLS ' +
    'STATUS STORE SUBSCRIBE UID UNSELECT UNSUBSCRIBE XLIST'
  ).split(' '),
);

/** A tagged command line: `tag SP command [SP arguments]`. */
export const taggedLine = /^([^\s(){%*"\\\]+\x00-\x1f\x7f]{1,64}) ([A-Za-z]+)(?: (.*))?$/;

const greetings = ['* OK ', '* PREAUTH ', '* BYE '];

export const detectImapGreeting = (bytes: Uint8Array): Detection => {
  const { line, complete } = firstTextLine(bytes, maxLine);
  if (!complete) {
    const possible = greetings.some((g) =>
      line.length < g.length ? g.startsWith(line) : line.startsWith(g),
    );
    return possible && bytes.length < maxLine ? 'need-more' : 'no-match';
  }
  return greetings.some((g) => line.startsWith(g)) && isPrintableLine(line) ? 'match' : 'no-match';
};

export const detectImapCommand = (bytes: Uint8Array): Detection => {
  const { line, complete } = firstTextLine(bytes, maxLine);
  if (!complete)
    return bytes.length < maxLine && /^[^\s(){%*"\\\]+\x00-\x1f\x7f]*( [A-Za-z]*)?$/.test(line)
      ? 'need-more'
      : 'no-match';
  const tagged = taggedLine.exec(line);
  return tagged !== null && isPrintableLine(line) && imapCommands.has((tagged[2] as string).toUpperCase())
    ? 'match'
    : 'no-match';
};
