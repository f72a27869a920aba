/** Findings and violations, filtered by namespace, group, kind and time; "allow" turns a violation into a rule. */
import { z } from 'zod';
import { findingSchema } from '#core/finding.ts';
import { describeZodError } from '#core/issue.ts';
import { allowViolation } from '#functions/learn/allow-violation.ts';
import type { FindingFilter } from '#functions/platform/store/store.ts';
import { type ApiResult, type ApiRoute, fail, ok } from '../api-route.ts';

const kinds = findingSchema.options.map((option) => option.shape.type.value);
const time = z.iso.datetime({ offset: true });

const filterSchema = z.object({
  namespace: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
  kind: z.enum(kinds).optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const list = async (
  query: Record<string, string>,
  store: { listFindings(f: FindingFilter): Promise<unknown[]> },
  kind?: string,
): Promise<ApiResult> => {
  const parsed = filterSchema.safeParse(kind === undefined ? query : { ...query, kind });
  if (!parsed.success) return fail(400, 'bad-request', 'filter is invalid', describeZodError(parsed.error));
  const filter: FindingFilter = {};
  for (const [key, value] of Object.entries(parsed.data))
    if (value !== undefined) Object.assign(filter, { [key]: value });
  return ok({ findings: await store.listFindings(filter) });
};

export const findingRoutes: ApiRoute[] = [
  { route: 'GET /api/findings', role: 'viewer', run: ({ query }, { store }) => list(query, store) },
  {
    route: 'GET /api/violations',
    role: 'viewer',
    run: ({ query }, { store }) => list(query, store, 'violation'),
  },
  {
    route: 'POST /api/violations/{id}/allow',
    role: 'operator',
    run: async ({ pathParameters }, { store, now }) => {
      const result = await allowViolation(store, pathParameters.id ?? '', now().toISOString());
      if (result.ok) return { status: 201, body: { rule: result.rule } };
      return result.reason === 'not-found'
        ? fail(404, 'not-found', `no finding ${pathParameters.id}`)
        : fail(400, 'bad-request', `finding ${pathParameters.id} is not a violation`);
    },
  },
];
