/** REST routes for the response path: mutes (list, create, expire), the audit trail, and quarantined pods. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import { type ApiRoute, fail, ok } from '#functions/api/api-route.ts';
import { newMute } from '../mutes/new-mute.ts';
import type { AuditFilter, ResponseStore } from '../store/response-store.ts';

const auditQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  target: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const clean = (value: z.infer<typeof auditQuery>): AuditFilter =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as AuditFilter;

/** `store` is resolved per request, so the API function needs no respond runtime until a route is used. */
export const responseRoutes = (store: () => Promise<ResponseStore>): ApiRoute[] => [
  {
    route: 'GET /api/mutes',
    role: 'viewer',
    run: async ({ query }, { now }) =>
      ok({
        mutes: await (await store()).listMutes(query.active === 'true' ? now().toISOString() : undefined),
      }),
  },
  {
    route: 'POST /api/mutes',
    role: 'operator',
    run: async ({ body, caller }, { now }) => {
      const result = newMute(body, `api:${caller.subject}`, now().toISOString(), randomUUID());
      if ('problems' in result) return fail(400, 'bad-request', 'mute is invalid', result.problems);
      await (await store()).putMute(result.mute);
      return { status: 201, body: { mute: result.mute } };
    },
  },
  {
    route: 'DELETE /api/mutes/{id}',
    role: 'operator',
    run: async ({ pathParameters }, { now }) => {
      const responseStore = await store();
      const mute = await responseStore.getMute(pathParameters.id ?? '');
      if (mute === undefined) return fail(404, 'not-found', `no mute ${pathParameters.id}`);
      const expired = { ...mute, expiredAt: mute.expiredAt ?? now().toISOString() };
      await responseStore.putMute(expired);
      return ok({ mute: expired });
    },
  },
  {
    route: 'GET /api/audit',
    role: 'viewer',
    run: async ({ query }) => {
      const parsed = auditQuery.safeParse(query);
      if (!parsed.success)
        return fail(400, 'bad-request', 'filter is invalid', describeZodError(parsed.error));
      return ok({ audit: await (await store()).listAudit(clean(parsed.data)) });
    },
  },
  {
    route: 'GET /api/quarantines',
    role: 'viewer',
    run: async () => ok({ quarantines: await (await store()).listQuarantines() }),
  },
];
