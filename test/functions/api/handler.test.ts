/** The REST API through its Lambda handler: roles, groups and modes, rules, findings, violations, graph. */
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/api/handler.ts';
import { onBatchMessage } from '#functions/learn/on-batch-message.ts';
import { type Runtime, setRuntime } from '#functions/platform/runtime.ts';
import { at, flow, heartbeat, httpEvent, podRef } from '../platform/factories.ts';
import { localRuntime } from '../platform/runtime-harness.ts';

afterEach(() => setRuntime(undefined));

const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const istiod = podRef('istiod-6c7b8d9f5d-zzzzz', 'istio-system');

const seed = async (runtime: Runtime) => {
  const learn = (
    pod: typeof frontend,
    findings: Parameters<typeof onBatchMessage>[0]['findings'],
    batchId: string,
  ) =>
    onBatchMessage(
      { type: 'batch', batchId, pod, receivedAt: at(5), findings },
      { store: runtime.store, config: runtime.learnConfig },
    );
  await learn(
    istiod,
    [heartbeat({ ips: ['10.0.9.9'], owner: { kind: 'ReplicaSet', name: 'istiod-6c7b8d9f5d' } })],
    'b0',
  );
  await learn(
    podRef('cart-5c6d7f8b9c-fghjk'),
    [heartbeat({ ips: ['10.0.0.2'], owner: { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' } })],
    'b1',
  );
  await learn(
    frontend,
    [
      heartbeat(),
      flow(),
      flow({ server: { ip: '10.0.9.9', port: 15012 }, protocol: 'tls', encrypted: true }),
    ],
    'b2',
  );
};

const call = async (
  runtime: Runtime,
  role: 'viewer' | 'operator' | undefined,
  method: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string> } = {},
) => {
  const token = role === undefined ? undefined : await runtime.issuer?.mintApiToken(role);
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const result = await handler(httpEvent(method, path, { ...options, headers }));
  return { status: result.statusCode, body: JSON.parse(String(result.body)) };
};

describe('api handler', () => {
  it('needs a token, and the operator role to change anything', async () => {
    const runtime = await localRuntime();
    expect((await call(runtime, undefined, 'GET', '/api/rules')).status).toBe(401);
    expect((await call(runtime, 'viewer', 'GET', '/api/rules')).status).toBe(200);
    const denied = await call(runtime, 'viewer', 'POST', '/api/rules', { body: {} });
    expect(denied).toMatchObject({
      status: 403,
      body: { message: 'POST /api/rules needs the operator role; you are a viewer' },
    });
    expect((await call(runtime, 'viewer', 'GET', '/api/nothing')).status).toBe(404);
    expect((await call(runtime, 'viewer', 'PATCH', '/api/rules')).status).toBe(405);
  });

  it('lists groups with modes and changes a mode', async () => {
    const runtime = await localRuntime();
    await seed(runtime);
    const groups = await call(runtime, 'viewer', 'GET', '/api/groups', {
      query: { hideMeshControl: 'true' },
    });
    expect(groups.body.groups.map((g: { key: string }) => g.key)).toEqual(['shop/cart', 'shop/frontend']);
    const changed = await call(runtime, 'operator', 'PUT', '/api/groups/shop/frontend/mode', {
      body: { mode: 'monitor' },
    });
    expect(changed).toMatchObject({
      status: 200,
      body: { ok: true, group: { key: 'shop/frontend', mode: 'monitor' } },
    });
    expect((await runtime.store.getGroup('shop/frontend'))?.mode).toBe('monitor');
    const protect = await call(runtime, 'operator', 'PUT', '/api/groups/istio-system/istiod/mode', {
      body: { mode: 'protect' },
    });
    expect(protect.body.note).toContain('never blocked');
    expect(
      (await call(runtime, 'operator', 'PUT', '/api/groups/shop/none/mode', { body: { mode: 'monitor' } }))
        .status,
    ).toBe(404);
    expect(
      (await call(runtime, 'operator', 'PUT', '/api/groups/shop/frontend/mode', { body: { mode: 'block' } }))
        .status,
    ).toBe(400);
  });

  it('creates, lists by group, exports and deletes rules', async () => {
    const runtime = await localRuntime();
    const body = {
      from: { type: 'group', namespace: 'shop', name: 'frontend' },
      to: { type: 'fqdn', fqdn: 'api.stripe.com' },
      port: 443,
      protocol: 'tls',
    };
    const created = await call(runtime, 'operator', 'POST', '/api/rules', { body });
    expect(created).toMatchObject({
      status: 201,
      body: { rule: { source: 'manual', port: 443, transport: 'tcp' } },
    });
    const id = created.body.rule.id;
    expect(
      (await call(runtime, 'viewer', 'GET', '/api/rules', { query: { group: 'shop/frontend' } })).body.rules,
    ).toHaveLength(1);
    expect(
      (await call(runtime, 'viewer', 'GET', '/api/rules', { query: { group: 'shop/cart' } })).body.rules,
    ).toHaveLength(0);
    expect((await call(runtime, 'viewer', 'GET', '/api/rules/export')).body).toMatchObject({
      version: 1,
      rules: [{ id }],
    });
    const invalid = await call(runtime, 'operator', 'POST', '/api/rules', { body: { ...body, port: 70000 } });
    expect(invalid).toMatchObject({ status: 400, body: { details: [expect.stringContaining('port')] } });
    expect((await call(runtime, 'operator', 'DELETE', `/api/rules/${id}`)).status).toBe(200);
    expect((await call(runtime, 'operator', 'DELETE', `/api/rules/${id}`)).status).toBe(404);
  });

  it('filters findings and violations, and allows a violation', async () => {
    const runtime = await localRuntime({ defaultMode: 'monitor' });
    await seed(runtime);
    const violations = await call(runtime, 'viewer', 'GET', '/api/violations', {
      query: { group: 'shop/frontend' },
    });
    type Listed = { id: string; finding: { reason: string } };
    const found: Listed[] = violations.body.findings;
    expect(found.map((f) => f.finding.reason).sort()).toEqual([
      'no rule allows shop/frontend → istio-system/istiod',
      'no rule allows shop/frontend → shop/cart',
    ]);
    expect(
      (await call(runtime, 'viewer', 'GET', '/api/violations', { query: { since: at(30) } })).body.findings,
    ).toEqual([]);
    expect((await call(runtime, 'viewer', 'GET', '/api/findings', { query: { kind: 'bogus' } })).status).toBe(
      400,
    );
    expect(
      (
        await call(runtime, 'viewer', 'GET', '/api/findings', {
          query: { namespace: 'shop', kind: 'violation', limit: '1' },
        })
      ).body.findings,
    ).toHaveLength(1);
    const id = found.find((f) => f.finding.reason.endsWith('shop/cart'))?.id ?? '';
    const allowed = await call(
      runtime,
      'operator',
      'POST',
      `/api/violations/${encodeURIComponent(id)}/allow`,
    );
    expect(allowed).toMatchObject({ status: 201, body: { rule: { source: 'manual', port: 8080 } } });
    expect((await call(runtime, 'operator', 'POST', '/api/violations/nope/allow')).status).toBe(404);
  });

  it('draws the service graph with protocol, encryption and mesh control', async () => {
    const runtime = await localRuntime();
    await seed(runtime);
    const graph = (await call(runtime, 'viewer', 'GET', '/api/graph')).body;
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from: 'shop/frontend',
          to: 'shop/cart',
          protocol: 'http',
          encrypted: false,
          meshControl: false,
        }),
        expect.objectContaining({
          from: 'shop/frontend',
          to: 'istio-system/istiod',
          protocol: 'tls',
          encrypted: true,
          meshControl: true,
        }),
      ]),
    );
    const hidden = (
      await call(runtime, 'viewer', 'GET', '/api/graph', { query: { hideMeshControl: 'true' } })
    ).body;
    expect(hidden.edges).toHaveLength(1);
    expect(hidden.nodes.map((n: { id: string }) => n.id)).toEqual(['shop/cart', 'shop/frontend']);
  });
});
