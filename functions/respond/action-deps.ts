/** Everything an action's apply may touch, injected so tests pass fakes and the handler passes real adapters. */
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import type { ObjectStore } from '#functions/platform/object-store/object-store.ts';
import type { AlertSender } from './alerts/alert-request.ts';
import type { GroupModes } from './group-modes.ts';
import type { QuarantineRecord } from './store/response-store.ts';
import type { TapCommands } from './tap-commands.ts';

export type HttpPost = (
  url: string,
  body: string,
  headers: Record<string, string>,
) => Promise<{ status: number }>;

export type ActionDeps = {
  kube: KubeApi;
  tap: TapCommands;
  /** When the pod's tap last reported (its heartbeat), undefined if never: a silent tap gets commands by annotation. */
  tapLastSeen(podUid: string): Promise<string | undefined>;
  quarantines: {
    putQuarantine(record: QuarantineRecord): Promise<void>;
    deleteQuarantine(podUid: string): Promise<void>;
  };
  groups: GroupModes;
  alerts: AlertSender;
  objectStore: ObjectStore;
  httpPost: HttpPost;
  /** Secrets by name (webhook signing keys), from the environment or a secret store. */
  secret(name: string): string | undefined;
  now(): string;
};
