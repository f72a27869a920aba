/**
 * Mining pool sessions (stratum-message.ts): every JSON-RPC line a miner or pool sends is an operation event named
 * for its method (an answer only when it is an error), and the steps that show mining (a login, a job, a share)
 * are mining events too, for the cryptomining detector.
 */
import type { Direction, MiningEvent, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Protocol, ProtocolParser } from './protocol.ts';
import { detectStratum } from './stratum-detect.ts';
import { jsonLine, readStratumLine, type StratumLine } from './stratum-message.ts';
import { createLineParser } from './text-lines.ts';

/** A pool's job line with a long merkle branch is a few KiB; a longer line stops the direction. */
const maxLine = 64 * 1024;
/** A detail (a miner's agent, an error) is kept whole: cut at 256 characters, padding hid its end (ADR 36). */
const maxDetail = maxLine;

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
  if (line === undefined) return;
  if (line.method !== 'result') out.push(operation(line, direction, ts));
  if (line.step !== undefined) out.push(mining(line, line.step, direction, ts));
};

const createStratumParser = (): ProtocolParser => createLineParser(maxLine, onLine);

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
