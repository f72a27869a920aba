/**
 * IRC (irc-message.ts): detected from a client's first two registration lines or a server's opening line; every
 * line a client sends, and what a server relays from others (PRIVMSG, NOTICE) or answers to registration, as
 * operation events. Bots take their orders this way (Tsunami/Kaiten, dropped in exposed Docker and Kubernetes
 * hosts), so a message's target and its first 64 characters go in the event.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { type IrcLine, isRegistration, isServerOpening, maxIrcLine, parseIrcLine } from './irc-message.ts';
import type { Detection, Protocol, ProtocolParser } from './protocol.ts';
import { completeLines, createLineParser } from './text-lines.ts';
import { latin1 } from './wire-bytes.ts';

/** Noise that says nothing about the session. */
const unreported = new Set(['PING', 'PONG']);
/** Server numerics worth an event: the welcome, and refusals of a nick or a password. */
const numerics: Readonly<Record<string, string>> = {
  '001': 'welcome',
  '433': 'nick-in-use',
  '464': 'password-incorrect',
  '465': 'banned',
};

const detectIrc = (bytes: Uint8Array, direction: Direction): Detection => {
  const wanted = direction === 'to-server' ? 2 : 1;
  const text = latin1(bytes, 0, maxIrcLine * wanted);
  const lines = completeLines(text, wanted);
  for (const raw of lines) {
    const line = parseIrcLine(raw);
    const fits =
      line !== undefined && (direction === 'to-server' ? isRegistration(line) : isServerOpening(line));
    if (!fits) return 'no-match';
  }
  if (lines.length >= wanted) return 'match';
  // The first line alone, or one still open: what follows decides (the engine gives up when its prefix is full).
  return text.length > 0 ? 'need-more' : 'no-match';
};

/** Services that take passwords in messages (`PRIVMSG NickServ :IDENTIFY secret`): only their verb is kept. */
const passwordServices = /^(nickserv|chanserv|q|x|authserv)(@|$)/i;

const messageDetail = (line: IrcLine, from: string | undefined): string => {
  const [target = '', text = ''] = line.params;
  const sender = from === undefined ? '' : `from=${from.split('!')[0]} `;
  const said = passwordServices.test(target) ? (text.split(' ')[0] ?? '') : text;
  return `${sender}target=${target.slice(0, 64)} text=${said.slice(0, 64)}`;
};

const clientEvent = (line: IrcLine): [string, string] | undefined => {
  if (unreported.has(line.command)) return undefined;
  if (line.command === 'PRIVMSG' || line.command === 'NOTICE')
    return [line.command, messageDetail(line, undefined)];
  if (line.command === 'PASS') return ['PASS', ''];
  if (line.command === 'USER') return ['USER', `user=${(line.params[0] ?? '').slice(0, 64)}`];
  return [line.command, line.params.slice(0, 2).join(' ').slice(0, 128)];
};

const serverEvent = (line: IrcLine): [string, string] | undefined => {
  const numeric = numerics[line.command];
  if (numeric !== undefined)
    return [
      numeric,
      `server=${(line.prefix ?? '').slice(0, 64)} nick=${(line.params[0] ?? '').slice(0, 32)}`,
    ];
  if (line.command === 'PRIVMSG' || line.command === 'NOTICE')
    return [line.command, messageDetail(line, line.prefix)];
  return line.command === 'KICK' || line.command === 'KILL' || line.command === 'ERROR'
    ? [line.command, line.params.join(' ').slice(0, 128)]
    : undefined;
};

const onLine = (text: string, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  const line = parseIrcLine(text);
  if (line === undefined) return;
  const found = direction === 'to-server' ? clientEvent(line) : serverEvent(line);
  if (found === undefined) return;
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'irc', operation: found[0] };
  if (found[1] !== '') event.detail = found[1];
  out.push(event);
};

const createIrcParser = (): ProtocolParser => createLineParser(maxIrcLine, onLine);

export const irc: Protocol = {
  id: 'irc',
  transport: 'tcp',
  // 6697 is IRC over TLS: the bytes there are TLS.
  ports: [6667],
  encrypted: false,
  detect: detectIrc,
  createParser: createIrcParser,
};
