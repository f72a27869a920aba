/** SMTP (RFC 5321): commands and replies as operation events; DATA and BDAT content skipped; stops at STARTTLS. */
import type { DbAuthEvent, Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { loginEvent } from './client-events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { saslUser } from './sasl-user.ts';
import { detectSmtpCommand, detectSmtpGreeting } from './smtp-detect.ts';
import { cutLongLine, octetsOf } from './text-lines.ts';
import { type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { latin1 } from './wire-bytes.ts';

const maxAwaiting = 64;
const maxLine = 4096;
/**
 * A command's detail is kept whole: as long as its line. It was cut at 1 KiB, so a lookup after padding in an EHLO or
 * a MAIL FROM parameter was never judged (ADR 36). Events are not held.
 */
const maxDetail = maxLine;

type Side = {
  text: string;
  mode: 'lines' | 'data' | 'stopped';
  skip: number;
  dataLines: number;
  discard: boolean;
};

const operation = (direction: Direction, ts: number, name: string, detail: string): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'smtp', operation: name };
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

/** AUTH carries credentials after the mechanism (RFC 4954 §4): keep only the mechanism. */
const commandDetail = (verb: string, rest: string): string => {
  if (verb === 'AUTH') return rest.split(' ')[0] ?? '';
  if (verb === 'MAIL' || verb === 'RCPT') return rest.slice(rest.indexOf(':') + 1).trim();
  return rest;
};

/** Drops BDAT chunk octets; true once nothing is left to skip. */
const skipped = (side: Side): boolean => {
  const n = Math.min(side.skip, side.text.length);
  side.skip -= n;
  side.text = side.text.slice(n);
  return side.skip === 0;
};

const createSmtpParser = (upgrade: TlsUpgrade) => {
  const sides: Record<Direction, Side> = {
    'to-server': { text: '', mode: 'lines', skip: 0, dataLines: 0, discard: false },
    'to-client': { text: '', mode: 'lines', skip: 0, dataLines: 0, discard: false },
  };
  let startTls = false;
  /** A final reply has been read: a 220 before it is the greeting, even with commands sent early awaiting replies. */
  let greeted = false;
  /** Verbs awaiting a reply, in order (pipelining, RFC 2920), so a reply can be matched to its command. */
  const awaiting: string[] = [];
  /**
   * RFC 4954: an AUTH under way. After each 334 challenge the client's next line is a SASL message (base64, never a
   * command); the first message names the user (PLAIN, LOGIN), and is read for that alone.
   */
  let sasl: { mechanism: string; named: boolean; challenged: boolean } | undefined;
  let authUser = '';

  const onSaslMessage = (line: string): void => {
    if (sasl !== undefined && !sasl.named) authUser = saslUser(sasl.mechanism, line) ?? authUser;
    if (sasl !== undefined) sasl.named = true;
  };

  const startAuth = (rest: string): void => {
    const [mechanism = '', initial] = rest.split(' ');
    authUser = '';
    sasl = { mechanism, named: false, challenged: false };
    if (initial !== undefined && initial !== '=') onSaslMessage(initial);
  };

  /** The final reply to AUTH: 235 in, a 4xx or 5xx refusal (535 above all) out. */
  const authOutcome = (code: string, ts: number): DbAuthEvent | undefined => {
    sasl = undefined;
    if (code !== '235' && !/^[45]/.test(code)) return undefined;
    return loginEvent('smtp', ts, code === '235', authUser);
  };

  /** The command's event (within the cap) and its place in the queue of commands awaiting replies. */
  const record = (verb: string, rest: string, ts: number, out: ProtocolEvent[]): void => {
    out.push(operation('to-server', ts, verb, commandDetail(verb, rest)));
    if (awaiting.length < maxAwaiting) awaiting.push(verb);
  };

  /** What a command starts: message content, TLS, an AUTH exchange, or BDAT's chunk of octets. */
  const afterCommand = (verb: string, rest: string): void => {
    const client = sides['to-server'];
    if (verb === 'DATA') [client.mode, client.dataLines] = ['data', 0];
    if (verb === 'STARTTLS') startTls = true;
    if (verb === 'AUTH') startAuth(rest);
    // RFC 3030 §2: BDAT <size> [LAST] is followed by exactly <size> octets.
    if (verb === 'BDAT') client.skip = Number(rest.split(' ')[0]) || 0;
  };

  const onCommand = (line: string, ts: number, out: ProtocolEvent[]): void => {
    const client = sides['to-server'];
    if (sasl?.challenged) {
      onSaslMessage(line);
      sasl.challenged = false;
      return;
    }
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : line.slice(space + 1).trim();
    if (!/^[A-Z]{4,8}$/.test(verb)) {
      client.mode = 'stopped';
      return;
    }
    record(verb, rest, ts, out);
    afterCommand(verb, rest);
  };

  /** §4.2: a reply is one or more "code-text" lines ended by a "code text" line. */
  const onReply = (line: string, ts: number, out: ProtocolEvent[]): void => {
    if (!/^\d{3}([ -]|$)/.test(line)) {
      sides['to-client'].mode = 'stopped';
      return;
    }
    if (line[3] === '-') return;
    const code = line.slice(0, 3);
    out.push(operation('to-client', ts, 'reply', line));
    // A 334 challenge continues the AUTH exchange: the command still awaits its final reply.
    if (code === '334' && sasl !== undefined) {
      sasl.challenged = true;
      return;
    }
    // §3.1: the client waits for the greeting; a STARTTLS sent before it must not take the greeting as its 220.
    const command = code === '220' && (awaiting.length === 0 || !greeted) ? 'greeting' : awaiting.shift();
    greeted = true;
    afterReply(command, code, ts, out);
  };

  /** What a final reply ends: an AUTH exchange (a login outcome), a refused DATA, a STARTTLS. */
  const afterReply = (command: string | undefined, code: string, ts: number, out: ProtocolEvent[]): void => {
    const client = sides['to-server'];
    const login = command === 'AUTH' ? authOutcome(code, ts) : undefined;
    if (login !== undefined) out.push(login);
    // A refused DATA (not 354) means no content follows.
    if (command === 'DATA' && client.mode === 'data' && client.dataLines === 0 && code !== '354')
      client.mode = 'lines';
    if (startTls && command === 'STARTTLS') afterStartTls(code);
  };

  /** RFC 3207 §4: after "220" to STARTTLS both sides speak TLS; any other reply means it was refused. */
  const afterStartTls = (code: string): void => {
    startTls = false;
    if (code !== '220') return;
    for (const direction of ['to-server', 'to-client'] as const) {
      upgrade.start(direction, octetsOf(sides[direction].text));
      sides[direction].mode = 'stopped';
      sides[direction].text = '';
    }
  };

  const onLine = (side: Side, direction: Direction, line: string, ts: number, out: ProtocolEvent[]): void => {
    if (side.discard || line === '') side.discard = false;
    else if (side.mode === 'data') {
      side.dataLines += 1;
      if (line === '.') side.mode = 'lines';
    } else if (direction === 'to-server') onCommand(line, ts, out);
    else onReply(line, ts, out);
  };

  const run = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
    // Parsing continues past the event cap so that line state stays right; only events are dropped.
    while (side.mode !== 'stopped' && skipped(side)) {
      const end = side.text.indexOf('\n');
      if (end < 0) break;
      const line = side.text.slice(0, end).replace(/\r$/, '');
      side.text = side.text.slice(end + 1);
      onLine(side, direction, line, ts, out);
    }
    // A line past `maxLine` is read by its head and the rest dropped to its end (text-lines.ts): a padded command does
    // not stop the reading of the commands after it (a server answers 500 and reads on), and the tail of a long body
    // line is never taken for the `.` that ends DATA.
    if (side.mode !== 'stopped' && side.text.length > maxLine)
      cutLongLine(side, maxLine, (line) => onLine(side, direction, line, ts, out));
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = sides[direction];
      const out: ProtocolEvent[] = [];
      if (side.mode === 'stopped') return out;
      side.text += latin1(chunk);
      run(side, direction, ts, out);
      return out;
    },
    gap(direction: Direction): void {
      // Resynchronise on the next line: drop the partial one.
      const side = sides[direction];
      side.text = '';
      side.skip = 0;
      side.discard = true;
    },
  };
};

export const smtp: Protocol = {
  id: 'smtp',
  transport: 'tcp',
  ports: [25, 587, 24],
  encrypted: false,
  detect: (bytes: Uint8Array, direction: Direction): Detection =>
    direction === 'to-server' ? detectSmtpCommand(bytes) : detectSmtpGreeting(bytes),
  createParser: () => upgradable(createSmtpParser),
};
