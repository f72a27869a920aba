/** Builds a KubeConfig from an explicit kubeconfig file or text, the in-cluster service account, or the default chain. */
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '#core/errors.ts';

export type KubeConfigSource =
  | { type: 'file'; path: string }
  | { type: 'text'; text: string }
  | { type: 'in-cluster' }
  | { type: 'default' };

/** In a pod (KUBERNETES_SERVICE_HOST set) the service account; otherwise KUBECONFIG or ~/.kube/config. */
export const kubeConfigSource = (env: NodeJS.ProcessEnv): KubeConfigSource => {
  if (env.MESHWARD_KUBECONFIG !== undefined && env.MESHWARD_KUBECONFIG !== '') {
    return { type: 'file', path: env.MESHWARD_KUBECONFIG };
  }
  return env.KUBERNETES_SERVICE_HOST === undefined ? { type: 'default' } : { type: 'in-cluster' };
};

export const loadKubeConfig = (source: KubeConfigSource): KubeConfig => {
  const kc = new KubeConfig();
  try {
    if (source.type === 'file') kc.loadFromFile(source.path);
    else if (source.type === 'text') kc.loadFromString(source.text);
    else if (source.type === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (error) {
    throw new AppError('config-invalid', `cannot load the Kubernetes configuration (${source.type})`, {
      cause: error,
    });
  }
  if (kc.getCurrentCluster() === null) {
    throw new AppError('config-invalid', `the Kubernetes configuration (${source.type}) names no cluster`);
  }
  return kc;
};
