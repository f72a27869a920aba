import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiDeps, ApiRoute } from '#functions/api/api-route.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { responseRoutes } from '#functions/respond/api/response-routes.ts';
import type { ResponseStore } from '#functions/respond/store/response-store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';

let store: ResponseStore;
let routes: ApiRoute[];
let clock = '2026-11-26T12:00:00.000Z';
const deps: ApiDeps = { store: openSqliteStore(':memory:'), now: () => new Date(clock) };
const caller = { subject: 'alice', role: 'operator' as const };

const call = (
  route: string,
  request: { body?: unknown; query?: Record<string, string>; id?: string } = {},
) => {
  const found = routes.find((candidate) => candidate.route === route);
  if (found === undefined) throw new Error(`no route ${route}`);
  return found.run(
    {
      pathParameters: request.id === undefined ? {} : { id: request.id },
      query: request.query ?? {},
      body: request.body,
      caller,
    },
    deps,
  );
};

beforeEach(() => {
  store = openSqliteResponseStore(':memory:');
  routes = responseRoutes(async () => store);
  clock = '2026-11-26T12:00:00.000Z';
});

describe('response API routes', () => {
  it('creates a mute from amtool-style matchers, lists it while active, and expires it on DELETE', async () => {
    const created = await call('POST /api/mutes', {
      body: { matchers: ['namespace=shop', 'threat=~"dns-.*"'], durationMinutes: 60, comment: 'known job' },
    });
    expect(created.status).toBe(201);
    const mute = (created.body as { mute: { id: string } }).mute;
    expect(mute).toMatchObject({
      createdBy: 'api:alice',
      endsAt: '2026-11-26T13:00:00.000Z',
      matchers: [
        { name: 'namespace', value: 'shop', isRegex: false, isEqual: true },
        { name: 'threat', value: 'dns-.*', isRegex: true, isEqual: true },
      ],
    });
    expect((await call('GET /api/mutes', { query: { active: 'true' } })).body).toMatchObject({
      mutes: [{ id: mute.id }],
    });
    expect((await call('DELETE /api/mutes/{id}', { id: mute.id })).status).toBe(200);
    clock = '2026-11-26T12:00:01.000Z';
    expect((await call('GET /api/mutes', { query: { active: 'true' } })).body).toEqual({ mutes: [] });
    expect((await call('GET /api/mutes')).body).toMatchObject({
      mutes: [{ expiredAt: '2026-11-26T12:00:00.000Z' }],
    });
  });

  it('rejects a mute without matchers, reason or a sane duration, or with a broken regex', async () => {
    for (const body of [
      { matchers: [], durationMinutes: 60, comment: 'x' },
      { matchers: ['namespace=shop'], durationMinutes: 60 },
      { matchers: ['namespace=shop'], durationMinutes: 100_000, comment: 'x' },
      { matchers: ['not a matcher'], durationMinutes: 60, comment: 'x' },
      { matchers: ['threat=~"("'], durationMinutes: 60, comment: 'x' },
    ]) {
      expect((await call('POST /api/mutes', { body })).status).toBe(400);
    }
    expect((await call('DELETE /api/mutes/{id}', { id: 'nope' })).status).toBe(404);
  });

  it('lists the audit trail with filters, and quarantined pods', async () => {
    for (const [id, actor] of [
      ['a1', 'rule:dns-tunnel'],
      ['a2', 'slack:U1'],
    ] as const) {
      await store.appendAudit({
        id,
        at: `2026-11-26T12:0${id.at(-1)}:00.000Z`,
        actor,
        action: 'quarantine-pod',
        target: 'pod:shop/web-1',
        reason: 'r',
        status: 'done',
        detail: [],
      });
    }
    expect((await call('GET /api/audit', { query: { actor: 'slack:U1' } })).body).toMatchObject({
      audit: [{ id: 'a2' }],
    });
    expect((await call('GET /api/audit')).body).toMatchObject({ audit: [{ id: 'a2' }, { id: 'a1' }] });
    expect((await call('GET /api/audit', { query: { limit: 'x' } })).status).toBe(400);
    await store.putQuarantine({
      podUid: 'u',
      namespace: 'shop',
      name: 'web-1',
      by: 'slack:U1',
      reason: 'r',
      at: clock,
    });
    expect((await call('GET /api/quarantines')).body).toMatchObject({ quarantines: [{ name: 'web-1' }] });
  });
});
