/** The Kubernetes reads that name an IP, over plain HTTPS: pods by `status.podIP`, Services by cluster IP, pods by selector. */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { KubeConnection } from './kube-connection.ts';
import type { KubeIpLookup } from './kube-ip-lookup.ts';
import { kubeRequest } from './kube-request.ts';

const hasClusterIp = (service: V1Service, ip: string): boolean =>
  service.spec?.clusterIP === ip || (service.spec?.clusterIPs ?? []).includes(ip);

const itemsOf = <T>(list: unknown): T[] => ((list as { items?: T[] } | undefined)?.items ?? []) as T[];

export const createRestIpLookup = (connection: KubeConnection): KubeIpLookup => {
  const list = async <T>(what: string, path: string): Promise<T[]> =>
    itemsOf<T>(await kubeRequest(connection, what, { method: 'GET', path }));
  /** `spec.clusterIP` is a Service field selector only on newer API servers (400 before): then list and filter. */
  const services = async (ip: string): Promise<V1Service[]> => {
    const selected = await kubeRequest(
      connection,
      'list services',
      { method: 'GET', path: `/api/v1/services?fieldSelector=${encodeURIComponent(`spec.clusterIP=${ip}`)}` },
      { 400: 'unsupported' },
    );
    return selected === 'unsupported' ? list('list services', '/api/v1/services') : itemsOf(selected);
  };
  return {
    podsByIp: (ip) =>
      list<V1Pod>(
        'list pods by IP',
        `/api/v1/pods?fieldSelector=${encodeURIComponent(`status.podIP=${ip}`)}`,
      ),
    servicesByClusterIp: async (ip) => (await services(ip)).filter((service) => hasClusterIp(service, ip)),
    podsBySelector: (namespace, labelSelector) =>
      list<V1Pod>(
        `list pods in ${namespace}`,
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(labelSelector)}`,
      ),
  };
};
