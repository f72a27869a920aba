/** The pods of a group as their taps reported them, each marked quarantined (by whom, why, when) or not. */
import { type ApiRoute, fail, ok } from '#functions/api/api-route.ts';
import type { RespondDeps } from '../respond-deps.ts';
import type { QuarantineRecord } from '../store/response-store.ts';

export type PodView = {
  uid: string;
  namespace: string;
  name: string;
  group: string;
  lastSeen: string;
  /** Whether its tap reported recently enough that the record has not expired. */
  live: boolean;
  quarantine?: Pick<QuarantineRecord, 'by' | 'reason' | 'at'>;
};

export const podRoutes = (respond: () => Promise<RespondDeps>): ApiRoute[] => [
  {
    route: 'GET /api/groups/{namespace}/{name}/pods',
    role: 'viewer',
    run: async ({ pathParameters }, { store, now }) => {
      const key = `${pathParameters.namespace}/${pathParameters.name}`;
      if ((await store.getGroup(key)) === undefined) return fail(404, 'not-found', `no group ${key}`);
      const quarantines = new Map(
        (await (await respond()).store.listQuarantines()).map((record) => [record.podUid, record]),
      );
      const at = now().toISOString();
      const pods = (await store.listPods())
        .filter((record) => record.group === key)
        .sort((a, b) => a.pod.name.localeCompare(b.pod.name))
        .map((record): PodView => {
          const quarantine = quarantines.get(record.pod.uid);
          return {
            ...record.pod,
            group: record.group,
            lastSeen: record.lastSeen,
            live: record.expiresAt > at,
            ...(quarantine === undefined
              ? {}
              : { quarantine: { by: quarantine.by, reason: quarantine.reason, at: quarantine.at } }),
          };
        });
      return ok({ pods });
    },
  },
];
