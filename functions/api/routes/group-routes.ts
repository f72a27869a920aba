/** Groups: list them with their modes, and change a group's mode (operators). */
import { z } from 'zod';
import { modeSchema } from '#core/mode.ts';
import { setGroupMode } from '#functions/learn/set-group-mode.ts';
import { type ApiRoute, fail, ok } from '../api-route.ts';

const modeBody = z.object({ mode: modeSchema });

export const groupRoutes: ApiRoute[] = [
  {
    route: 'GET /api/groups',
    role: 'viewer',
    run: async ({ query }, { store }) => {
      const groups = await store.listGroups();
      const pods = await store.listPods();
      const visible = query.hideMeshControl === 'true' ? groups.filter((g) => !g.meshControl) : groups;
      return ok({
        groups: visible.map((g) => ({ ...g, pods: pods.filter((p) => p.group === g.key).length })),
      });
    },
  },
  {
    route: 'PUT /api/groups/{namespace}/{name}/mode',
    role: 'operator',
    run: async ({ pathParameters, body }, deps) => {
      const parsed = modeBody.safeParse(body);
      if (!parsed.success)
        return fail(400, 'bad-request', 'body must be {"mode": "discover" | "monitor" | "protect"}');
      const key = `${pathParameters.namespace}/${pathParameters.name}`;
      const change = await setGroupMode(deps, key, parsed.data.mode, deps.now());
      return change.ok ? ok(change) : fail(404, 'not-found', `no group ${key}`);
    },
  },
];
