import { describe, expect, it } from 'vitest';
import type { BusMessage } from '#functions/platform/bus/bus.ts';
import { createInProcessBus } from '#functions/platform/bus/in-process-bus.ts';

const pod = { namespace: 'shop', name: 'web-1', uid: 'uid-web-1' };
const batch: BusMessage = { type: 'batch', batchId: 'b1', pod, receivedAt: '2026-11-26T12:00:00.000Z' };

describe('createInProcessBus', () => {
  it('idle waits for messages that handlers publish while handling (learn → violations → respond)', async () => {
    const bus = createInProcessBus();
    const seen: string[] = [];
    bus.subscribe(async (message) => {
      seen.push(`learn ${message.type}`);
      if (message.type === 'batch')
        await bus.publish({ ...message, type: 'violations', violationIds: ['v-1'] } as BusMessage);
    });
    bus.subscribe(async (message) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`respond ${message.type}`);
    });
    await bus.publish(batch);
    await bus.idle();
    expect(seen).toEqual(['learn batch', 'respond batch', 'learn violations', 'respond violations']);
  });

  it('counts a throwing handler as a failure and still delivers to the others', async () => {
    const errors: unknown[] = [];
    const bus = createInProcessBus((error) => errors.push(error));
    const seen: string[] = [];
    bus.subscribe(async () => {
      throw new Error('learn broke');
    });
    bus.subscribe(async (message) => void seen.push(message.batchId));
    await bus.publish(batch);
    await bus.idle();
    expect([bus.failures(), seen, String(errors[0])]).toEqual([1, ['b1'], 'Error: learn broke']);
  });
});
