/** The Kubernetes reads that name an IP: pods by `status.podIP`, Services by cluster IP, a Service's pods by selector. */
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { AppError } from '#core/errors.ts';

export type KubeIpLookup = {
  /** Pods in every namespace whose `status.podIP` is the IP (field selector; terminated pods included). */
  podsByIp(ip: string): Promise<V1Pod[]>;
  /** Services in every namespace whose cluster IP (any of `spec.clusterIPs`) is the IP. */
  servicesByClusterIp(ip: string): Promise<V1Service[]>;
  /** Pods of a namespace matching a Service's selector (`key=value,...`). */
  podsBySelector(namespace: string, labelSelector: string): Promise<V1Pod[]>;
};

const unavailable = (what: string, error: unknown) =>
  new AppError(
    'unavailable',
    `Kubernetes API: ${what} failed (${error instanceof ApiException ? error.code : 'no response'})`,
    { cause: error },
  );

const hasClusterIp = (service: V1Service, ip: string): boolean =>
  service.spec?.clusterIP === ip || (service.spec?.clusterIPs ?? []).includes(ip);

export const createClientNodeIpLookup = (kc: KubeConfig): KubeIpLookup => {
  const core = kc.makeApiClient(CoreV1Api);
  const guarded = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw unavailable(what, error);
    }
  };
  /** `spec.clusterIP` is a Service field selector only on newer API servers (400 before): then list and filter. */
  const services = async (ip: string): Promise<V1Service[]> => {
    try {
      return (await core.listServiceForAllNamespaces({ fieldSelector: `spec.clusterIP=${ip}` })).items;
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 400) throw unavailable('list services', error);
      return guarded('list services', async () => (await core.listServiceForAllNamespaces()).items);
    }
  };
  return {
    podsByIp: (ip) =>
      guarded(
        'list pods by IP',
        async () => (await core.listPodForAllNamespaces({ fieldSelector: `status.podIP=${ip}` })).items,
      ),
    servicesByClusterIp: async (ip) => (await services(ip)).filter((service) => hasClusterIp(service, ip)),
    podsBySelector: (namespace, labelSelector) =>
      guarded(
        `list pods in ${namespace}`,
        async () => (await core.listNamespacedPod({ namespace, labelSelector })).items,
      ),
  };
};
