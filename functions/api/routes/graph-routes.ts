/** The service graph for the dashboard. */
import { type ApiRoute, ok } from '../api-route.ts';
import { serviceGraph } from '../service-graph.ts';

export const graphRoutes: ApiRoute[] = [
  {
    route: 'GET /api/graph',
    role: 'viewer',
    run: async ({ query }, { store }) =>
      ok(
        serviceGraph(await store.listGroups(), await store.listRules(), {
          hideMeshControl: query.hideMeshControl === 'true',
        }),
      ),
  },
];
