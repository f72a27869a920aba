/** Learn on the bus: a batch that leaves the baseline publishes its violations onward (to respond); violations are not relearned. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { learnMessage } from '#functions/learn/learn-message.ts';
import type { BusMessage } from '#functions/platform/bus/bus.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { at, flow, heartbeat, podRef } from '../platform/factories.ts';

const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const cart = podRef('cart-5c6d7f8b9c-fghjk');

const harness = () => {
  const store = openSqliteStore(':memory:');
  const published: BusMessage[] = [];
  const bus = { publish: async (message: BusMessage) => void published.push(message) };
  const deps = { store, config: learnConfigSchema.parse({ defaultMode: 'monitor' }), bus };
  let n = 0;
  const send = (pod: PodRef, findings: Finding[]) =>
    learnMessage({ type: 'batch', batchId: `b${++n}`, pod, receivedAt: at(5), findings }, deps);
  return { store, published, send, deps };
};

const cartHeartbeat = heartbeat({
  ips: ['10.0.0.2'],
  owner: { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' },
  labels: { app: 'cart' },
});

describe('learnMessage', () => {
  it('publishes the ids of the violations a batch raised, pointing at the stored violations', async () => {
    const { store, published, send } = harness();
    await send(frontend, [heartbeat()]);
    await send(cart, [cartHeartbeat]);
    expect(published).toEqual([]);
    const outcome = await send(frontend, [flow({ server: { ip: '10.0.0.2', port: 7070 } })]);
    expect(outcome?.violations).toHaveLength(1);
    expect(published).toEqual([
      {
        type: 'violations',
        batchId: 'b3',
        pod: frontend,
        receivedAt: at(5),
        violationIds: [outcome?.violations[0]?.id],
      },
    ]);
    const stored = await store.getFinding(String(outcome?.violations[0]?.id));
    expect(stored?.kind).toBe('violation');
  });

  it('ignores a violations message (it is respond’s) and publishes nothing', async () => {
    const { published, deps } = harness();
    const message: BusMessage = {
      type: 'violations',
      batchId: 'b1',
      pod: frontend,
      receivedAt: at(5),
      violationIds: ['v-1'],
    };
    expect(await learnMessage(message, deps)).toBeUndefined();
    expect(published).toEqual([]);
    expect(await deps.store.listGroups()).toEqual([]);
  });
});
