/**
 * Mining pool sessions (stratum-message.ts): every JSON-RPC line a miner or pool sends is an operation event named
 * for its method (an answer only when it is an error), and the steps that show mining (a login, a job, a share)
 * are mining events too, for the cryptomining detector.
 */
import type { Direction, MiningEvent, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Protocol } from './protocol.ts';
import { detectStratum } from './stratum-detect.ts';
import { jsonLine, readStratumLine, type StratumLine } from './stratum-message.ts';
import { joinParts, utf8View } from './wire-bytes.ts';

/** A pool's job line with a long merkle branch is a few KiB; past this a line is skipped to its end. */
const maxLine = 64 * 1024;
const maxEventsPerChunk = 64;
const maxDetail = 256;

type Side = { pending: Uint8Array[]; pendingBytes: number; skipping: boolean };

const operation = (line: StratumLine, direction: Direction, ts: number): OperationEvent => {
  const event: OperationEvent = {
    kind: 'operation',
    ts,
    direction,
    protocol: 'stratum',
    operation: line.method,
  };
  const detail = line.error ?? (line.agent === undefined ? undefined : `agent=${line.agent}`);
  if (detail !== undefined) event.detail = detail.slice(0, maxDetail);
  return event;
};

const mining = (
  line: StratumLine,
  step: MiningEvent['step'],
  direction: Direction,
  ts: number,
): MiningEvent => {
  const event: MiningEvent = { kind: 'mining', ts, direction, step, method: line.method };
  if (line.user !== undefined) event.user = line.user;
  if (line.agent !== undefined) event.agent = line.agent;
  if (line.algorithms !== undefined) event.algorithms = line.algorithms;
  return event;
};

const onLine = (text: string, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  const message = jsonLine(text);
  const line = message === undefined ? undefined : readStratumLine(message, direction === 'to-server');
  if (line === undefined || out.length >= maxEventsPerChunk) return;
  if (line.method !== 'result') out.push(operation(line, direction, ts));
  if (line.step !== undefined) out.push(mining(line, line.step, direction, ts));
};

const drop = (side: Side): void => {
  side.pending = [];
  side.pendingBytes = 0;
};

/** The line ending at `end` of this chunk, with what earlier chunks held of it. */
const lineText = (side: Side, chunk: Uint8Array, start: number, end: number): string => {
  if (side.pending.length === 0) return utf8View(chunk, start, end);
  const parts = [...side.pending, chunk.subarray(start, end)];
  return utf8View(joinParts(parts, side.pendingBytes + end - start), 0, side.pendingBytes + end - start);
};

/** Splits a direction into lines; a line longer than maxLine, or one cut by a gap, is skipped to its newline. */
const run = (side: Side, chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
  const out: ProtocolEvent[] = [];
  let start = 0;
  for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
    if (!side.skipping && side.pendingBytes + end - start <= maxLine)
      onLine(lineText(side, chunk, start, end), direction, ts, out);
    drop(side);
    side.skipping = false;
    start = end + 1;
  }
  const rest = chunk.length - start;
  if (side.skipping || rest === 0) return out;
  if (side.pendingBytes + rest > maxLine) {
    drop(side);
    side.skipping = true;
  } else {
    side.pending.push(chunk.slice(start));
    side.pendingBytes += rest;
  }
  return out;
};

const createStratumParser = () => {
  const sides: Record<Direction, Side> = {
    'to-server': { pending: [], pendingBytes: 0, skipping: false },
    'to-client': { pending: [], pendingBytes: 0, skipping: false },
  };
  return {
    parse: (chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] =>
      run(sides[direction], chunk, direction, ts),
    gap(direction: Direction): void {
      // JSON lines resynchronise at the next newline.
      drop(sides[direction]);
      sides[direction].skipping = true;
    },
  };
};

export const stratum: Protocol = {
  id: 'stratum',
  transport: 'tcp',
  // None: pools listen on 3333, 4444, 5555, 7777, 14444 and many more, all ports other software uses (5555 is
  // adb's, 7777 games'), and a declared port would make protocol-mismatch expect mining on them.
  ports: [],
  encrypted: false,
  detect: detectStratum,
  createParser: createStratumParser,
};
