/**
 * POP3 (RFC 1939, 2449, 5034): commands as operation events (never a password or a SASL response: PASS and AUTH
 * name the user or the mechanism), login outcomes as `db-auth` events, multi-line answers (messages, listings)
 * passed over, and nothing after STLS is accepted (RFC 2595: TLS from then on).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import { detectPop3Commands, detectPop3Greeting } from './pop3-detect.ts';
import type { Protocol } from './protocol.ts';
import { saslUser } from './sasl-user.ts';
import { feedLines, hasControl, lineGap, lineSide, splitCommand, toTls } from './text-lines.ts';
import { type TlsUpgrade, upgradable } from './tls-upgrade.ts';

const maxLine = 4096;
/** Pipelined commands remembered while their answers are awaited (RFC 2449 PIPELINING). */
const maxAwaiting = 64;

/**
 * Commands whose positive answer is multi-line (ended by a lone "."): LIST and UIDL only without an argument, AUTH
 * without one lists the mechanisms (RFC 5034 §4).
 */
const multiLine = (verb: string, argument: string): boolean =>
  verb === 'RETR' ||
  verb === 'TOP' ||
  verb === 'CAPA' ||
  ((verb === 'LIST' || verb === 'UIDL' || verb === 'AUTH') && argument === '');

/** Commands whose answer says whether a login worked. */
const isLogin = (verb: string, argument: string): boolean =>
  verb === 'PASS' || verb === 'APOP' || (verb === 'AUTH' && argument !== '');

type Awaited = { verb: string; multiLine: boolean; login: boolean };

const operation = (ts: number, name: string, detail: string) => operationEvent('pop3', ts, name, detail);

/** What a command's event may say: the user for login commands, the mechanism for AUTH, else its arguments. */
const detailOf = (verb: string, argument: string, user: string): string => {
  if (verb === 'PASS') return `user=${user}`;
  if (verb === 'APOP' || verb === 'AUTH') return argument.split(' ')[0] ?? '';
  return argument;
};

const createPop3Parser = (upgrade: TlsUpgrade) => {
  const client = lineSide();
  const server = lineSide();
  const awaiting: Awaited[] = [];
  /** A command was left out of the full queue: answers may be matched to the wrong command from then on. */
  let overflowed = false;
  let user = '';
  /** The server's answer lines are message or listing text until a lone ".". */
  let inBody = false;
  /** AUTH is under way: the server's `+ ` lines are challenges, each answered by the client's next line. */
  let sasl = false;
  /** A challenge awaits its answer: the client's next line is a SASL message, not a command. */
  let challenged = false;
  /** The mechanism of the AUTH under way, until its first client message has named the user (PLAIN, LOGIN). */
  let saslMechanism = '';
  /**
   * A status line has been read. The first may be the greeting with commands sent early awaiting answers (or an answer,
   * on a connection picked up part way): it never accepts STLS.
   */
  let greeted = false;

  /** A SASL client message: the first one names the user (never the password); "*" cancels. */
  const onSaslMessage = (message: string): void => {
    if (saslMechanism !== '') user = saslUser(saslMechanism, message) ?? user;
    saslMechanism = '';
  };

  /** RFC 5034 §4: AUTH mechanism [initial-response]; then challenges and answers until the final +OK or -ERR. */
  const startSasl = (argument: string): void => {
    const [mechanism = '', initial] = argument.split(' ');
    sasl = true;
    saslMechanism = mechanism;
    if (initial !== undefined) onSaslMessage(initial);
  };

  /** The command's place among those awaiting an answer; past the bound it is left out, and the queue untrusted. */
  const queue = (verb: string, argument: string): void => {
    if (awaiting.length < maxAwaiting)
      awaiting.push({ verb, multiLine: multiLine(verb, argument), login: isLogin(verb, argument) });
    else overflowed = true;
  };

  const onCommand = (line: string, ts: number, out: ProtocolEvent[]): void => {
    if (challenged) {
      onSaslMessage(line);
      challenged = false;
      return;
    }
    const { verb, argument } = splitCommand(line);
    if (!/^[A-Z]{3,4}$/.test(verb)) {
      client.stopped = hasControl(line);
      return;
    }
    if (verb === 'USER' || verb === 'APOP') user = (argument.split(' ')[0] ?? '').slice(0, 64);
    if (verb === 'AUTH' && argument !== '') startSasl(argument);
    out.push(operation(ts, verb, detailOf(verb, argument, user)));
    queue(verb, argument);
  };

  // PASS has no method to name: the command itself is the credential (cleartext-credentials reads it).
  const login = (ts: number, ok: boolean, verb: string) =>
    loginEvent('pop3', ts, ok, user, verb === 'PASS' ? undefined : verb === 'AUTH' ? 'sasl' : 'other');

  const onStatus = (line: string, ts: number, out: ProtocolEvent[]): void => {
    const ok = line.startsWith('+OK');
    const first = !greeted;
    greeted = true;
    const command = awaiting.shift();
    if (command === undefined) return; // the greeting, or an answer to a command sent before the capture began
    if (command.verb === 'AUTH') [sasl, challenged] = [false, false];
    if (command.login) out.push(login(ts, ok, command.verb));
    if (ok && command.verb === 'STLS' && !first && !overflowed) toTls(upgrade, client, server);
    inBody = ok && command.multiLine;
  };

  const onReply = (line: string, ts: number, out: ProtocolEvent[]): void => {
    if (inBody) {
      inBody = line !== '.';
      return;
    }
    if (line.startsWith('+OK') || line.startsWith('-ERR')) onStatus(line, ts, out);
    else if (sasl && line.startsWith('+')) challenged = true;
    else server.stopped = hasControl(line);
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      if (direction === 'to-server') feedLines(client, chunk, maxLine, (line) => onCommand(line, ts, out));
      else feedLines(server, chunk, maxLine, (line) => onReply(line, ts, out));
      return out;
    },
    gap(direction: Direction): void {
      lineGap(direction === 'to-server' ? client : server);
      // Which answer comes next is no longer known: drop the queue, and a body that was running.
      if (direction === 'to-client') [awaiting.length, inBody] = [0, false];
    },
  };
};

export const pop3: Protocol = {
  id: 'pop3',
  transport: 'tcp',
  ports: [110],
  encrypted: false,
  detect: (bytes, direction) =>
    direction === 'to-server' ? detectPop3Commands(bytes) : detectPop3Greeting(bytes),
  createParser: () => upgradable(createPop3Parser),
};
