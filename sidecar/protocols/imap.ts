/**
 * IMAP (RFC 9051, RFC 3501): commands as operation events (LOGIN names its user, AUTHENTICATE its mechanism; the
 * password and SASL responses never leave here), login outcomes as `db-auth` events from the tagged answer, literals
 * (`{n}`: messages, and strings a client sends that way) passed over by their length, and nothing after STARTTLS is
 * accepted (§6.2.1: TLS from then on).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import { detectImapCommand, detectImapGreeting, imapCommands, taggedLine } from './imap-detect.ts';
import type { Protocol } from './protocol.ts';
import { saslUser } from './sasl-user.ts';
import { feedLines, hasControl, type LineSide, lineGap, lineSide, toTls } from './text-lines.ts';
import { type TlsUpgrade, upgradable } from './tls-upgrade.ts';

const maxLine = 16 * 1024;
const maxTags = 64;
/** Commands kept per reused tag. */
const maxSameTag = 8;

/** A literal announced at the end of a line (`{n}`, or `{n+}` without waiting, RFC 7888): its length. */
const literalLength = (line: string): number => {
  const m = /\{(\d{1,10})\+?\}$/.exec(line);
  return m === null ? 0 : Number(m[1]);
};

/** The first argument, as an atom or a quoted string (RFC 9051 §4.3); a literal gives nothing. */
const firstArgument = (rest: string): string => {
  if (rest.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    return m === null ? '' : (m[1] as string).replace(/\\(.)/g, '$1');
  }
  return rest.startsWith('{') ? '' : (rest.split(' ')[0] ?? '');
};

/** Commands whose first argument names a mailbox, which the summary may show. */
const mailboxCommands = new Set([
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'RENAME',
  'SUBSCRIBE',
  'STATUS',
  'APPEND',
]);

const detailOf = (command: string, rest: string): string => {
  if (command === 'LOGIN') return `user=${firstArgument(rest).slice(0, 64)}`;
  if (command === 'AUTHENTICATE') return (rest.split(' ')[0] ?? '').toUpperCase();
  return mailboxCommands.has(command) ? firstArgument(rest) : '';
};

const operation = (ts: number, name: string, detail: string) => operationEvent('imap', ts, name, detail);

type Sent = { command: string; user: string };

/** LOGIN's user is its first argument; AUTHENTICATE's is in its first SASL message, here or on the next line. */
const userOf = (command: string, rest: string): string => {
  if (command === 'LOGIN') return firstArgument(rest).slice(0, 64);
  const [mechanism = '', initial] = rest.split(' ');
  return command === 'AUTHENTICATE' && initial !== undefined ? (saslUser(mechanism, initial) ?? '') : '';
};

const createImapParser = (upgrade: TlsUpgrade) => {
  const client = lineSide();
  const server = lineSide();
  /** Commands awaiting their tagged answer, by tag: a tag a client reuses holds its commands in the order sent. */
  const tags = new Map<string, Sent[]>();
  /** The client's next line continues its last command (after a literal), rather than starting one. */
  let continued = false;
  /** The tag of an AUTHENTICATE under way: the client's lines are SASL responses until its answer. */
  let authenticating: string | undefined;
  /** Its mechanism, until its first client message has named the user. */
  let saslMechanism = '';

  /**
   * A tag reused while its command awaits an answer (RFC 9051 §2.2.1 asks for unique ones) queues behind it: answers
   * come in the order sent, so `a NOOP` then `a STARTTLS` cannot take the NOOP's OK as an accepted STARTTLS.
   */
  const remember = (tag: string, sent: Sent): void => {
    const queue = tags.get(tag);
    if (queue !== undefined) {
      if (queue.length < maxSameTag) queue.push(sent);
    } else if (tags.size < maxTags) tags.set(tag, [sent]);
  };

  /** A tagged command: its event, and its tag remembered until the tagged answer. */
  const onTagged = (tag: string, name: string, rest: string, ts: number, out: ProtocolEvent[]): void => {
    if (!imapCommands.has(name)) return;
    const command = name === 'UID' ? `UID ${(rest.split(' ')[0] ?? '').toUpperCase()}` : name;
    out.push(operation(ts, command, detailOf(name, rest)));
    const [mechanism = '', initial] = rest.split(' ');
    remember(tag, { command: name, user: userOf(name, rest) });
    if (name === 'AUTHENTICATE' && initial === undefined) [authenticating, saslMechanism] = [tag, mechanism];
  };

  /** A SASL client message of the AUTHENTICATE under way: the first one names the user (never the password). */
  const onSaslMessage = (line: string): void => {
    const sent = authenticating === undefined ? undefined : tags.get(authenticating)?.at(-1);
    if (sent !== undefined && saslMechanism !== '') sent.user = saslUser(saslMechanism, line) ?? '';
    saslMechanism = '';
  };

  const onCommand = (line: string, ts: number, out: ProtocolEvent[]): void => {
    const wasContinued = continued;
    client.skip = literalLength(line);
    continued = client.skip > 0;
    if (wasContinued) return;
    if (authenticating !== undefined) {
      onSaslMessage(line);
      return;
    }
    const m = taggedLine.exec(line);
    // "DONE" ends IDLE; anything with control characters is not IMAP.
    if (m === null) client.stopped = hasControl(line);
    else onTagged(m[1] as string, (m[2] as string).toUpperCase(), m[3] ?? '', ts, out);
  };

  // LOGIN has no method to name: the command itself is the credential (cleartext-credentials reads it).
  const login = (ts: number, ok: boolean, sent: Sent) =>
    loginEvent('imap', ts, ok, sent.user, sent.command === 'LOGIN' ? undefined : 'sasl');

  const onAnswer = (tag: string, status: string, ts: number, out: ProtocolEvent[]): void => {
    const queue = tags.get(tag);
    const sent = queue?.shift();
    if (queue === undefined || sent === undefined) return;
    if (queue.length === 0) tags.delete(tag);
    if (authenticating === tag && queue.length === 0) authenticating = undefined;
    const ok = status === 'OK';
    if (sent.command === 'LOGIN' || sent.command === 'AUTHENTICATE') out.push(login(ts, ok, sent));
    if (ok && sent.command === 'STARTTLS') toTls(upgrade, client, server);
  };

  const onResponse = (line: string, ts: number, out: ProtocolEvent[]): void => {
    server.skip = literalLength(line);
    const m = /^(\S+) (OK|NO|BAD)\b/i.exec(line);
    if (m !== null && m[1] !== '*' && m[1] !== '+')
      onAnswer(m[1] as string, (m[2] as string).toUpperCase(), ts, out);
    else if (hasControl(line)) server.stopped = true;
  };

  const feed = (side: LineSide, chunk: Uint8Array, onLine: (line: string) => void) =>
    feedLines(side, chunk, maxLine, onLine);

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      if (direction === 'to-server') feed(client, chunk, (line) => onCommand(line, ts, out));
      else feed(server, chunk, (line) => onResponse(line, ts, out));
      return out;
    },
    gap(direction: Direction): void {
      lineGap(direction === 'to-server' ? client : server);
      if (direction === 'to-server') [continued, authenticating] = [false, undefined];
    },
  };
};

export const imap: Protocol = {
  id: 'imap',
  transport: 'tcp',
  ports: [143],
  encrypted: false,
  detect: (bytes, direction) =>
    direction === 'to-server' ? detectImapCommand(bytes) : detectImapGreeting(bytes),
  createParser: () => upgradable(createImapParser),
};
