/**
 * Interactive shells over bare TCP (shell-session.ts): detected from the direction the shell prints into; the other
 * direction's lines are the operator's commands, each an operation event (`command`, its first 128 characters), and
 * the first prompt names the user and host the shell runs as (`prompt`, `user=root host=checkout-7d9`). A shell that
 * prints nothing before its first command (`nc -e /bin/sh`) is known by its answer; the commands sent before that are
 * kept (16 at most) and told with their direction's next chunk, or when the flow ends (`end`).
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { afterPrompt, isShellOutput, promptOf, shellPrefix } from './shell-session.ts';
import { feedLines, type LineSide, lineGap, lineSide } from './text-lines.ts';
import { latin1 } from './wire-bytes.ts';

const maxLine = 16 * 1024;
const maxWaiting = 16;

/** Text a terminal shows: printable ASCII, tab, CR, LF and ESC (colour sequences). */
const terminalText = /^[\x20-\x7e\t\r\n\x1b]*$/;

/**
 * `match` on a shell's output; `need-more` while the text could still become one (a prompt or an opening is not yet
 * whole, or `id`'s answer may follow the answers to earlier commands); `no-match` at the first octet no terminal
 * shows, or once the prefix is full. Monotone, as the first-octet table needs: a `no-match` is final.
 */
const detectShell = (bytes: Uint8Array): Detection => {
  const text = latin1(bytes, 0, shellPrefix);
  if (!terminalText.test(text)) return 'no-match';
  if (isShellOutput(text)) return 'match';
  return text.length < shellPrefix ? 'need-more' : 'no-match';
};

type Flow = {
  sides: Record<Direction, LineSide>;
  /** The direction the shell prints into, once known. */
  shell?: Direction;
  /** The first octets each direction sent, until the shell's direction is known. */
  first: Record<Direction, string>;
  /** Lines sent before the shell's direction was known, per direction. */
  waiting: Record<Direction, string[]>;
  prompted: boolean;
  /** The capture time of each direction's last chunk, for what end() tells. */
  lastTs: Partial<Record<Direction, number>>;
};

const operation = (direction: Direction, ts: number, name: string, detail: string): OperationEvent => ({
  kind: 'operation',
  ts,
  direction,
  protocol: 'shell',
  operation: name,
  detail: detail.slice(0, 128),
});

const onLine = (flow: Flow, line: string, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  if (direction !== flow.shell) {
    const command = line.trim();
    if (command !== '') out.push(operation(direction, ts, 'command', command));
    return;
  }
  if (flow.prompted) return;
  const found = promptOf(line) ?? promptOf(line.slice(0, line.length - afterPrompt(line).length));
  if (found === undefined) return;
  flow.prompted = true;
  out.push(operation(direction, ts, 'prompt', `user=${found.user} host=${found.host}`));
};

/** Decides the shell's direction from the first octets a side has sent. */
const decide = (flow: Flow, direction: Direction, chunk: Uint8Array): void => {
  if (flow.first[direction].length < shellPrefix) flow.first[direction] += latin1(chunk, 0, shellPrefix);
  if (isShellOutput(flow.first[direction])) flow.shell = direction;
};

/** Tells the operator's lines kept while the shell's direction was unknown (in their own direction's turn). */
const flush = (flow: Flow, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  if (flow.shell === undefined || flow.waiting[direction].length === 0) return;
  const lines = flow.waiting[direction];
  flow.waiting[direction] = [];
  for (const line of lines) onLine(flow, line, direction, ts, out);
};

const createShellParser = () => {
  const flow: Flow = {
    sides: { 'to-server': lineSide(), 'to-client': lineSide() },
    first: { 'to-server': '', 'to-client': '' },
    waiting: { 'to-server': [], 'to-client': [] },
    prompted: false,
    lastTs: {},
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      flow.lastTs[direction] = ts;
      if (flow.shell === undefined) decide(flow, direction, chunk);
      flush(flow, direction, ts, out);
      feedLines(flow.sides[direction], chunk, maxLine, (line) => {
        if (flow.shell !== undefined) onLine(flow, line, direction, ts, out);
        else if (flow.waiting[direction].length < maxWaiting) flow.waiting[direction].push(line);
      });
      // A prompt has no newline after it: look at what is left of the shell's line.
      const side = flow.sides[direction];
      if (direction === flow.shell && !flow.prompted && side.text !== '')
        onLine(flow, side.text, direction, ts, out);
      return out;
    },
    gap: (direction: Direction): void => lineGap(flow.sides[direction]),
    /** Commands sent before the shell answered, when no later command told them. */
    end(): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      for (const direction of ['to-server', 'to-client'] as const)
        flush(flow, direction, flow.lastTs[direction] ?? 0, out);
      return out;
    },
  };
};

export const shell: Protocol = {
  id: 'shell',
  transport: 'tcp',
  ports: [],
  encrypted: false,
  detect: detectShell,
  createParser: createShellParser,
};
