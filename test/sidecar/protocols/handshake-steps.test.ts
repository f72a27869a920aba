import { describe, expect, it } from 'vitest';
import type { Direction } from '#sidecar/events.ts';
import type { Out } from '#sidecar/protocols/handshake-read.ts';
import { heldNothing, runSteps, type Stages, type Stepper } from '#sidecar/protocols/handshake-steps.ts';

/** A toy handshake: the client sends length-prefixed messages; a message "go" turns its direction into a tunnel. */
type Toy = Stages & { messages: string[]; tunneled: string[] };
const toy = (): Toy => ({
  stage: { 'to-server': 'hello', 'to-client': 'stopped' },
  held: heldNothing(),
  messages: [],
  tunneled: [],
});
const stepper: Stepper<Toy> = {
  maxHeld: 8,
  steps: {
    'to-server': {
      hello: (flow, b, at) => {
        const size = b[at] ?? 0;
        if (size === 0) return -1;
        if (b.length < at + 1 + size) return 0;
        const text = new TextDecoder().decode(b.subarray(at + 1, at + 1 + size));
        flow.messages.push(text);
        if (text === 'go') flow.stage['to-server'] = 'tunnel';
        return 1 + size;
      },
    },
    'to-client': {},
  },
  tunnel: (flow, rest) => {
    flow.tunneled.push(new TextDecoder().decode(rest));
  },
};
const bytes = (...parts: (number | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...new TextEncoder().encode(p)])));
const feed = (flow: Toy, chunk: Uint8Array, direction: Direction = 'to-server') => {
  const out: Out = { events: [], ts: 0 };
  runSteps(stepper, flow, chunk, direction, out);
};

describe('handshake stepper', () => {
  it('reads whole messages, holds a partial one until the next chunk, and hands what follows "go" to the tunnel', () => {
    const flow = toy();
    feed(flow, bytes(2, 'ab', 3, 'c'));
    expect(flow.messages).toEqual(['ab']);
    expect(flow.held['to-server']).toEqual(bytes(3, 'c'));
    feed(flow, bytes('de', 2, 'go', 'rest of it'));
    expect(flow.messages).toEqual(['ab', 'cde', 'go']);
    expect(flow.tunneled).toEqual(['rest of it']);
    feed(flow, bytes('more'));
    expect(flow.tunneled).toEqual(['rest of it', 'more']);
  });

  it('stops a direction on a message its stage refuses, or when it holds more than the bound', () => {
    const refused = toy();
    feed(refused, bytes(0, 'x'));
    expect(refused.stage['to-server']).toBe('stopped');
    feed(refused, bytes(2, 'ab'));
    expect(refused.messages).toEqual([]);
    const long = toy();
    feed(long, bytes(200, 'only part of it'));
    expect(long.stage['to-server']).toBe('stopped');
    expect(long.held['to-server']).toHaveLength(0);
  });

  it('reads nothing in a stopped direction', () => {
    const flow = toy();
    feed(flow, bytes(2, 'ab'), 'to-client');
    expect(flow.held['to-client']).toHaveLength(0);
    expect(flow.messages).toEqual([]);
  });
});
