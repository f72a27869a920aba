/**
 * Telnet (RFC 854): what the login dialogue shows. The server's prompts say what the client types next: after
 * `login:` its line is the user (an operation event), after `Password:` it is the password, which is never kept (an
 * operation `password` naming the user, which cleartext-credentials reports); the server's next words say whether the
 * login worked (`db-auth` events, for brute-force detection). The terminal type a client announces is kept too. A
 * session's shell traffic after login is not read.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import type { Protocol } from './protocol.ts';
import { detectTelnet } from './telnet-detect.ts';
import { createIacReader } from './telnet-iac.ts';

/** Server text remembered for prompt matching: the end of the current output. */
const maxTail = 256;
/**
 * Characters of a typed line kept, as the terminal shows it (backspace and DEL applied as they are typed): the
 * operation detail bound of client-events.ts. It was 256 typed characters before editing, so a line padded past
 * them, or typed after 250 characters taken back, hid its end (ADR 36). Held across calls until the line ends.
 */
const maxLine = 4096;
/** Characters of the user name that the login's other events carry (`password`'s detail, `db-auth`). */
const maxUser = 64;
/** RFC 1091: TERMINAL-TYPE's option number, and IS (what the client sends). */
const terminalType = 24;
const is = 0;

const userPrompt = /(login|user ?name|user)\s*:\s*$/i;
const passwordPrompt = /pass(word|code)?\s*:\s*$/i;
const refused =
  /(login|authentication|password)\s+(incorrect|failed|failure)|incorrect (password|login)|access denied|permission denied/i;
const loggedIn = /last login|welcome|[$#%>] ?$/i;

/** `shell`: logged in; what follows is a session, not a login dialogue, and is not read. */
type Expecting = 'nothing' | 'user' | 'password' | 'outcome' | 'shell';

const operation = (ts: number, name: string, detail: string) => operationEvent('telnet', ts, name, detail);

/** The typed line with `ch` typed: backspace and DEL take back the character before them, as the terminal shows. */
const typedWith = (line: string, ch: string): string => {
  if (ch === '\b' || ch === '\x7f') return line.slice(0, -1);
  return line.length < maxLine ? line + ch : line;
};

const createTelnetParser = () => {
  const readers = { 'to-server': createIacReader(), 'to-client': createIacReader() };
  let tail = '';
  let typed = '';
  let expecting: Expecting = 'nothing';
  let user = '';

  const login = (ts: number, ok: boolean) => loginEvent('telnet', ts, ok, user);

  /** A line the client finished with CR or LF, read by what the server last asked for. */
  const onTypedLine = (line: string, ts: number, out: ProtocolEvent[]): void => {
    if (expecting === 'user') {
      // The whole line is judged (the detail); the user the other events name is its start.
      const printable = line.replace(/[^\x20-\x7e]/g, '');
      user = printable.slice(0, maxUser);
      out.push(operation(ts, 'login', printable));
      expecting = 'nothing';
    } else if (expecting === 'password') {
      out.push(operation(ts, 'password', `user=${user}`));
      expecting = 'outcome';
    }
  };

  const onClientText = (text: string, ts: number, out: ProtocolEvent[]): void => {
    for (const ch of text) {
      if (ch !== '\r' && ch !== '\n' && ch !== '\0') {
        typed = typedWith(typed, ch);
        continue;
      }
      if (typed !== '' || ch === '\r') onTypedLine(typed, ts, out);
      typed = '';
    }
  };

  /** After a password: a refusal or a sign of a shell ends the attempt (the refusal's text is then dropped). */
  const onOutcome = (ts: number, out: ProtocolEvent[]): void => {
    const refusal = refused.exec(tail);
    if (refusal !== null) {
      out.push(login(ts, false));
      tail = tail.slice(refusal.index + refusal[0].length);
      expecting = 'nothing';
    } else if (loggedIn.test(tail.trimEnd())) {
      out.push(login(ts, true));
      tail = '';
      expecting = 'shell';
    }
  };

  const onServerText = (text: string, ts: number, out: ProtocolEvent[]): void => {
    tail = (tail + text).slice(-maxTail);
    if (expecting === 'outcome') onOutcome(ts, out);
    if (expecting === 'shell') return;
    const prompt = passwordPrompt.test(tail) ? 'password' : userPrompt.test(tail) ? 'user' : undefined;
    if (prompt === undefined) return;
    expecting = prompt;
    tail = '';
  };

  const onSub =
    (direction: Direction, ts: number, out: ProtocolEvent[]) => (option: number, body: Uint8Array) => {
      if (direction !== 'to-server' || option !== terminalType || body[0] !== is) return;
      const name = Buffer.from(body.subarray(1, 41))
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '');
      if (name !== '') out.push(operation(ts, 'terminal-type', name));
    };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      const text = readers[direction].read(chunk, onSub(direction, ts, out));
      if (direction === 'to-server') onClientText(text, ts, out);
      else if (text !== '') onServerText(text, ts, out);
      return out;
    },
    gap(direction: Direction): void {
      readers[direction].reset();
      if (direction === 'to-server') typed = '';
      else tail = '';
      expecting = 'nothing';
    },
  };
};

export const telnet: Protocol = {
  id: 'telnet',
  transport: 'tcp',
  ports: [23],
  encrypted: false,
  detect: (bytes) => detectTelnet(bytes),
  createParser: createTelnetParser,
};
