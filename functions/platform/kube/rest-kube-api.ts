/** KubeApi over plain HTTPS: the handful of REST calls meshward makes, explicit patch content types, 404/409 as values. */
import type { CoreV1Event, V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import type { KubeApi, PatchKind } from './kube-api.ts';
import type { KubeConnection } from './kube-connection.ts';
import { kubeRequest as run } from './kube-request.ts';

const contentTypes: Record<PatchKind, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

const pods = (namespace: string, name = '') =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods${name === '' ? '' : `/${encodeURIComponent(name)}`}`;
const policies = (namespace: string, name = '') =>
  `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/networkpolicies${name === '' ? '' : `/${encodeURIComponent(name)}`}`;

export const createRestKubeApi = (connection: KubeConnection): KubeApi => ({
  async getPod(namespace, name) {
    const pod = await run(
      connection,
      `get pod ${namespace}/${name}`,
      { method: 'GET', path: pods(namespace, name) },
      { 404: 'absent' },
    );
    return pod === 'absent' ? undefined : (pod as V1Pod);
  },
  async listPods(namespace, labelSelector) {
    const path = `${pods(namespace)}?labelSelector=${encodeURIComponent(labelSelector)}`;
    const list = await run(connection, `list pods in ${namespace}`, { method: 'GET', path });
    return ((list as { items?: V1Pod[] }).items ?? []) as V1Pod[];
  },
  async patchPod(namespace, name, body, kind) {
    const call = { method: 'PATCH', path: pods(namespace, name), body, contentType: contentTypes[kind] };
    const result = await run(connection, `patch pod ${namespace}/${name}`, call, {
      404: 'not-found',
      409: 'conflict',
    });
    return result as V1Pod | 'conflict' | 'not-found';
  },
  async createEvent(namespace, event: CoreV1Event) {
    // The same event twice (a retried action) is already recorded: 409 is fine.
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
    await run(
      connection,
      `create event in ${namespace}`,
      { method: 'POST', path, body: event },
      { 409: 'exists' },
    );
  },
  async getNetworkPolicy(namespace, name) {
    const call = { method: 'GET', path: policies(namespace, name) };
    const policy = await run(connection, `get networkpolicy ${namespace}/${name}`, call, { 404: 'absent' });
    return policy === 'absent' ? undefined : (policy as V1NetworkPolicy);
  },
  async createNetworkPolicy(namespace, policy: V1NetworkPolicy) {
    const call = { method: 'POST', path: policies(namespace), body: policy };
    const result = await run(connection, `create networkpolicy ${namespace}/${policy.metadata?.name}`, call, {
      409: 'exists',
    });
    return result === 'exists' ? 'exists' : 'created';
  },
  async deleteNetworkPolicy(namespace, name) {
    const call = { method: 'DELETE', path: policies(namespace, name) };
    const result = await run(connection, `delete networkpolicy ${namespace}/${name}`, call, {
      404: 'absent',
    });
    return result === 'absent' ? 'absent' : 'deleted';
  },
});
