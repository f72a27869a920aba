/** Protect mode through POST /findings: a heartbeat's answer carries the group's signed allow-list (real SQLite, real keys). */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { commandJwsType } from '#core/command.ts';
import { handler } from '#functions/ingest/handler.ts';
import { setGroupMode } from '#functions/learn/set-group-mode.ts';
import { setRuntime } from '#functions/platform/runtime.ts';
import { batch, heartbeat, httpEvent, podRef, rule } from '../platform/factories.ts';
import { localRuntime } from '../platform/runtime-harness.ts';

const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const cart = podRef('cart-6c8d9f7b5-fghij');
const cartHeartbeat = (mode: 'discover' | 'monitor' | 'protect') =>
  heartbeat({
    ips: ['10.0.0.20'],
    owner: { kind: 'ReplicaSet', name: 'cart-6c8d9f7b5' },
    labels: { app: 'cart' },
    at: new Date().toISOString(),
    mode,
  });

afterEach(() => setRuntime(undefined));

describe('ingest: protect mode refresh', () => {
  it('sends the allow-list with each heartbeat while the group protects, and a set-mode when the tap disagrees', async () => {
    const runtime = await localRuntime();
    const keys = createLocalJWKSet(runtime.signer?.jwks ?? { keys: [] });
    const post = async (pod: typeof cart, findings: Parameters<typeof batch>[1]) => {
      const token = await runtime.issuer?.mintPodToken(pod);
      const result = await handler(
        httpEvent('POST', '/findings', {
          body: batch(pod, findings),
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      const body = JSON.parse(String(result.body)) as { commands: string[] };
      return Promise.all(
        body.commands.map(
          async (jws) => (await jwtVerify(jws, keys, { audience: pod.uid, typ: commandJwsType })).payload,
        ),
      );
    };
    await post(frontend, [heartbeat({ ips: ['10.0.0.10'], at: new Date().toISOString() })]);
    expect(await post(cart, [cartHeartbeat('discover')])).toEqual([]);
    await runtime.idle();
    await runtime.store.putRules([
      rule({ id: 'in', to: { type: 'group', namespace: 'shop', name: 'cart' }, port: 7070 }),
      rule({
        id: 'out',
        from: { type: 'group', namespace: 'shop', name: 'cart' },
        to: { type: 'cidr', cidr: '10.50.0.0/16' },
        port: 5432,
        protocol: 'postgresql',
      }),
    ]);
    await setGroupMode(runtime, 'shop/cart', 'protect', new Date());

    const first = await post(cart, [cartHeartbeat('discover')]);
    expect(first.map((c) => c.kind)).toEqual(['set-mode', 'set-mode', 'allow-list']);
    expect(first[2]?.allowList).toMatchObject({
      group: 'shop/cart',
      inbound: { enforce: true, entries: [{ transport: 'tcp', port: 7070, cidrs: ['10.0.0.10/32'] }] },
      outbound: { enforce: true, entries: [{ transport: 'tcp', port: 5432, cidrs: ['10.50.0.0/16'] }] },
    });
    const again = await post(cart, [cartHeartbeat('protect')]);
    expect(again.map((c) => c.kind)).toEqual(['allow-list']);
    const firstList = first[2]?.allowList as { hash: string } | undefined;
    expect(again[0]?.allowList).toMatchObject({ hash: firstList?.hash });

    await setGroupMode(runtime, 'shop/cart', 'monitor', new Date());
    const out = await post(cart, [cartHeartbeat('protect')]);
    expect(out.map((c) => [c.kind, c.mode])).toEqual([
      ['set-mode', 'monitor'],
      ['set-mode', 'monitor'],
    ]);
  });
});
