/** POST /findings end to end through the Lambda handler, with a real SQLite runtime and the local issuer. */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { commandJwsType } from '#core/command.ts';
import { handler } from '#functions/ingest/handler.ts';
import { setGroupMode } from '#functions/learn/set-group-mode.ts';
import { createLocalIssuer, generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { setRuntime } from '#functions/platform/runtime.ts';
import { batch, flow, heartbeat, httpEvent, podRef } from '../platform/factories.ts';
import { localRuntime } from '../platform/runtime-harness.ts';

const pod = podRef('frontend-7d9c5b6f4d-abcde');

const post = (body: unknown, token?: string) =>
  handler(
    httpEvent('POST', '/findings', {
      body,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    }),
  );

const parse = (result: Awaited<ReturnType<typeof handler>>) => ({
  status: result.statusCode,
  body: JSON.parse(String(result.body)),
});

afterEach(() => setRuntime(undefined));

describe('ingest handler', () => {
  it('stores a batch, learns from it, and stores a retry once', async () => {
    const runtime = await localRuntime();
    const token = await runtime.issuer?.mintPodToken(pod);
    const sent = batch(pod, [heartbeat(), flow()]);
    const first = parse(await post(sent, token));
    expect(first).toEqual({
      status: 200,
      body: { batchId: sent.batchId, stored: true, accepted: 2, commands: [] },
    });
    expect(parse(await post(sent, token)).body.stored).toBe(false);
    await runtime.idle();
    expect(await runtime.store.countFindings()).toBe(2);
    expect(await runtime.store.listRules()).toHaveLength(1);
    expect((await runtime.store.listFindings({ kind: 'flow' }))[0]?.group).toBe('shop/frontend');
  });

  it('stores 50 concurrent copies of one batch exactly once', async () => {
    const runtime = await localRuntime();
    const token = await runtime.issuer?.mintPodToken(pod);
    const sent = batch(
      pod,
      Array.from({ length: 20 }, (_, i) => flow({ client: { ip: '10.0.0.1', port: 1000 + i } })),
    );
    const results = await Promise.all(Array.from({ length: 50 }, () => post(sent, token).then(parse)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.stored)).toHaveLength(1);
    expect(await runtime.store.countFindings()).toBe(20);
  });

  it('refuses with 401/403/400 and a clear reason', async () => {
    const runtime = await localRuntime();
    const good = batch(pod, [flow()]);
    const token = (await runtime.issuer?.mintPodToken(pod)) ?? '';
    const stranger = await createLocalIssuer(await generateIssuerKey());
    const cases: [unknown, string | undefined, number, string][] = [
      [good, undefined, 401, 'missing bearer token'],
      [good, 'not-a-jwt', 401, 'token is malformed'],
      [good, await runtime.issuer?.mintPodToken(pod, { ttlSeconds: -100 }), 401, 'token expired'],
      [good, await stranger.mintPodToken(pod), 401, "token signing key is not in the issuer's key set"],
      [good, await runtime.issuer?.mintPodToken(podRef('cart-1')), 403, 'token belongs to another pod'],
      [{ ...good, version: 2 }, token, 400, 'finding batch is invalid'],
      ['{"version":', token, 400, 'request body is not valid JSON'],
    ];
    for (const [body, bearer, status, message] of cases) {
      const result = parse(await post(body, bearer));
      expect(result.status, message).toBe(status);
      expect(result.body.message, message).toContain(message);
    }
    expect(await runtime.store.countFindings()).toBe(0);
  });

  it('never answers 5xx to random bodies', async () => {
    const runtime = await localRuntime();
    const token = (await runtime.issuer?.mintPodToken(pod)) ?? '';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.anything().map((v) => JSON.stringify(v) ?? ''),
        ),
        async (body) => {
          const result = await post(body, token);
          expect(result.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers with the pending signed commands for that pod, once', async () => {
    const runtime = await localRuntime();
    const token = await runtime.issuer?.mintPodToken(pod);
    await post(batch(pod, [heartbeat({ at: new Date().toISOString() })]), token);
    await runtime.idle();
    const change = await setGroupMode(runtime, 'shop/frontend', 'monitor', new Date());
    expect(change).toMatchObject({ ok: true, commands: 1, group: { mode: 'monitor' } });
    const { body } = parse(await post(batch(pod, [flow()]), token));
    expect(body.commands).toHaveLength(1);
    const verified = await jwtVerify(
      body.commands[0],
      createLocalJWKSet(runtime.signer?.jwks ?? { keys: [] }),
      {
        audience: pod.uid,
        typ: commandJwsType,
      },
    );
    expect(verified.payload).toMatchObject({ kind: 'set-mode', mode: 'monitor' });
    expect(parse(await post(batch(pod, [flow()], randomUUID()), token)).body.commands).toEqual([]);
  });
});

describe('runtime bus', () => {
  it('delivers each stored batch, once, to every subscriber in order', async () => {
    const runtime = await localRuntime();
    const seen: string[] = [];
    runtime.subscribe(async (message) => {
      seen.push(message.batchId);
    });
    const token = await runtime.issuer?.mintPodToken(pod);
    const first = batch(pod, [flow()]);
    const second = batch(pod, [flow()]);
    await post(first, token);
    await post(first, token);
    await post(second, token);
    await runtime.idle();
    expect(seen).toEqual([first.batchId, second.batchId]);
  });
});
