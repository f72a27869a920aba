import { describe, expect, it } from 'vitest';
import type { RedisCommandEvent } from '#sidecar/events.ts';
import { eventInputs } from '#sidecar/threats/text/event-inputs.ts';

const base = { ts: 1, direction: 'to-server' as const };

describe('eventInputs', () => {
  it("a Redis command's arguments one by one, and past 256 the rest as one input, an argument a line", () => {
    const args = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const event: RedisCommandEvent = { ...base, kind: 'redis-command', command: 'RPUSH', args, seq: 0 };
    const inputs = eventInputs(event);
    expect(inputs).toHaveLength(257);
    expect(inputs[255]).toMatchObject({ where: 'redis RPUSH arg 256', raw: 'v255' });
    expect(inputs[256]).toMatchObject({ where: 'redis RPUSH arg (rest)', raw: args.slice(256).join('\n') });
  });
});
