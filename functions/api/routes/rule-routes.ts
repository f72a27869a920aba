/** Rules: list (by group), export, create a manual rule, delete. */
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import { type Rule, ruleSchema } from '#core/rule.ts';
import { ruleId } from '#functions/learn/merge-edge.ts';
import { type ApiRoute, fail, ok } from '../api-route.ts';

const newRuleSchema = ruleSchema
  .omit({ id: true, source: true, hits: true, firstSeen: true, lastSeen: true })
  .extend({
    protocol: ruleSchema.shape.protocol.default('unknown'),
    transport: ruleSchema.shape.transport.default('tcp'),
  });

const filterOf = (query: Record<string, string>) => (query.group === undefined ? {} : { group: query.group });

export const ruleRoutes: ApiRoute[] = [
  {
    route: 'GET /api/rules',
    role: 'viewer',
    run: async ({ query }, { store }) => ok({ rules: await store.listRules(filterOf(query)) }),
  },
  {
    route: 'GET /api/rules/export',
    role: 'viewer',
    run: async ({ query }, { store, now }) =>
      ok({ version: 1, exportedAt: now().toISOString(), rules: await store.listRules(filterOf(query)) }),
  },
  {
    route: 'POST /api/rules',
    role: 'operator',
    run: async ({ body }, { store, now }) => {
      const parsed = newRuleSchema.safeParse(body);
      if (!parsed.success) return fail(400, 'bad-request', 'rule is invalid', describeZodError(parsed.error));
      const at = now().toISOString();
      const rule: Rule = {
        ...parsed.data,
        id: ruleId(parsed.data, 'manual'),
        source: 'manual',
        hits: 0,
        firstSeen: at,
        lastSeen: at,
      };
      if (rule.portEnd !== undefined && rule.portEnd < rule.port)
        return fail(400, 'bad-request', 'portEnd is below port');
      await store.putRules([rule]);
      return { status: 201, body: { rule } };
    },
  },
  {
    route: 'DELETE /api/rules/{id}',
    role: 'operator',
    run: async ({ pathParameters }, { store }) => {
      const id = z
        .string()
        .min(1)
        .parse(pathParameters.id ?? '');
      return (await store.deleteRule(id)) ? ok({ deleted: id }) : fail(404, 'not-found', `no rule ${id}`);
    },
  },
];
