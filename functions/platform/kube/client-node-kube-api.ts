/** KubeApi over @kubernetes/client-node: typed clients, explicit patch content types, 404/409 as values. */
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { AppError } from '#core/errors.ts';
import type { KubeApi, PatchKind } from './kube-api.ts';

const contentTypes: Record<PatchKind, PatchStrategy> = {
  merge: PatchStrategy.MergePatch,
  strategic: PatchStrategy.StrategicMergePatch,
  json: PatchStrategy.JsonPatch,
};

const statusOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? (error.code as number) : undefined;

/** Runs a call; the listed statuses become values, anything else an `unavailable` AppError. */
const call = async <T, K extends number>(
  what: string,
  run: () => Promise<T>,
  expected: Record<K, string>,
): Promise<T | string> => {
  try {
    return await run();
  } catch (error) {
    const code = statusOf(error);
    const value = code === undefined ? undefined : (expected as Record<number, string>)[code];
    if (value !== undefined) return value;
    throw new AppError('unavailable', `Kubernetes API: ${what} failed (${code ?? 'no response'})`, {
      cause: error,
    });
  }
};

type Clients = { core: CoreV1Api; networking: NetworkingV1Api };

const podCalls = ({ core }: Clients): Pick<KubeApi, 'getPod' | 'listPods' | 'patchPod' | 'createEvent'> => ({
  async getPod(namespace, name) {
    const pod = await call(
      `get pod ${namespace}/${name}`,
      () => core.readNamespacedPod({ namespace, name }),
      {
        404: 'absent',
      },
    );
    return typeof pod === 'string' ? undefined : pod;
  },
  async listPods(namespace, labelSelector) {
    const list = await call(
      `list pods in ${namespace}`,
      () => core.listNamespacedPod({ namespace, labelSelector }),
      {},
    );
    return typeof list === 'string' ? [] : list.items;
  },
  async patchPod(namespace, name, body, kind) {
    const options = setHeaderOptions('Content-Type', contentTypes[kind]);
    const result = await call(
      `patch pod ${namespace}/${name}`,
      () => core.patchNamespacedPod({ namespace, name, body }, options),
      { 404: 'not-found', 409: 'conflict' },
    );
    return result as Awaited<ReturnType<KubeApi['patchPod']>>;
  },
  async createEvent(namespace, body) {
    // The same event twice (a retried action) is already recorded: 409 is fine.
    await call(`create event in ${namespace}`, () => core.createNamespacedEvent({ namespace, body }), {
      409: 'exists',
    });
  },
});

const policyCalls = ({
  networking,
}: Clients): Pick<KubeApi, 'getNetworkPolicy' | 'createNetworkPolicy' | 'deleteNetworkPolicy'> => ({
  async getNetworkPolicy(namespace, name) {
    const read = () => networking.readNamespacedNetworkPolicy({ namespace, name });
    const policy = await call(`get networkpolicy ${namespace}/${name}`, read, { 404: 'absent' });
    return typeof policy === 'string' ? undefined : policy;
  },
  async createNetworkPolicy(namespace, body) {
    const create = () => networking.createNamespacedNetworkPolicy({ namespace, body });
    const result = await call(`create networkpolicy ${namespace}/${body.metadata?.name}`, create, {
      409: 'exists',
    });
    return result === 'exists' ? 'exists' : 'created';
  },
  async deleteNetworkPolicy(namespace, name) {
    const remove = () => networking.deleteNamespacedNetworkPolicy({ namespace, name });
    const result = await call(`delete networkpolicy ${namespace}/${name}`, remove, { 404: 'absent' });
    return result === 'absent' ? 'absent' : 'deleted';
  },
});

export const createClientNodeKubeApi = (kc: KubeConfig): KubeApi => {
  const clients: Clients = {
    core: kc.makeApiClient(CoreV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
  };
  return { ...podCalls(clients), ...policyCalls(clients) };
};
