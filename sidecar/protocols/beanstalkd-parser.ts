/**
 * Streaming beanstalkd parser (doc/protocol.txt): one operation event a line, a body framed by the `<bytes>` its line
 * announces. The tube a client `use`s names its `put`s (`put tube=default`); the tubes it `watch`es name the jobs it
 * is handed (`RESERVED`). A job's body, put by a client or handed to a worker (`RESERVED`, `FOUND`), is the event's
 * `serialized` (its first 64 KiB): queue workers deserialize it (Laravel's PHP `serialize()` commands, pickles, Java
 * streams), and insecure-deserialization judges it. A line beanstalkd would refuse is passed over.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { announcedBody, isCommand, isReply, maxBeanstalkdLine } from './beanstalkd-syntax.ts';
import { createFramedParser, type FrameContext, withRestClasses } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

/** beanstalkd's `-z` bound on a job's size is 2^30 octets at most. */
const maxJob = 1 << 30;
const maxWatched = 16;
/** A job's octets kept for the detectors: its first 64 KiB. */
const keptJob = 64 * 1024;

type State = { used: string; watched: string[] };

const lineOf = (b: Uint8Array): { tokens: string[]; end: number } | undefined => {
  const lf = b.subarray(0, maxBeanstalkdLine).indexOf(0x0a);
  if (lf <= 0 || b[lf - 1] !== 0x0d) return undefined;
  return { tokens: latin1(b, 0, lf - 1).split(' '), end: lf + 1 };
};

const known = (tokens: readonly string[], direction: Direction): boolean =>
  direction === 'to-server' ? isCommand(tokens) : isReply(tokens);

/** A line and the body it announces, or the line alone; 0 for more octets, -1 when no line ends in bounds. */
const frameLength = (b: Uint8Array, direction: Direction): number => {
  const line = lineOf(b);
  if (line === undefined) return b.length < maxBeanstalkdLine && b.indexOf(0x0a) < 0 ? 0 : -1;
  const body = known(line.tokens, direction) ? announcedBody(line.tokens) : undefined;
  if (body === undefined) return line.end;
  return body > maxJob ? -1 : line.end + body + 2;
};

const jobs = new Set(['delete', 'release', 'bury', 'touch', 'peek', 'kick-job', 'stats-job', 'reserve-job']);
const tubes = new Set(['use', 'watch', 'ignore', 'stats-tube', 'pause-tube']);

/** A command's name and detail; `put` and the tube commands say their tube. */
const command = (state: State, t: readonly string[]): [string, string] => {
  const [word = '', first = ''] = t;
  if (word === 'put')
    return [`put tube=${state.used}`, `${t[4]} bytes, pri ${t[1]}, delay ${t[2]}, ttr ${t[3]}`];
  if (word === 'use') state.used = first;
  if (word === 'watch' && !state.watched.includes(first) && state.watched.length < maxWatched)
    state.watched.push(first);
  if (word === 'ignore') state.watched = state.watched.filter((tube) => tube !== first);
  if (tubes.has(word)) return [`${word} ${first}`, t.slice(2).join(' ')];
  if (word === 'release') return [word, `job ${first}, pri ${t[2]}, delay ${t[3]}`];
  if (jobs.has(word)) return [word, `job ${first}${t[2] === undefined ? '' : `, pri ${t[2]}`}`];
  if (word === 'reserve-with-timeout') return [word, `timeout ${first}`];
  return [word, word === 'kick' ? `bound ${first}` : ''];
};

const reply = (state: State, t: readonly string[]): [string, string] => {
  const [word = '', first = ''] = t;
  if (word === 'USING') return [`USING ${first}`, ''];
  if (word === 'RESERVED') return [word, `job ${first}, ${t[2]} bytes, watching ${state.watched.join(',')}`];
  if (word === 'FOUND') return [word, `job ${first}, ${t[2]} bytes`];
  if (word === 'OK') return [word, `${first} bytes of YAML`];
  return [word, t.length > 1 ? `${word === 'WATCHING' || word === 'KICKED' ? '' : 'job '}${first}` : ''];
};

const carriesJob = new Set(['put', 'RESERVED', 'FOUND']);

const message = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const line = lineOf(m);
  if (line === undefined || !known(line.tokens, ctx.direction)) return [];
  const [operation, detail] =
    ctx.direction === 'to-server' ? command(state, line.tokens) : reply(state, line.tokens);
  const event: OperationEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'beanstalkd',
    operation,
  };
  if (detail !== '') event.detail = detail;
  if (carriesJob.has(line.tokens[0] ?? '')) {
    const size = announcedBody(line.tokens) ?? 0;
    event.serialized = m.slice(line.end, Math.min(m.length, line.end + size, line.end + keptJob));
    withRestClasses(event, ctx);
  }
  return [event];
};

export const createBeanstalkdParser = (): ProtocolParser => {
  const state: State = { used: 'default', watched: ['default'] };
  return createFramedParser({
    frame: frameLength,
    message: (m, ctx) => message(state, m, ctx),
    scansRest: true,
  });
};
