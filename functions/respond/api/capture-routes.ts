/** The captures list: every capture action (rules, Slack, API), pending until its tap reports the upload. */
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import { type ApiRoute, fail, ok } from '#functions/api/api-route.ts';
import type { RespondDeps } from '../respond-deps.ts';
import { captureViews } from './capture-views.ts';

const query = z.object({
  /** `namespace/name` of a pod. */
  pod: z
    .string()
    .regex(/^[^/]+\/[^/]+$/, 'pod must be namespace/name')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const captureRoutes = (respond: () => Promise<RespondDeps>): ApiRoute[] => [
  {
    route: 'GET /api/captures',
    role: 'viewer',
    run: async (request, deps) => {
      const parsed = query.safeParse(request.query);
      if (!parsed.success)
        return fail(400, 'bad-request', 'filter is invalid', describeZodError(parsed.error));
      const { pod, limit } = parsed.data;
      const audit = await (await respond()).store.listAudit({
        action: 'capture',
        limit,
        ...(pod === undefined ? {} : { target: `pod:${pod}` }),
      });
      const findings = await deps.store.listFindings({ kind: 'capture', limit: 1000 });
      return ok({ captures: captureViews(audit, findings) });
    },
  },
];
